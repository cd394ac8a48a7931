// Random contact data and random queries for the search oracle tests, over small alphabets so
// that collisions, shared prefixes, accents, missing values, huge numbers and sub-microsecond
// dates all occur. Builds on the reference model in search_reference.h.
//
// Thread-safety: none; each test owns its generators.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/attr_value.h"
#include "engine/contact.h"
#include "engine/schema.h"
#include "engine/search/fold.h"
#include "engine/search/query.h"
#include "engine/status.h"

#include "tests/engine/search/search_reference.h"

namespace contactd::search::reference {

// ------------------------------------------------------------------------------------------------
// Random data over small alphabets.

using Rng = std::mt19937_64;

inline size_t Uniform(Rng& rng, size_t lo, size_t hi) {  // inclusive
  return std::uniform_int_distribution<size_t>(lo, hi)(rng);
}
inline bool Chance(Rng& rng, double p) { return std::bernoulli_distribution(p)(rng); }
template <typename T>
const T& Pick(Rng& rng, const std::vector<T>& v) {
  return v[Uniform(rng, 0, v.size() - 1)];
}

// UTF-8 code points of s.
inline std::vector<std::string_view> CodePointsOf(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i + 1;
    while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xc0) == 0x80) ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// A random run of code points of s: the whole, a prefix, a suffix or a middle part, of
// `min_len`..`max_len` code points when s is long enough.
inline std::string Piece(Rng& rng, std::string_view s, size_t min_len, size_t max_len,
                         int mode = -1) {
  const std::vector<std::string_view> cps = CodePointsOf(s);
  if (cps.empty()) return "";
  const size_t len = std::min(cps.size(), Uniform(rng, min_len, max_len));
  if (mode < 0) mode = static_cast<int>(Uniform(rng, 0, 2));
  size_t start = 0;
  if (mode == 1) start = cps.size() - len;                   // suffix
  if (mode == 2) start = Uniform(rng, 0, cps.size() - len);  // middle
  std::string out;
  for (size_t i = start; i < start + len; ++i) out += cps[i];
  return out;
}

inline std::string AsciiUpper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return s;
}

// Upper-cases ASCII and swaps a few accented letters for their capitals.
inline std::string ChangeCase(Rng& rng, std::string s) {
  if (Chance(rng, 0.5)) return AsciiUpper(std::move(s));
  for (auto [from, to] : {std::pair<std::string_view, std::string_view>{"é", "É"},
                          {"ü", "Ü"},
                          {"ł", "Ł"},
                          {"ø", "Ø"},
                          {"ö", "Ö"}}) {
    size_t at;
    while ((at = s.find(from)) != std::string::npos) s.replace(at, from.size(), to);
  }
  return s;
}

