// Contact record format, version 1.
//
//   record     := version:u8(=1) id:fixed64le created_at:svarint updated_at:svarint field*
//   field      := tag:u8 length:varint payload[length]        (fields in ascending tag order)
//
// Tags (persisted; do not change or reuse):
//   1 external_id        payload = UTF-8 bytes; always present, always the first field
//   2 name               payload = UTF-8 bytes; absent when null
//   3 email              payload = UTF-8 bytes, as written (case preserved); absent when null
//   4 phonenumber        payload = UTF-8 bytes; absent when null
//   5 stripe_accounts    payload = count:varint account*; absent when empty
//        account  := has:u8 (bit 0: stripe_id, bit 1: stripe_email) label:lp [stripe_id:lp]
//                    [stripe_email:lp]
//   6 custom_attributes  payload = count:varint entry*; absent when empty
//        entry    := attr:varint kind:u8 value                (ascending attr)
//        kind 1 text     value = lp
//        kind 2 integer  value = svarint
//        kind 3 double   value = fixed64le (IEEE 754 bits)
//        kind 4 false / kind 5 true   (no value)
//        kind 6 date     value = seconds:svarint nanos:varint offset_minutes:svarint date_only:u8
//   7..  reserved for fields the record grows (first/middle/last name, company, addresses, tags,
//        metadata, verified_at, archived). Decoders skip tags they do not know.
//
//   lp       := length:varint bytes
//   svarint  := zigzag-encoded varint
#include "engine/record.h"

#include <bit>
#include <new>

#include "engine/coding.h"

namespace contactd {
namespace {

static_assert(std::endian::native == std::endian::little, "RecordView::id reads fixed64le");

constexpr uint8_t kVersion = 1;

enum Tag : uint8_t {
  kExternalId = 1,
  kName = 2,
  kEmail = 3,
  kPhone = 4,
  kStripe = 5,
  kAttrs = 6,
};

enum ValueKind : uint8_t {
  kText = 1,
  kInteger = 2,
  kDouble = 3,
  kFalse = 4,
  kTrue = 5,
  kDate = 6,
};

void PutField(std::string* out, uint8_t tag, std::string_view payload) {
  out->push_back(static_cast<char>(tag));
  coding::PutLengthPrefixed(out, payload);
}

// Writes a field whose payload `write` appends to `out` in place: one length byte is reserved and
// widened afterwards in the rare case the payload is 128 bytes or longer.
template <typename Write>
void PutFieldInPlace(std::string* out, uint8_t tag, Write write) {
  out->push_back(static_cast<char>(tag));
  const size_t len_at = out->size();
  out->push_back(0);
  write(out);
  const size_t len = out->size() - len_at - 1;
  if (len < 0x80) {
    (*out)[len_at] = static_cast<char>(len);
    return;
  }
  std::string varint;
  coding::PutVarint(&varint, len);
  out->replace(len_at, 1, varint);
}

void EncodeStripe(const std::vector<StripeAccount>& accounts, std::string* p) {
  coding::PutVarint(p, accounts.size());
  for (const StripeAccount& a : accounts) {
    const uint8_t has = (a.stripe_id ? 1 : 0) | (a.stripe_email ? 2 : 0);
    p->push_back(static_cast<char>(has));
    coding::PutLengthPrefixed(p, a.label);
    if (a.stripe_id) coding::PutLengthPrefixed(p, *a.stripe_id);
    if (a.stripe_email) coding::PutLengthPrefixed(p, *a.stripe_email);
  }
}

void EncodeValue(std::string* p, const AttrValue& value) {
  struct Visitor {
    std::string* p;
    void operator()(const std::string& s) const {
      p->push_back(kText);
      coding::PutLengthPrefixed(p, s);
    }
    void operator()(int64_t i) const {
      p->push_back(kInteger);
      coding::PutVarint(p, coding::ZigZag(i));
    }
    void operator()(double d) const {
      p->push_back(kDouble);
      coding::PutFixed64LE(p, std::bit_cast<uint64_t>(d));
    }
    void operator()(bool b) const { p->push_back(b ? kTrue : kFalse); }
    void operator()(const DateTime& t) const {
      p->push_back(kDate);
      coding::PutVarint(p, coding::ZigZag(t.seconds));
      coding::PutVarint(p, t.nanos);
      coding::PutVarint(p, coding::ZigZag(t.offset_minutes));
      p->push_back(t.date_only ? 1 : 0);
    }
  };
  std::visit(Visitor{p}, value);
}

void EncodeAttrs(const std::vector<AttrEntry>& attrs, std::string* p) {
  coding::PutVarint(p, attrs.size());
  for (const AttrEntry& e : attrs) {
    coding::PutVarint(p, e.attr);
    EncodeValue(p, e.value);
  }
}

bool DecodeOptional(coding::Reader* r, bool present, std::optional<std::string>* out) {
  if (!present) return true;
  std::string_view s;
  if (!r->LengthPrefixed(&s)) return false;
  *out = std::string(s);
  return true;
}

// Decodes stripe accounts into `out`, or only checks them when `out` is null.
bool DecodeStripe(std::string_view payload, std::vector<StripeAccount>* out) {
  coding::Reader r(payload);
  uint64_t n;
  if (!r.Varint(&n) || n > payload.size()) return false;
  if (out) out->reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint8_t has;
    std::string_view label;
    if (!r.Byte(&has) || has > 3 || !r.LengthPrefixed(&label)) return false;
    StripeAccount a;
    if (!DecodeOptional(&r, has & 1, &a.stripe_id)) return false;
    if (!DecodeOptional(&r, has & 2, &a.stripe_email)) return false;
    if (out) {
      a.label = std::string(label);
      out->push_back(std::move(a));
    }
  }
  return r.empty();
}

// Decodes one value into `out`, or only checks it when `out` is null.
bool DecodeValue(coding::Reader* r, AttrValue* out) {
  uint8_t kind;
  if (!r->Byte(&kind)) return false;
  switch (kind) {
    case kText: {
      std::string_view s;
      if (!r->LengthPrefixed(&s)) return false;
      if (out) *out = std::string(s);
      return true;
    }
    case kInteger: {
      int64_t i;
      if (!r->SignedVarint(&i)) return false;
      if (out) *out = i;
      return true;
    }
    case kDouble: {
      uint64_t bits;
      if (!r->Fixed64LE(&bits)) return false;
      if (out) *out = std::bit_cast<double>(bits);
      return true;
    }
    case kFalse:
    case kTrue:
      if (out) *out = kind == kTrue;
      return true;
    case kDate: {
      DateTime t;
      uint64_t nanos;
      int64_t offset;
      uint8_t date_only;
      if (!r->SignedVarint(&t.seconds) || !r->Varint(&nanos) || !r->SignedVarint(&offset) ||
          !r->Byte(&date_only) || nanos >= 1'000'000'000 || offset < -24 * 60 || offset > 24 * 60) {
        return false;
      }
      t.nanos = static_cast<uint32_t>(nanos);
      t.offset_minutes = static_cast<int16_t>(offset);
      t.date_only = date_only != 0;
      if (out) *out = t;
      return true;
    }
    default:
      return false;
  }
}

// Decodes custom attributes into `out`, or only checks them when `out` is null.
bool DecodeAttrs(std::string_view payload, std::vector<AttrEntry>* out) {
  coding::Reader r(payload);
  uint64_t n;
  if (!r.Varint(&n) || n > payload.size()) return false;
  if (out) out->reserve(n);
  uint64_t last = 0;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t attr;
    AttrEntry e;
    if (!r.Varint(&attr) || attr == 0 || attr > UINT16_MAX || attr <= last ||
        !DecodeValue(&r, out ? &e.value : nullptr)) {
      return false;
    }
    last = attr;
    if (out) {
      e.attr = static_cast<AttrNo>(attr);
      out->push_back(std::move(e));
    }
  }
  return r.empty();
}

