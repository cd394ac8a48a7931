// A brute-force reference for search (engine/search/query.h), written from the specification and
// independent of the engine's indexes: filters, free-text q, sorting and paging computed by
// scanning a model of every contact. The random generators are in search_generators.h and the
// page-by-page checker in search_checker.h.
//
// Only search::Fold and search::Digits are taken from the engine: they are the specification's
// definition of folding. ParseIsoDate / FormatIsoDate are used to write and read operands.
//
// Thread-safety: none; each test owns its model and generators.
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

namespace contactd::search::reference {

// ------------------------------------------------------------------------------------------------
// Fields and operators, as the specification lists them.

enum class RKind { kText, kPhone, kInteger, kNumber, kDate, kBoolean, kPresence };
enum class RCol {
  kId,
  kExternalId,
  kName,
  kEmail,
  kPhone,
  kCreatedAt,
  kUpdatedAt,
  kStripe,
  kStripeLabel,
  kStripeId,
  kStripeEmail,
  kAttr
};

struct RField {
  std::string name;
  RCol col = RCol::kId;
  RKind kind = RKind::kInteger;
  AttrNo attr = 0;
  bool sortable() const {
    return kind != RKind::kPresence && col != RCol::kStripeLabel && col != RCol::kStripeId &&
           col != RCol::kStripeEmail;
  }
};

inline std::vector<RField> FieldsOf(const Schema& schema) {
  std::vector<RField> out = {
      {"id", RCol::kId, RKind::kInteger},
      {"external_id", RCol::kExternalId, RKind::kText},
      {"name", RCol::kName, RKind::kText},
      {"email", RCol::kEmail, RKind::kText},
      {"phonenumber", RCol::kPhone, RKind::kPhone},
      {"created_at", RCol::kCreatedAt, RKind::kInteger},
      {"updated_at", RCol::kUpdatedAt, RKind::kInteger},
      {"stripe_accounts", RCol::kStripe, RKind::kPresence},
      {"stripe_accounts.label", RCol::kStripeLabel, RKind::kText},
      {"stripe_accounts.stripe_id", RCol::kStripeId, RKind::kText},
      {"stripe_accounts.stripe_email", RCol::kStripeEmail, RKind::kText},
  };
  for (const AttrDef& d : schema.defs()) {
    RKind k = RKind::kText;
    if (d.type == AttrType::kNumber) k = RKind::kNumber;
    if (d.type == AttrType::kBoolean) k = RKind::kBoolean;
    if (d.type == AttrType::kDate) k = RKind::kDate;
    out.push_back({"custom_attributes." + d.name, RCol::kAttr, k, d.no});
  }
  return out;
}

enum class ROp {
  kEq,
  kNe,
  kIn,
  kNin,
  kGt,
  kLt,
  kGe,
  kLe,
  kContains,
  kNotContains,
  kStarts,
  kEnds,
  kExists,
  kNotExists
};
inline constexpr ROp kAllOps[] = {ROp::kEq,       ROp::kNe,          ROp::kIn,     ROp::kNin,
                                  ROp::kGt,       ROp::kLt,          ROp::kGe,     ROp::kLe,
                                  ROp::kContains, ROp::kNotContains, ROp::kStarts, ROp::kEnds,
                                  ROp::kExists,   ROp::kNotExists};

inline const char* ROpName(ROp op) {
  static constexpr const char* kNames[] = {
      "=", "!=", "IN", "NIN", ">", "<", ">=", "<=", "~", "!~", "^", "$", "exists", "not_exists"};
  return kNames[static_cast<int>(op)];
}

// Which operators each kind of field takes (the table).
inline bool RAllowed(RKind kind, ROp op) {
  const bool range = op == ROp::kGt || op == ROp::kLt || op == ROp::kGe || op == ROp::kLe;
  const bool text_only =
      op == ROp::kContains || op == ROp::kNotContains || op == ROp::kStarts || op == ROp::kEnds;
  const bool presence = op == ROp::kExists || op == ROp::kNotExists;
  switch (kind) {
    case RKind::kText:
      return true;
    case RKind::kPhone:
      return !range;
    case RKind::kInteger:
    case RKind::kNumber:
    case RKind::kDate:
      return !text_only;
    case RKind::kBoolean:
      return !range && !text_only;
    case RKind::kPresence:
      return presence;
  }
  return false;
}

// ------------------------------------------------------------------------------------------------
// Exact comparisons.

inline constexpr int64_t kP53 = int64_t{1} << 53;

inline int Sign(int64_t a, int64_t b) { return a < b ? -1 : a > b ? 1 : 0; }

// int64 against double, exactly (no rounding of the integer).
inline int CmpIntDouble(int64_t i, double d) {
  if (d >= 9223372036854775808.0) return -1;  // 2^63: above every int64
  if (d < -9223372036854775808.0) return 1;
  const double f = std::floor(d);  // |f| <= 2^63 and integral: exact as int64 unless 2^63
  const int64_t fi = static_cast<int64_t>(f);
  if (i < fi) return -1;
  if (i > fi) return 1;
  return d > f ? -1 : 0;
}

inline int CmpNumber(const AttrValue& a, const AttrValue& b) {
  const auto* ia = std::get_if<int64_t>(&a);
  const auto* ib = std::get_if<int64_t>(&b);
  if (ia && ib) return Sign(*ia, *ib);
  if (ia) return CmpIntDouble(*ia, std::get<double>(b));
  if (ib) return -CmpIntDouble(*ib, std::get<double>(a));
  const double da = std::get<double>(a), db = std::get<double>(b);
  return da < db ? -1 : da > db ? 1 : 0;
}

inline int CmpDate(const DateTime& a, const DateTime& b) {
  if (a.seconds != b.seconds) return Sign(a.seconds, b.seconds);
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

inline int CmpText(std::string_view a, std::string_view b) {
  const int c = a.compare(b);  // char_traits<char>: bytes as unsigned char
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// ------------------------------------------------------------------------------------------------
// The model: every contact with its search forms computed once.

struct RefRow {
  Contact c;
  std::optional<std::string> name_f, email_f, phone_d;
  std::string ext_f;
  std::map<AttrNo, AttrValue> attrs;
  std::map<AttrNo, std::string> attr_text_f;
  struct Stripe {
    std::string label_f;
    std::optional<std::string> id_f, email_f;
  };
  std::vector<Stripe> stripe;
};

inline RefRow MakeRow(const Contact& c) {
  RefRow r;
  r.c = c;
  if (c.name) r.name_f = Fold(*c.name);
  if (c.email) r.email_f = Fold(*c.email);
  if (c.phonenumber) r.phone_d = Digits(*c.phonenumber);
  r.ext_f = Fold(c.external_id);
  for (const AttrEntry& e : c.attrs) {
    r.attrs[e.attr] = e.value;
    if (const auto* s = std::get_if<std::string>(&e.value)) r.attr_text_f[e.attr] = Fold(*s);
  }
  for (const StripeAccount& a : c.stripe_accounts) {
    RefRow::Stripe s;
    s.label_f = Fold(a.label);
    if (a.stripe_id) s.id_f = Fold(*a.stripe_id);
    if (a.stripe_email) s.email_f = Fold(*a.stripe_email);
    r.stripe.push_back(std::move(s));
  }
  return r;
}

// One field's value of a row, typed by the field's kind.
struct RVal {
  bool present = false;
  std::string_view text;  // folded text, or phone digits (owned by the row)
  int64_t i = 0;
  AttrValue num;
  DateTime date;
  bool b = false;
};

inline RVal ValueOf(const RefRow& r, const RField& f) {
  RVal v;
  auto text = [&](const std::optional<std::string>& s) {
    if (s) {
      v.present = true;
      v.text = *s;
    }
  };
  switch (f.col) {
    case RCol::kId:
      v.present = true;
      v.i = static_cast<int64_t>(r.c.id);
      break;
    case RCol::kCreatedAt:
      v.present = true;
      v.i = r.c.created_at;
      break;
    case RCol::kUpdatedAt:
      v.present = true;
      v.i = r.c.updated_at;
      break;
    case RCol::kExternalId:
      v.present = true;
      v.text = r.ext_f;
      break;
    case RCol::kName:
      text(r.name_f);
      break;
    case RCol::kEmail:
      text(r.email_f);
      break;
    case RCol::kPhone:
      text(r.phone_d);
      break;
    case RCol::kAttr: {
      auto it = r.attrs.find(f.attr);
      if (it == r.attrs.end()) break;
      v.present = true;
      if (f.kind == RKind::kText) v.text = r.attr_text_f.at(f.attr);
      if (f.kind == RKind::kNumber) v.num = it->second;
      if (f.kind == RKind::kDate) v.date = std::get<DateTime>(it->second);
      if (f.kind == RKind::kBoolean) v.b = std::get<bool>(it->second);
      break;
    }
    default:
      break;
  }
  return v;
}

// A checked operand, as the reference understands it.
struct ROperand {
  std::string text;  // folded text / phone digits
  int64_t i = 0;
  AttrValue num;
  DateTime date;
  bool b = false;
};

struct RCond {
  const RField* field = nullptr;
  ROp op = ROp::kEq;  // after null-equality rewriting
  std::vector<ROperand> operands;
  // The request as sent.
  std::string op_sent;
  std::vector<RawValue> raw;
  bool value_given = false;
};

struct RFilter {
  bool group = false;
  bool is_or = false;
  std::vector<RFilter> kids;
  RCond cond;
};

struct RSort {
  const RField* field = nullptr;
  bool desc = false;
};

struct RQuery {
  std::optional<RFilter> filter;
  std::string q;
  std::vector<RSort> sort;  // empty: created_at desc
  size_t per_page = 20;
  bool values_are_text = false;
};

inline bool TextPositive(ROp op, std::string_view v, std::string_view x) {
  switch (op) {
    case ROp::kEq:
    case ROp::kIn:
      return v == x;
    case ROp::kGt:
      return CmpText(v, x) > 0;
    case ROp::kGe:
      return CmpText(v, x) >= 0;
    case ROp::kLt:
      return CmpText(v, x) < 0;
    case ROp::kLe:
      return CmpText(v, x) <= 0;
    case ROp::kContains:
      return v.find(x) != std::string_view::npos;
    case ROp::kStarts:
      return v.substr(0, x.size()) == x;
    case ROp::kEnds:
      return v.size() >= x.size() && v.substr(v.size() - x.size()) == x;
    default:
      ADD_FAILURE() << "not a positive text operator";
      return false;
  }
}

inline bool CmpPositive(ROp op, int cmp) {
  switch (op) {
    case ROp::kEq:
    case ROp::kIn:
      return cmp == 0;
    case ROp::kGt:
      return cmp > 0;
    case ROp::kGe:
      return cmp >= 0;
    case ROp::kLt:
      return cmp < 0;
    case ROp::kLe:
      return cmp <= 0;
    default:
      ADD_FAILURE() << "not a positive ordered operator";
      return false;
  }
}

// The positive form of a condition's operator (negations are "not the positive").
inline std::optional<ROp> PositiveOf(ROp op) {
  switch (op) {
    case ROp::kNe:
      return ROp::kEq;
    case ROp::kNin:
      return ROp::kIn;
    case ROp::kNotContains:
      return ROp::kContains;
    case ROp::kNotExists:
      return ROp::kExists;
    default:
      return std::nullopt;
  }
}

inline bool MatchesPositive(const RefRow& r, const RCond& c, ROp op) {
  const RField& f = *c.field;
  // Stripe accounts: any account.
  if (f.col == RCol::kStripe) return !r.stripe.empty();
  if (f.col == RCol::kStripeLabel || f.col == RCol::kStripeId || f.col == RCol::kStripeEmail) {
    for (const RefRow::Stripe& s : r.stripe) {
      std::optional<std::string> v = f.col == RCol::kStripeLabel ? std::optional(s.label_f)
                                     : f.col == RCol::kStripeId  ? s.id_f
                                                                 : s.email_f;
      if (!v) continue;
      if (op == ROp::kExists) return true;
      for (const ROperand& x : c.operands) {
        if (TextPositive(op, *v, x.text)) return true;
      }
    }
    return false;
  }
  const RVal v = ValueOf(r, f);
  if (op == ROp::kExists) return v.present;
  if (!v.present) return false;
  for (const ROperand& x : c.operands) {
    bool m = false;
    switch (f.kind) {
      case RKind::kText:
      case RKind::kPhone:
        m = TextPositive(op, v.text, x.text);
        break;
      case RKind::kInteger:
        m = CmpPositive(op, Sign(v.i, x.i));
        break;
      case RKind::kNumber:
        m = CmpPositive(op, CmpNumber(v.num, x.num));
        break;
      case RKind::kDate:
        m = CmpPositive(op, CmpDate(v.date, x.date));
        break;
      case RKind::kBoolean:
        m = CmpPositive(op, v.b == x.b ? 0 : 1);
        break;
      case RKind::kPresence:
        break;
    }
    if (m) return true;
  }
  return false;
}

inline bool Matches(const RefRow& r, const RFilter& f) {
  if (!f.group) {
    if (std::optional<ROp> pos = PositiveOf(f.cond.op)) return !MatchesPositive(r, f.cond, *pos);
    return MatchesPositive(r, f.cond, f.cond.op);
  }
  for (const RFilter& k : f.kids) {
    const bool m = Matches(r, k);
    if (f.is_or && m) return true;
    if (!f.is_or && !m) return false;
  }
  return !f.is_or;
}

inline std::string_view TrimSpaces(std::string_view q) {
  while (!q.empty() && q.front() == ' ') q.remove_prefix(1);
  while (!q.empty() && q.back() == ' ') q.remove_suffix(1);
  return q;
}

// "Has a digit and otherwise only phone punctuation (+ - . ( ) / and spaces)".
inline bool PhoneLike(std::string_view s) {
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (std::string_view("+-.()/ ").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return digit;
}

inline bool MatchesQ(const RefRow& r, std::string_view q) {
  q = TrimSpaces(q);
  if (q.empty()) return true;
  const std::string t = Fold(q);
  auto has = [&](const std::optional<std::string>& s) {
    return s && s->find(t) != std::string::npos;
  };
  if (has(r.name_f) || has(r.email_f) || r.ext_f.find(t) != std::string::npos) return true;
  if (PhoneLike(q) && r.phone_d && r.phone_d->find(Digits(q)) != std::string::npos) return true;
  return false;
}

inline int CmpValues(RKind kind, const RVal& a, const RVal& b) {
  switch (kind) {
    case RKind::kText:
    case RKind::kPhone:
      return CmpText(a.text, b.text);
    case RKind::kInteger:
      return Sign(a.i, b.i);
    case RKind::kNumber:
      return CmpNumber(a.num, b.num);
    case RKind::kDate:
      return CmpDate(a.date, b.date);
    case RKind::kBoolean:
      return a.b == b.b ? 0 : a.b ? 1 : -1;
    case RKind::kPresence:
      return 0;
  }
  return 0;
}

// The specified total order: per key, present values first (in the key's direction), missing
// last in both directions; then the id in the direction of the first key.
inline int CmpRows(const RefRow& a, const RefRow& b, const std::vector<RSort>& sort) {
  for (const RSort& k : sort) {
    const RVal va = ValueOf(a, *k.field), vb = ValueOf(b, *k.field);
    if (va.present != vb.present) return va.present ? -1 : 1;
    if (!va.present) continue;
    const int c = CmpValues(k.field->kind, va, vb);
    if (c != 0) return k.desc ? -c : c;
  }
  const int c = a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0;
  return sort.front().desc ? -c : c;
}

class Model {
 public:
  explicit Model(const Schema& schema) : fields_(FieldsOf(schema)) {}

  const std::vector<RField>& fields() const { return fields_; }
  const RField* Field(std::string_view name) const {
    for (const RField& f : fields_) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }

  void Put(const Contact& c) {
    if (auto old = rows_.find(c.id); old != rows_.end()) {
      by_ext_.erase(old->second.c.external_id);
    }
    auto [it, fresh] = rows_.insert_or_assign(c.id, MakeRow(c));
    if (fresh) {
      pos_[c.id] = ids_.size();
      ids_.push_back(c.id);
    }
    by_ext_[c.external_id] = c.id;
  }
  void Erase(ContactId id) {
    auto it = rows_.find(id);
    if (it == rows_.end()) return;
    by_ext_.erase(it->second.c.external_id);
    rows_.erase(it);
    const size_t p = pos_[id];
    pos_[ids_.back()] = p;
    ids_[p] = ids_.back();
    ids_.pop_back();
    pos_.erase(id);
  }
  size_t size() const { return ids_.size(); }
  const std::vector<ContactId>& ids() const { return ids_; }
  const RefRow& row(ContactId id) const { return rows_.at(id); }
  const RefRow* FindRow(ContactId id) const {
    auto it = rows_.find(id);
    return it == rows_.end() ? nullptr : &it->second;
  }
  const RefRow* ByExternalId(const std::string& ext) const {
    auto it = by_ext_.find(ext);
    return it == by_ext_.end() ? nullptr : &rows_.at(it->second);
  }
  template <typename Rng>
  const RefRow& Random(Rng& rng) const {
    return rows_.at(ids_[std::uniform_int_distribution<size_t>(0, ids_.size() - 1)(rng)]);
  }

  static std::vector<RSort> EffectiveSort(const RQuery& q, const RField* created_at) {
    if (!q.sort.empty()) return q.sort;
    return {{created_at, true}};
  }

  // The matching contacts in the specified order.
  std::vector<const RefRow*> Run(const RQuery& q) const {
    std::vector<const RefRow*> out;
    for (const auto& [id, r] : rows_) {
      if (q.filter && !Matches(r, *q.filter)) continue;
      if (!MatchesQ(r, q.q)) continue;
      out.push_back(&r);
    }
    const std::vector<RSort> sort = EffectiveSort(q, Field("created_at"));
    std::sort(out.begin(), out.end(),
              [&](const RefRow* a, const RefRow* b) { return CmpRows(*a, *b, sort) < 0; });
    return out;
  }

 private:
  std::vector<RField> fields_;
  std::unordered_map<ContactId, RefRow> rows_;
  std::unordered_map<ContactId, size_t> pos_;
  std::vector<ContactId> ids_;
  std::unordered_map<std::string, ContactId> by_ext_;
};

// ------------------------------------------------------------------------------------------------
// Requests: the SearchInput a query is sent as, and a readable description of it.

inline void ToInput(const RFilter& f, const std::string& path, FilterInput* out) {
  out->path = path;
  if (f.group) {
    out->is_group = true;
    out->is_or = f.is_or;
    for (size_t i = 0; i < f.kids.size(); ++i) {
      out->children.emplace_back();
      ToInput(f.kids[i], path + ".value[" + std::to_string(i) + "]", &out->children.back());
    }
    return;
  }
  out->field = f.cond.field->name;
  out->op = f.cond.op_sent;
  out->values = f.cond.raw;
  out->value_given = f.cond.value_given;
}

inline SearchInput ToInput(const RQuery& q) {
  SearchInput in;
  if (q.filter) {
    in.filter.emplace();
    ToInput(*q.filter, "query", &*in.filter);
  }
  in.q = q.q;
  for (size_t i = 0; i < q.sort.size(); ++i) {
    in.sort.push_back({q.sort[i].field->name, q.sort[i].desc, "sort[" + std::to_string(i) + "]"});
  }
  in.per_page = q.per_page;
  in.values_are_text = q.values_are_text;
  return in;
}

inline std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

inline std::string RawString(const RawValue& v) {
  switch (v.kind) {
    case RawValue::Kind::kNull:
      return "null";
    case RawValue::Kind::kBool:
      return v.b ? "true" : "false";
    case RawValue::Kind::kInt:
      return std::to_string(v.i);
    case RawValue::Kind::kDouble: {
      char buf[64];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.d);
      return std::string(buf, p) + "(double)";
    }
    case RawValue::Kind::kString:
      return Quote(v.s);
    default:
      return "?";
  }
}

inline std::string Describe(const RFilter& f) {
  if (f.group) {
    std::string s = f.is_or ? "OR(" : "AND(";
    for (size_t i = 0; i < f.kids.size(); ++i) s += (i ? ", " : "") + Describe(f.kids[i]);
    return s + ")";
  }
  std::string s = f.cond.field->name + " " + f.cond.op_sent;
  if (f.cond.value_given) {
    s += " [";
    for (size_t i = 0; i < f.cond.raw.size(); ++i) s += (i ? ", " : "") + RawString(f.cond.raw[i]);
    s += "]";
  }
  return s;
}

inline std::string Describe(const RQuery& q) {
  std::string s = "filter=" + (q.filter ? Describe(*q.filter) : std::string("none"));
  s += " q=" + Quote(q.q) + " sort=[";
  for (size_t i = 0; i < q.sort.size(); ++i) {
    s += (i ? ", " : "") + q.sort[i].field->name + (q.sort[i].desc ? " desc" : " asc");
  }
  s += "] per_page=" + std::to_string(q.per_page);
  if (q.values_are_text) s += " values_are_text";
  return s;
}

inline std::string DescribeValue(const AttrValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return Quote(*s);
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, p) + "(double)";
  }
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  const DateTime& t = std::get<DateTime>(v);
  return FormatIsoDate(t) + "(" + std::to_string(t.seconds) + "s+" + std::to_string(t.nanos) +
         "ns)";
}

inline std::string Describe(const Contact& c, const Schema* schema = nullptr) {
  auto opt = [](const std::optional<std::string>& s) { return s ? Quote(*s) : "null"; };
  std::string s = "contact_" + std::to_string(c.id) + "{ext=" + Quote(c.external_id) +
                  " name=" + opt(c.name) + " email=" + opt(c.email) +
                  " phone=" + opt(c.phonenumber) + " created=" + std::to_string(c.created_at) +
                  " updated=" + std::to_string(c.updated_at);
  for (const AttrEntry& e : c.attrs) {
    const AttrDef* d = schema ? schema->Get(e.attr) : nullptr;
    s += " " + (d ? d->name : "attr" + std::to_string(e.attr)) + "=" + DescribeValue(e.value);
  }
  for (const StripeAccount& a : c.stripe_accounts) {
    s += " stripe{" + Quote(a.label) + "," + opt(a.stripe_id) + "," + opt(a.stripe_email) + "}";
  }
  return s + "}";
}

}  // namespace contactd::search::reference