struct Pools {
  std::vector<std::string> names = {"José",
                                    "jose",
                                    "JOSÉ",
                                    "Jose Luis",
                                    "Müller",
                                    "MÜLLER",
                                    "muller",
                                    "Mu\xCC\x88ller",
                                    "Straße",
                                    "STRASSE",
                                    "strasse",
                                    "Łukasz",
                                    "łukasz",
                                    "Lukasz",
                                    "alexandra-xx",
                                    "alexandra-xy",
                                    "Alexandra-XX",
                                    "alexandra-x",
                                    "alexandra",
                                    "alexandr",
                                    "al",
                                    "a",
                                    "A",
                                    "",
                                    "ß",
                                    "ss",
                                    "Ørjan",
                                    "Søren",
                                    "東京",
                                    "ﬁle",
                                    "Ana María",
                                    "ana maria",
                                    "Zoë",
                                    "zoe",
                                    "Đorđe",
                                    "alexandra-xx-yy",
                                    "ALEXANDRA-XX-YZ"};
  std::vector<std::string> name_letters = {"a", "b", "é", "É", "ü", "ß", "Ł",
                                           "-", " ", "x", "A", "e", "l"};
  std::vector<std::string> locals = {"jose",      "josé",         "JOSE",   "muller",
                                     "müller",    "alexandra-xx", "a",      "b",
                                     "ana.maria", "zoë",          "łukasz", "x"};
  std::vector<std::string> domains = {"acme.com",        "acme.com",     "acme.com",
                                      "ACME.COM",        "exämple.org",  "b.io",
                                      "alexandra-xx.io", "mail.acme.com"};
  std::vector<std::string> plans = {"Pro",
                                    "pro",
                                    "PRÖ",
                                    "free",
                                    "Free-Trial",
                                    "enterprise-plus",
                                    "enterprise-plux",
                                    "enterprise-plus-annual",
                                    "",
                                    "é",
                                    "ß",
                                    "ss",
                                    "Ünïcode",
                                    "alexandra-xx"};
  std::vector<std::string> labels = {"Main", "main", "Secondary", "Ünïcode", "alexandra-account",
                                     "ß"};
  std::vector<std::string> stripe_ids = {"cus_123", "CUS_123", "cus_abc", "cus_ÄBC"};
  std::vector<std::string> stripe_emails = {"billing@acme.com", "Billing@ACME.com",
                                            "pay@exämple.org"};
  std::vector<AttrValue> ltv = {
      int64_t{-3},  int64_t{-1}, int64_t{0}, int64_t{1}, int64_t{2},
      int64_t{3},   -1.5,        0.5,        2.0,        2.5,
      -0.0,         1e-9,        3.0,        kP53,       static_cast<double>(kP53),
      int64_t{100}, 99.99};
  std::vector<AttrValue> score = {kP53 + 1,
                                  kP53 + 2,
                                  kP53,
                                  -(kP53 + 1),
                                  std::numeric_limits<int64_t>::max(),
                                  std::numeric_limits<int64_t>::min(),
                                  int64_t{1} << 62,
                                  4611686018427387904.0,
                                  int64_t{12345678901234567},
                                  12345678901234568.0,
                                  int64_t{0},
                                  int64_t{1},
                                  int64_t{-1},
                                  0.5,
                                  static_cast<double>(kP53 + 2),
                                  1e300,
                                  -1e300};
  // Values at or beyond +-9.2e18 held as both int64 and double, and 2^63 itself.
  std::vector<AttrValue> score_extreme = {int64_t{9210000000000000000}, 9.21e18,
                                          9223372036854775808.0, int64_t{-9210000000000000000},
                                          -9.21e18};
  // Whole microseconds only: "renewal" keeps exact keys. Several spell the same instant.
  std::vector<std::string> renewal = {"2026-01-01",
                                      "2026-01-01T00:00:00Z",
                                      "2026-01-01T02:00:00+02:00",
                                      "2025-12-31T23:59:59Z",
                                      "2026-01-01T00:00:00.000001Z",
                                      "2026-06-15T12:30:00-07:00",
                                      "1969-12-31T23:59:59.5Z",
                                      "2026-01-01T00:00:01Z",
                                      "2030-02-28"};
  // Sub-microsecond nanos: "seen" has inexact keys.
  std::vector<std::string> seen = {"2026-03-01T10:00:00.000000001Z",
                                   "2026-03-01T10:00:00.0000005Z",
                                   "2026-03-01T10:00:00.000001Z",
                                   "2026-03-01T10:00:00.0000015Z",
                                   "2026-03-01T10:00:00.000000999Z",
                                   "2026-03-01T10:00:00Z",
                                   "2026-03-01T11:00:00.0000005+01:00",
                                   "2026-03-01T10:00:00.000002Z",
                                   "2026-03-01"};
  std::vector<std::string> q_pool = {
      "jose",         "JOSÉ",  "MÜLLER", "müller", "4155", "415-5", "ß", "ss", "alexandra-",
      "alexandra-xx", "@acme", ".com",   "l",      "é",    " a ",   "Ł", "x",  "1",
      "45",           "+1 (4", "ﬁ",      "东",     "xx-",  "ana m"};
};