// Reads the fixed header; leaves `r` at the first field.
bool ReadHeader(coding::Reader* r, ContactId* id, int64_t* created, int64_t* updated) {
  uint8_t version;
  uint64_t raw_id;
  if (!r->Byte(&version) || version != kVersion || !r->Fixed64LE(&raw_id) ||
      !r->SignedVarint(created) || !r->SignedVarint(updated)) {
    return false;
  }
  *id = raw_id;
  return true;
}

}  // namespace

std::string EncodeRecord(const Contact& c) {
  std::string out;
  EncodeRecordTo(c, &out);
  return out;
}

Record Record::Encode(const Contact& c) {
  thread_local std::string scratch;
  EncodeRecordTo(c, &scratch);
  return Record(scratch);
}

void EncodeRecordTo(const Contact& c, std::string* out_ptr) {
  std::string& out = *out_ptr;
  out.clear();
  out.reserve(64 + c.external_id.size() + (c.name ? c.name->size() : 0) +
              (c.email ? c.email->size() : 0));
  out.push_back(static_cast<char>(kVersion));
  coding::PutFixed64LE(&out, c.id);
  coding::PutVarint(&out, coding::ZigZag(c.created_at));
  coding::PutVarint(&out, coding::ZigZag(c.updated_at));
  PutField(&out, kExternalId, c.external_id);
  if (c.name) PutField(&out, kName, *c.name);
  if (c.email) PutField(&out, kEmail, *c.email);
  if (c.phonenumber) PutField(&out, kPhone, *c.phonenumber);
  if (!c.stripe_accounts.empty()) {
    PutFieldInPlace(&out, kStripe, [&](std::string* p) { EncodeStripe(c.stripe_accounts, p); });
  }
  if (!c.attrs.empty()) {
    PutFieldInPlace(&out, kAttrs, [&](std::string* p) { EncodeAttrs(c.attrs, p); });
  }
}

