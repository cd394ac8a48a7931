#include "engine/search/cursor.h"

#include <bit>

#include "engine/coding.h"

namespace contactd::search {
namespace {

constexpr uint8_t kVersion = 1;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::optional<std::string> FromBase64Url(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::char_traits<char>::find(kAlphabet, 64, c);
    if (p == nullptr) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

// FNV-1a, 64 bits: stable, and plenty to tell one client's queries apart.
struct Fnv {
  uint64_t h = 0xcbf29ce484222325ull;
  void Bytes(std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) Bytes(std::string_view(reinterpret_cast<const char*>(&v) + i, 1));
  }
  void Str(std::string_view s) {
    U64(s.size());
    Bytes(s);
  }
};

void HashFilter(const Filter& f, Fnv* h) {
  h->U64(f.is_group ? 1 : 0);
  if (f.is_group) {
    h->U64(f.is_or ? 1 : 0);
    h->U64(f.children.size());
    for (const Filter& c : f.children) HashFilter(c, h);
    return;
  }
  const Condition& c = f.condition;
  h->U64(static_cast<uint64_t>(c.field.column));
  h->U64(c.field.attr);
  h->U64(static_cast<uint64_t>(c.op));
  h->U64(c.operands.size());
  for (const Operand& o : c.operands) {
    h->Str(o.text);
    h->U64(static_cast<uint64_t>(o.integer));
    if (const auto* i = std::get_if<int64_t>(&o.number)) h->U64(static_cast<uint64_t>(*i));
    if (const auto* d = std::get_if<double>(&o.number)) h->U64(std::bit_cast<uint64_t>(*d));
    h->U64(static_cast<uint64_t>(o.date.seconds));
    h->U64(o.date.nanos);
    h->U64(o.boolean ? 1 : 0);
  }
}

}  // namespace

std::string EncodeCursor(const Cursor& c) {
  std::string raw;
  raw.push_back(static_cast<char>(kVersion));
  coding::PutFixed64LE(&raw, c.fingerprint);
  raw.push_back(static_cast<char>(c.values.size()));
  for (const SortValue& v : c.values) {
    raw.push_back(v.present ? 1 : 0);
    if (!v.present) continue;
    coding::PutFixed64LE(&raw, v.key);
    coding::PutLengthPrefixed(&raw, v.tie);
  }
  coding::PutFixed64LE(&raw, c.id);
  return Base64Url(raw);
}

std::optional<Cursor> DecodeCursor(std::string_view token) {
  if (token.empty() || token.size() > 8192) return std::nullopt;
  std::optional<std::string> raw = FromBase64Url(token);
  if (!raw) return std::nullopt;
  coding::Reader r(*raw);
  Cursor c;
  uint8_t version, count;
  if (!r.Byte(&version) || version != kVersion || !r.Fixed64LE(&c.fingerprint) || !r.Byte(&count) ||
      count > kMaxSortKeys) {
    return std::nullopt;
  }
  for (uint8_t i = 0; i < count; ++i) {
    SortValue v;
    uint8_t present;
    if (!r.Byte(&present) || present > 1) return std::nullopt;
    v.present = present == 1;
    if (v.present) {
      std::string_view tie;
      if (!r.Fixed64LE(&v.key) || !r.LengthPrefixed(&tie)) return std::nullopt;
      v.tie = std::string(tie);
    }
    c.values.push_back(std::move(v));
  }
  uint64_t id;
  if (!r.Fixed64LE(&id) || !r.empty()) return std::nullopt;
  c.id = id;
  return c;
}

uint64_t Fingerprint(const Query& q) {
  Fnv h;
  h.Str("contactd-search-1");
  h.U64(q.filter ? 1 : 0);
  if (q.filter) HashFilter(*q.filter, &h);
  h.Str(q.q_text);
  h.Str(q.q_phone);
  h.U64(q.sort.size());
  for (const SortKey& k : q.sort) {
    h.U64(static_cast<uint64_t>(k.field.column));
    h.U64(k.field.attr);
    h.U64(k.descending ? 1 : 0);
  }
  return h.h;
}

}  // namespace contactd::search