// A contact's fields, drawn from the pools.
class DataGen {
 public:
  DataGen(Rng* rng, const Schema& schema) : rng_(*rng), schema_(schema) {}

  std::string Name() {
    if (Chance(rng_, 0.5)) return Pick(rng_, pools_.names);
    std::string s = Chance(rng_, 0.3) ? "alexandra-" : "";
    const size_t n = Uniform(rng_, 1, 8);
    for (size_t i = 0; i < n; ++i) s += Pick(rng_, pools_.name_letters);
    return s;
  }
  std::string Email() {
    std::string local = Pick(rng_, pools_.locals);
    if (Chance(rng_, 0.8)) local += std::to_string(Uniform(rng_, 0, 400));
    return local + "@" + Pick(rng_, pools_.domains);
  }
  std::string Phone() {
    static const char kDigits[] = "14500";
    size_t n = Chance(rng_, 0.15) ? Uniform(rng_, 17, 20) : Uniform(rng_, 3, 16);
    std::string digits;
    for (size_t i = 0; i < n; ++i) digits.push_back(kDigits[Uniform(rng_, 0, 4)]);
    std::string s = Chance(rng_, 0.4) ? "+" : "";
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && Chance(rng_, 0.25))
        s += Pick(rng_, std::vector<std::string>{" ", "-", ".", "/"});
      if (i == 1 && Chance(rng_, 0.2)) {
        s += "(" + digits.substr(i, 3) + ") ";
        i += 2;
        continue;
      }
      s.push_back(digits[i]);
    }
    if (Chance(rng_, 0.15)) {
      s += Pick(rng_, std::vector<std::string>{" x", " ext. ", "#", " ext"});
      const size_t e = Uniform(rng_, 1, 10);
      for (size_t i = 0; i < e; ++i) s.push_back(kDigits[Uniform(rng_, 0, 4)]);
    }
    return s;
  }
  std::string NewExternalId(uint64_t counter) {
    static const std::vector<std::string> kPrefixes = {
        "alexandra-xx-", "ÉXT-", "ext_", "José-", "user", "a", "ALEXANDRA-XX-", "ext-"};
    return Pick(rng_, kPrefixes) + std::to_string(counter);
  }
  std::vector<StripeAccount> Stripe() {
    std::vector<StripeAccount> out;
    if (Chance(rng_, 0.7)) return out;
    const size_t n = Uniform(rng_, 1, 2);
    for (size_t i = 0; i < n; ++i) {
      StripeAccount a;
      a.label = Pick(rng_, pools_.labels);
      if (Chance(rng_, 0.7)) a.stripe_id = Pick(rng_, pools_.stripe_ids);
      if (!a.stripe_id || Chance(rng_, 0.4)) a.stripe_email = Pick(rng_, pools_.stripe_emails);
      out.push_back(std::move(a));
    }
    return out;
  }
  // A value for the attribute, as a client would send it.
  RawValue AttrRaw(const AttrDef& d) {
    if (d.name == "plan") return RawValue::String(Pick(rng_, pools_.plans));
    if (d.name == "tier") {
      std::string s;
      const size_t n = Uniform(rng_, 0, 4);
      for (size_t i = 0; i < n; ++i) s += Pick(rng_, pools_.name_letters);
      return RawValue::String(s);
    }
    if (d.name == "ltv") return NumberRaw(Pick(rng_, pools_.ltv));
    if (d.name == "score") {
      if (Chance(rng_, 0.2)) return NumberRaw(Pick(rng_, pools_.score_extreme));
      return NumberRaw(Pick(rng_, pools_.score));
    }
    if (d.type == AttrType::kBoolean) {
      const bool b = Chance(rng_, vip_true_);
      const size_t form = Uniform(rng_, 0, 2);
      return form == 0   ? RawValue::Bool(b)
             : form == 1 ? RawValue::String(b ? "true" : "false")
                         : RawValue::Int(b ? 1 : 0);
    }
    if (d.name == "renewal") return RawValue::String(Pick(rng_, pools_.renewal));
    if (d.name == "seen") return RawValue::String(Pick(rng_, pools_.seen));
    return RawValue::Int(static_cast<int64_t>(Uniform(rng_, 0, 5)));
  }
  static RawValue NumberRaw(const AttrValue& v) {
    if (const auto* i = std::get_if<int64_t>(&v)) return RawValue::Int(*i);
    return RawValue::Double(std::get<double>(v));
  }
  // custom_attributes for a write: a random subset of the attributes (never "ghost").
  std::vector<std::pair<std::string, RawValue>> Attrs() {
    std::vector<std::pair<std::string, RawValue>> out;
    for (const AttrDef& d : schema_.defs()) {
      if (d.name == "ghost") continue;
      const double p = d.type == AttrType::kBoolean ? vip_present_ : 0.6;
      if (Chance(rng_, p)) {
        out.emplace_back(d.name, AttrRaw(d));
      } else if (Chance(rng_, 0.1)) {
        out.emplace_back(d.name, RawValue::Null());
      }
    }
    return out;
  }

  // A full new contact.
  ContactInput NewContact(uint64_t counter) {
    ContactInput in;
    in.external_id.Set(NewExternalId(counter));
    if (Chance(rng_, 0.8)) in.name.Set(Name());
    if (Chance(rng_, 0.75)) in.email.Set(Email());
    if (Chance(rng_, 0.7)) in.phonenumber.Set(Phone());
    if (std::vector<StripeAccount> s = Stripe(); !s.empty()) in.stripe_accounts.Set(std::move(s));
    if (Chance(rng_, 0.9)) in.custom_attributes.Set(Attrs());
    return in;
  }

  // A random patch of an existing contact (at least one field).
  ContactInput Patch() {
    ContactInput in;
    while (true) {
      if (Chance(rng_, 0.3)) Chance(rng_, 0.2) ? in.name.SetNull() : in.name.Set(Name());
      if (Chance(rng_, 0.25)) Chance(rng_, 0.2) ? in.email.SetNull() : in.email.Set(Email());
      if (Chance(rng_, 0.25)) {
        Chance(rng_, 0.2) ? in.phonenumber.SetNull() : in.phonenumber.Set(Phone());
      }
      if (Chance(rng_, 0.1)) in.stripe_accounts.Set(Stripe());
      if (Chance(rng_, 0.35)) {
        Chance(rng_, 0.1) ? in.custom_attributes.SetNull() : in.custom_attributes.Set(Attrs());
      }
      if (!in.name.absent() || !in.email.absent() || !in.phonenumber.absent() ||
          !in.stripe_accounts.absent() || !in.custom_attributes.absent()) {
        return in;
      }
    }
  }

  void set_vip(double present, double true_share) {
    vip_present_ = present;
    vip_true_ = true_share;
  }
  const Pools& pools() const { return pools_; }

 private:
  Rng& rng_;
  const Schema& schema_;
  Pools pools_;
  double vip_present_ = 0.6;
  double vip_true_ = 0.5;
};