bool CheckRecord(std::string_view bytes) {
  coding::Reader r(bytes);
  ContactId id;
  int64_t created, updated;
  if (!ReadHeader(&r, &id, &created, &updated) || id == 0) return false;
  int last_tag = 0;
  while (!r.empty()) {
    uint8_t tag;
    std::string_view payload;
    if (!r.Byte(&tag) || tag <= last_tag || !r.LengthPrefixed(&payload)) return false;
    if (last_tag == 0 && tag != kExternalId) return false;
    last_tag = tag;
    if (tag == kStripe && !DecodeStripe(payload, nullptr)) return false;
    if (tag == kAttrs && !DecodeAttrs(payload, nullptr)) return false;
  }
  return last_tag != 0;
}

Result<Contact> DecodeRecord(std::string_view bytes) {
  const Status corrupt(Code::kDataLoss, "corrupt contact record");
  coding::Reader r(bytes);
  Contact c;
  if (!ReadHeader(&r, &c.id, &c.created_at, &c.updated_at)) return corrupt;
  int last_tag = 0;
  bool has_external_id = false;
  while (!r.empty()) {
    uint8_t tag;
    std::string_view payload;
    if (!r.Byte(&tag) || tag <= last_tag || !r.LengthPrefixed(&payload)) return corrupt;
    last_tag = tag;
    switch (tag) {
      case kExternalId:
        c.external_id = std::string(payload);
        has_external_id = true;
        break;
      case kName:
        c.name = std::string(payload);
        break;
      case kEmail:
        c.email = std::string(payload);
        break;
      case kPhone:
        c.phonenumber = std::string(payload);
        break;
      case kStripe:
        if (!DecodeStripe(payload, &c.stripe_accounts)) return corrupt;
        break;
      case kAttrs:
        if (!DecodeAttrs(payload, &c.attrs)) return corrupt;
        break;
      default:
        break;  // a field added by a later version: skipped
    }
  }
  if (!has_external_id || c.id == 0) return corrupt;
  return c;
}

std::optional<std::string_view> RecordView::Field(uint8_t tag) const {
  coding::Reader r(bytes_);
  ContactId id;
  int64_t created, updated;
  ReadHeader(&r, &id, &created, &updated);
  while (!r.empty()) {
    uint8_t t;
    std::string_view payload;
    if (!r.Byte(&t) || !r.LengthPrefixed(&payload) || t > tag) break;
    if (t == tag) return payload;
  }
  return std::nullopt;
}

ContactId RecordView::id() const {
  uint64_t id = 0;
  std::memcpy(&id, bytes_.data() + 1, sizeof id);
  return id;
}

int64_t RecordView::created_at() const {
  coding::Reader r(bytes_.substr(9));
  int64_t v = 0;
  r.SignedVarint(&v);
  return v;
}

int64_t RecordView::updated_at() const {
  coding::Reader r(bytes_.substr(9));
  int64_t v = 0;
  r.SignedVarint(&v);
  r.SignedVarint(&v);
  return v;
}

std::optional<AttrValue> RecordView::attr(AttrNo attr) const {
  const std::optional<std::string_view> payload = Field(kAttrs);
  if (!payload) return std::nullopt;
  coding::Reader r(*payload);
  uint64_t n;
  if (!r.Varint(&n)) return std::nullopt;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t no;
    if (!r.Varint(&no) || no > attr) return std::nullopt;
    if (no == attr) {
      AttrValue v;
      return DecodeValue(&r, &v) ? std::optional<AttrValue>(std::move(v)) : std::nullopt;
    }
    if (!DecodeValue(&r, nullptr)) return std::nullopt;
  }
  return std::nullopt;
}

std::string_view RecordView::external_id() const { return Field(kExternalId).value_or(""); }
std::optional<std::string_view> RecordView::name() const { return Field(kName); }
std::optional<std::string_view> RecordView::email() const { return Field(kEmail); }
std::optional<std::string_view> RecordView::phonenumber() const { return Field(kPhone); }

Record::Record(std::string_view bytes)
    : data_(static_cast<char*>(::operator new(kBytesAt + bytes.size()))) {
  new (data_) std::atomic<uint32_t>(1);
  const auto n = static_cast<uint32_t>(bytes.size());
  std::memcpy(data_ + kSizeAt, &n, sizeof n);
  std::memcpy(data_ + kBytesAt, bytes.data(), bytes.size());
}

void Record::Unref() noexcept {
  // acq_rel: the last owner sees every other owner's reads done before it frees the bytes.
  if (refs().fetch_sub(1, std::memory_order_acq_rel) == 1) {
    ::operator delete(data_);
  }
  data_ = nullptr;
}

}  // namespace contactd