// ------------------------------------------------------------------------------------------------
// Random queries, drawing operands from the data.

class QueryGen {
 public:
  QueryGen(Rng* rng, const Model* model) : rng_(*rng), model_(*model) {}

  RQuery Query() {
    RQuery q;
    if (Chance(rng_, 0.75)) q.filter = Filter(1);
    if (Chance(rng_, 0.45)) q.q = Q();
    if (Chance(rng_, 0.85)) {
      std::vector<const RField*> sortable;
      for (const RField& f : model_.fields()) {
        if (f.sortable()) sortable.push_back(&f);
      }
      std::shuffle(sortable.begin(), sortable.end(), rng_);
      const size_t n = Uniform(rng_, 1, 3);
      for (size_t i = 0; i < n; ++i) q.sort.push_back({sortable[i], Chance(rng_, 0.5)});
    }
    q.per_page = Uniform(rng_, 1, 60);
    q.values_are_text = Chance(rng_, 0.15);
    if (q.values_are_text && q.filter) Retext(&*q.filter);
    return q;
  }

  std::string Q() {
    std::string q;
    const size_t mode = Uniform(rng_, 0, 9);
    if (mode == 0 || model_.size() == 0) {
      q = Pick(rng_, pools_.q_pool);
    } else {
      const RefRow& r = model_.Random(rng_);
      std::string src;
      switch (Uniform(rng_, 0, 3)) {
        case 0:
          src = r.c.name.value_or("");
          break;
        case 1:
          src = r.c.email.value_or("");
          break;
        case 2:
          src = r.c.external_id;
          break;
        default:
          src = r.c.phonenumber.value_or("");
          if (Chance(rng_, 0.5) && r.phone_d) src = *r.phone_d;
          break;
      }
      q = Piece(rng_, src, 1, 6);
      if (Chance(rng_, 0.3)) q = ChangeCase(rng_, q);
    }
    if (Chance(rng_, 0.1)) q = " " + q + " ";
    return q;
  }

  RFilter Filter(size_t depth) {
    RFilter f;
    if (depth < 3 && Chance(rng_, 0.35)) {
      f.group = true;
      f.is_or = Chance(rng_, 0.5);
      const size_t n = Uniform(rng_, 1, 4);
      for (size_t i = 0; i < n; ++i) f.kids.push_back(Filter(depth + 1));
      return f;
    }
    f.cond = Condition();
    return f;
  }

  RCond Condition() {
    RCond c;
    const std::vector<RField>& fields = model_.fields();
    c.field = &fields[Uniform(rng_, 0, fields.size() - 1)];
    std::vector<ROp> ops;
    for (ROp op : kAllOps) {
      if (RAllowed(c.field->kind, op)) ops.push_back(op);
    }
    c.op = Pick(rng_, ops);
    c.op_sent = ROpName(c.op);
    if (Chance(rng_, 0.1))
      c.op_sent = c.op == ROp::kIn ? "in" : c.op == ROp::kNotExists ? "NOT EXISTS" : c.op_sent;
    if (c.op == ROp::kExists || c.op == ROp::kNotExists) return c;
    if ((c.op == ROp::kEq || c.op == ROp::kNe) && Chance(rng_, 0.07)) {
      c.value_given = true;  // {"operator": "=", "value": null}: presence, Intercom's way
      c.raw = {RawValue::Null()};
      c.op = c.op == ROp::kEq ? ROp::kNotExists : ROp::kExists;
      return c;
    }
    c.value_given = true;
    const size_t n = c.op == ROp::kIn || c.op == ROp::kNin ? Uniform(rng_, 1, 4) : 1;
    for (size_t i = 0; i < n; ++i) {
      auto [operand, raw] = Operand(*c.field, c.op);
      c.operands.push_back(std::move(operand));
      c.raw.push_back(std::move(raw));
    }
    return c;
  }

  // Values of a field held by some contacts (raw, as stored).
  std::optional<Contact> SomeContact() {
    if (model_.size() == 0) return std::nullopt;
    return model_.Random(rng_).c;
  }

  std::pair<ROperand, RawValue> Operand(const RField& f, ROp op) {
    ROperand o;
    const std::optional<Contact> c = SomeContact();
    switch (f.kind) {
      case RKind::kText: {
        std::string src = TextSource(f, c);
        std::string raw;
        const size_t mode = Uniform(rng_, 0, 9);
        if (mode <= 2) {
          raw = src;
        } else if (mode == 3) {
          raw = ChangeCase(rng_, src);
        } else if (mode <= 7) {
          raw = Piece(rng_, src, 1, 12, static_cast<int>(mode) - 4 > 2 ? -1 : int(mode) - 4);
          if (Chance(rng_, 0.2)) raw = ChangeCase(rng_, raw);
        } else if (mode == 8) {
          raw = Pick(rng_, std::vector<std::string>{"alexandra-xx", "alexandra-", "jose", "ß", "",
                                                    "zzz", "a", "Müller", "acme", "@acme.com",
                                                    "enterprise-plus", "main", "cus_1"});
        } else {
          raw = Piece(rng_, Fold(src), 1, 10);  // already folded
        }
        o.text = Fold(raw);
        return {o, RawValue::String(raw)};
      }
      case RKind::kPhone: {
        std::string digits;
        if (c && c->phonenumber && Chance(rng_, 0.85)) {
          digits = Digits(*c->phonenumber);
          if (Chance(rng_, 0.6)) digits = Piece(rng_, digits, 1, 8);
        } else {
          static const char kDigits[] = "14500";
          const size_t n = Uniform(rng_, 1, 6);
          for (size_t i = 0; i < n; ++i) digits.push_back(kDigits[Uniform(rng_, 0, 4)]);
        }
        // Spell it with phone punctuation.
        std::string raw = Chance(rng_, 0.3) ? "+" : "";
        for (size_t i = 0; i < digits.size(); ++i) {
          if (i > 0 && Chance(rng_, 0.2))
            raw += Pick(rng_, std::vector<std::string>{" ", "-", "."});
          raw.push_back(digits[i]);
        }
        o.text = digits;
        return {o, RawValue::String(raw)};
      }
      case RKind::kInteger: {
        int64_t v = 0;
        if (f.col == RCol::kId) {
          v = c ? static_cast<int64_t>(c->id) : 1;
        } else {
          v = c ? (f.col == RCol::kCreatedAt ? c->created_at : c->updated_at) : 1763683200;
        }
        if (Chance(rng_, 0.3)) v += static_cast<int64_t>(Uniform(rng_, 0, 4)) - 2;
        o.i = v;
        if (f.col == RCol::kId) {
          return {o, Chance(rng_, 0.5) ? RawValue::String("contact_" + std::to_string(v))
                                       : RawValue::Int(v)};
        }
        if (Chance(rng_, 0.4)) {  // ISO 8601, perhaps with a fraction and an offset
          DateTime t;
          t.seconds = v;
          if (Chance(rng_, 0.3)) t.nanos = static_cast<uint32_t>(Uniform(rng_, 1, 999999999));
          t.offset_minutes = static_cast<int16_t>(Chance(rng_, 0.5) ? 0 : 120);
          return {o, RawValue::String(FormatIsoDate(t))};
        }
        return {o, RawValue::Int(v)};
      }
      case RKind::kNumber: {
        AttrValue v;
        const RefRow* r = c ? model_.FindRow(c->id) : nullptr;
        auto it = r ? r->attrs.find(f.attr) : decltype(r->attrs.end()){};
        if (r && it != r->attrs.end() && Chance(rng_, 0.7)) {
          v = it->second;
        } else {
          v = Chance(rng_, 0.5) ? Pick(rng_, pools_.ltv) : Pick(rng_, pools_.score);
        }
        // Neighbours and the other representation of the same value.
        const size_t mode = Uniform(rng_, 0, 5);
        if (const auto* i = std::get_if<int64_t>(&v)) {
          if (mode == 0 && *i < std::numeric_limits<int64_t>::max()) v = *i + 1;
          if (mode == 1 && *i > std::numeric_limits<int64_t>::min()) v = *i - 1;
          if (mode == 2 && (*i <= kP53 && *i >= -kP53)) v = static_cast<double>(*i);
        } else {
          const double d = std::get<double>(v);
          if (mode == 0) v = std::nextafter(d, 1e308);
          if (mode == 1) v = d + 0.25;
          if (mode == 2 && std::trunc(d) == d && std::fabs(d) <= static_cast<double>(kP53)) {
            v = static_cast<int64_t>(d);
          }
        }
        o.num = v;
        return {o, DataGen::NumberRaw(v)};
      }
      case RKind::kDate: {
        DateTime t;
        const RefRow* r = c ? model_.FindRow(c->id) : nullptr;
        auto it = r ? r->attrs.find(f.attr) : decltype(r->attrs.end()){};
        if (r && it != r->attrs.end() && Chance(rng_, 0.7)) {
          t = std::get<DateTime>(it->second);
        } else {
          t = *ParseIsoDate(Pick(rng_, Chance(rng_, 0.5) ? pools_.renewal : pools_.seen));
        }
        switch (Uniform(rng_, 0, 6)) {
          case 0:
            Shift(&t, 1);  // 1 ns later
            break;
          case 1:
            Shift(&t, -1);
            break;
          case 2:
            Shift(&t, 1000);  // 1 us
            break;
          case 3:
            Shift(&t, -1000000000);  // 1 s
            break;
          default:
            break;
        }
        if (Chance(rng_, 0.5)) t.nanos -= t.nanos % 1000;  // whole microseconds, or not
        t.date_only = false;
        t.offset_minutes = static_cast<int16_t>(Pick(rng_, std::vector<int>{0, 0, 60, -420}));
        o.date = t;
        return {o, RawValue::String(FormatIsoDate(t))};
      }
      case RKind::kBoolean: {
        o.b = Chance(rng_, 0.5);
        const size_t form = Uniform(rng_, 0, 2);
        return {o, form == 0   ? RawValue::Bool(o.b)
                   : form == 1 ? RawValue::String(o.b ? "true" : "false")
                               : RawValue::Int(o.b ? 1 : 0)};
      }
      case RKind::kPresence:
        break;
    }
    return {o, RawValue::Null()};
  }

 private:
  static void Shift(DateTime* t, int64_t nanos) {
    int64_t total = static_cast<int64_t>(t->nanos) + nanos;
    int64_t secs = total >= 0 ? total / 1000000000 : -((-total + 999999999) / 1000000000);
    t->seconds += secs;
    t->nanos = static_cast<uint32_t>(total - secs * 1000000000);
  }

  std::string TextSource(const RField& f, const std::optional<Contact>& c) {
    if (!c) return "alexandra-xx";
    switch (f.col) {
      case RCol::kName:
        return c->name.value_or(Pick(rng_, pools_.names));
      case RCol::kEmail:
        return c->email.value_or("jose1@acme.com");
      case RCol::kExternalId:
        return c->external_id;
      case RCol::kStripeLabel:
      case RCol::kStripeId:
      case RCol::kStripeEmail: {
        if (c->stripe_accounts.empty()) {
          return f.col == RCol::kStripeLabel ? Pick(rng_, pools_.labels)
                                             : Pick(rng_, pools_.stripe_ids);
        }
        const StripeAccount& a =
            c->stripe_accounts[Uniform(rng_, 0, c->stripe_accounts.size() - 1)];
        if (f.col == RCol::kStripeLabel) return a.label;
        if (f.col == RCol::kStripeId) return a.stripe_id.value_or("cus_123");
        return a.stripe_email.value_or("billing@acme.com");
      }
      case RCol::kAttr: {
        for (const AttrEntry& e : c->attrs) {
          if (e.attr == f.attr) return std::get<std::string>(e.value);
        }
        return Pick(rng_, pools_.plans);
      }
      default:
        return "a";
    }
  }

  // values_are_text: numbers and booleans travel as their text.
  void Retext(RFilter* f) {
    if (f->group) {
      for (RFilter& k : f->kids) Retext(&k);
      return;
    }
    const bool boolean = f->cond.field->kind == RKind::kBoolean;
    for (size_t i = 0; i < f->cond.raw.size(); ++i) {
      RawValue& v = f->cond.raw[i];
      if (boolean && v.kind != RawValue::Kind::kNull) {
        v = RawValue::String(f->cond.operands[i].b ? "true" : "false");
      }
      if (v.kind == RawValue::Kind::kInt) v = RawValue::String(std::to_string(v.i));
      if (v.kind == RawValue::Kind::kDouble) {
        char buf[64];
        auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.d);
        v = RawValue::String(std::string(buf, p));
      }
    }
  }

  Rng& rng_;
  const Model& model_;
  Pools pools_;
};

}  // namespace contactd::search::reference
