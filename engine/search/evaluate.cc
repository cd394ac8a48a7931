#include "engine/search/evaluate.h"

#include <algorithm>
#include <vector>

#include "engine/search/fold.h"
#include "engine/search/order_key.h"

namespace contactd::search {
namespace {

using roaring::Roaring;
constexpr uint64_t kMaxKey = UINT64_MAX;

// The rows of `rows` for which keep(row) holds. Rows are visited in order, their text prefetched a
// few rows ahead so that checking many candidates stays bound by compute, not memory latency.
template <typename Keep>
Roaring Filtered(const RowValues& v, const Roaring& rows, Keep keep) {
  std::vector<uint32_t> list(rows.cardinality());
  rows.toUint32Array(list.data());
  std::vector<uint32_t> kept;
  kept.reserve(list.size());
  constexpr size_t kAhead = 8;  // rows: the text kAhead ahead, its span 2 * kAhead ahead
  for (size_t i = 0; i < list.size(); ++i) {
    if (i + 2 * kAhead < list.size()) v.index().PrefetchSpan(list[i + 2 * kAhead]);
    if (i + kAhead < list.size()) v.index().Prefetch(list[i + kAhead]);
    if (keep(list[i])) kept.push_back(list[i]);
  }
  Roaring out;
  out.addMany(kept.size(), kept.data());
  return out;
}

Roaring Range(const SortColumn& c, uint64_t lo, uint64_t hi) {
  return lo > hi ? Roaring() : c.Range(lo, hi);
}

bool TextMatches(Op op, std::string_view value, std::string_view x) {
  switch (op) {
    case Op::kEq:
    case Op::kIn:
      return value == x;
    case Op::kGt:
      return value > x;
    case Op::kGe:
      return value >= x;
    case Op::kLt:
      return value < x;
    case Op::kLe:
      return value <= x;
    case Op::kContains:
      return value.find(x) != std::string_view::npos;
    case Op::kStartsWith:
      return value.starts_with(x);
    case Op::kEndsWith:
      return value.ends_with(x);
    default:
      return false;
  }
}

// Rows of a text or phone field (core or attribute) for a positive operator. Rows outside
// `scope` (when given) may be left out: only candidates within it are verified.
Roaring PositiveText(const RowValues& v, const FieldRef& f, Op op, const std::string& x,
                     const Roaring* scope) {
  const SearchIndex& index = v.index();
  const SortColumn& c = index.column(f);
  auto verify = [&](const Roaring& candidates) {
    auto keep = [&](Row r) { return TextMatches(op, v.Text(f, r), x); };
    return scope ? Filtered(v, candidates & *scope, keep) : Filtered(v, candidates, keep);
  };
  const bool phone = f.kind == Kind::kPhone;
  const uint64_t k = phone ? OrderKeyDigits(x) : OrderKeyText(x);
  switch (op) {
    case Op::kEq:
    case Op::kIn:
      if (f.column == Column::kAttr) {
        if (std::optional<Roaring> exact = index.AttrTextEquals(f.attr, x)) return *exact;
      }
      return verify(c.Range(k, k));
    case Op::kGt:
    case Op::kGe:
    case Op::kLt:
    case Op::kLe: {
      // Keys decide every row except those whose 8-byte prefix equals the operand's.
      const bool above = op == Op::kGt || op == Op::kGe;
      Roaring rows = above ? Range(c, k, kMaxKey) : Range(c, 0, k);
      const Roaring boundary = c.Range(k, k);
      rows -= boundary;
      rows |= verify(boundary);
      return rows;
    }
    case Op::kStartsWith: {
      // Text keys hold 8 bytes, phone keys 16 digits: a shorter prefix lies within the key.
      const size_t unit_bits = phone ? 4 : 8;
      if (x.size() * unit_bits > 64) return verify(c.Range(k, k));
      const size_t used = unit_bits * x.size();
      const uint64_t hi = used == 0 ? kMaxKey : used >= 64 ? k : k | (kMaxKey >> used);
      return Range(c, k, hi);
    }
    case Op::kContains:
    case Op::kEndsWith:
      break;
    default:
      return {};
  }
  if (x.empty()) return c.with_value();
  if (f.column == Column::kAttr) {
    Roaring rows;
    const bool dictionary =
        index.ForEachAttrTextValue(f.attr, [&](std::string_view value, const Roaring& posting) {
          if (TextMatches(op, value, x)) rows |= posting;
        });
    return dictionary ? rows : verify(c.with_value());
  }
  const NgramIndex* ngrams = index.ngrams();
  if (ngrams == nullptr) return verify(c.with_value());
  // Rows not in the postings yet are checked directly.
  const Roaring unindexed = index.unindexed() & c.with_value();
  if (f.column == Column::kPhone) {
    NgramIndex::Match m = index.FindText(x, kPhoneSpace);
    Roaring rows = m.exact && op == Op::kContains ? std::move(m.rows) : verify(m.rows);
    return rows | verify(unindexed);
  }
  Roaring candidates = (index.FindText(x, kTextSpace).rows & c.with_value()) | unindexed;
  if (f.column == Column::kEmail && op == Op::kContains) {
    const Roaring covered = index.FrequentDomainsContaining(x);  // all contain x in their email
    candidates -= covered;
    return covered | verify(candidates);
  }
  return verify(candidates);
}

// Whether any Stripe account of the row has a `field` (folded) matching op and x; for kExists,
// whether any has the field at all. Only rows within `scope` (when given) are checked.
Roaring PositiveStripe(const RowValues& v, Column column, Op op, const std::string& x,
                       const Roaring* scope) {
  const SearchIndex& index = v.index();
  if (column == Column::kStripe) return index.with_stripe();
  return Filtered(v, scope ? index.with_stripe() & *scope : index.with_stripe(), [&](Row r) {
    for (const StripeAccount& a : v.Stripe(r)) {
      const std::optional<std::string>& value = column == Column::kStripeLabel
                                                    ? std::optional<std::string>(a.label)
                                                : column == Column::kStripeId ? a.stripe_id
                                                                              : a.stripe_email;
      if (!value) continue;
      if (op == Op::kExists || TextMatches(op, Fold(*value), x)) return true;
    }
    return false;
  });
}

uint64_t KeyOf(const FieldRef& f, const Operand& x) {
  switch (f.kind) {
    case Kind::kInteger:
      return OrderKey(x.integer);
    case Kind::kNumber:
      return OrderKeyOf(x.number);
    case Kind::kDate:
      return OrderKeyMicros(x.date);
    case Kind::kBoolean:
      return OrderKey(x.boolean);
    default:
      return 0;
  }
}

// -1, 0, 1: the row's exact attribute value against the operand (numbers and dates).
int CompareExact(const RowValues& v, const FieldRef& f, Row row, const Operand& x) {
  std::optional<AttrValue> value = v.Attr(f.attr, row);
  if (!value) return -2;  // no value (not reached: callers pass rows that have one)
  if (f.kind == Kind::kDate) return CompareDates(std::get<DateTime>(*value), x.date);
  return CompareNumbers(*value, x.number);
}

// Whether the operand's key pins it down: an int64 beyond 2^53 shares its key with neighbouring
// integers and doubles, a date with sub-microsecond nanos with the rest of its microsecond.
bool OperandKeyExact(const FieldRef& f, const Operand& x) {
  constexpr int64_t kP53 = int64_t{1} << 53;
  if (f.kind == Kind::kNumber) {
    const auto* i = std::get_if<int64_t>(&x.number);
    return i == nullptr || (*i >= -kP53 && *i <= kP53);
  }
  if (f.kind == Kind::kDate) return x.date.nanos % 1000 == 0;
  return true;
}

// Rows of an ordered (integer, number, date, boolean) field for a positive operator.
Roaring PositiveOrdered(const RowValues& v, const FieldRef& f, Op op, const Operand& x) {
  const SortColumn& c = v.index().column(f);
  const uint64_t k = KeyOf(f, x);
  const bool exact = v.index().KeysExact(f) && OperandKeyExact(f, x);
  Roaring rows;
  switch (op) {
    case Op::kEq:
    case Op::kIn:
      rows = c.Range(k, k);
      break;
    case Op::kGt:
      rows = exact ? (k == kMaxKey ? Roaring() : Range(c, k + 1, kMaxKey)) : Range(c, k, kMaxKey);
      break;
    case Op::kGe:
      rows = Range(c, k, kMaxKey);
      break;
    case Op::kLt:
      rows = exact ? (k == 0 ? Roaring() : Range(c, 0, k - 1)) : Range(c, 0, k);
      break;
    case Op::kLe:
      rows = Range(c, 0, k);
      break;
    default:
      return {};
  }
  if (exact) return rows;
  // Rows sharing the operand's key may hold a different value: decide them exactly.
  const Roaring boundary = rows & c.Range(k, k);
  rows -= boundary;
  rows |= Filtered(v, boundary, [&](Row r) {
    const int cmp = CompareExact(v, f, r, x);
    switch (op) {
      case Op::kEq:
      case Op::kIn:
        return cmp == 0;
      case Op::kGt:
        return cmp > 0;
      case Op::kGe:
        return cmp >= 0;
      case Op::kLt:
        return cmp < 0 && cmp != -2;
      case Op::kLe:
        return cmp <= 0 && cmp != -2;
      default:
        return false;
    }
  });
  return rows;
}

// The rows within `scope` (all rows when null) for which the positive operator holds.
Roaring Positive(const RowValues& v, const Condition& c, Op op, const Roaring* scope) {
  const FieldRef& f = c.field;
  const bool stripe = f.column == Column::kStripeLabel || f.column == Column::kStripeId ||
                      f.column == Column::kStripeEmail;
  Roaring rows;
  if (op == Op::kExists) {
    rows = f.kind == Kind::kPresence || stripe ? PositiveStripe(v, f.column, op, "", scope)
                                               : v.index().column(f).with_value();
  } else {
    for (const Operand& x : c.operands) {  // IN: the union over the values; others have one
      if (stripe) {
        rows |= PositiveStripe(v, f.column, op, x.text, scope);
      } else if (f.kind == Kind::kText || f.kind == Kind::kPhone) {
        rows |= PositiveText(v, f, op, x.text, scope);
      } else {
        rows |= PositiveOrdered(v, f, op, x);
      }
    }
  }
  if (scope) rows &= *scope;
  return rows;
}

Roaring EvaluateCondition(const RowValues& v, const Condition& c, const Roaring* scope) {
  Op positive = c.op;
  bool negate = true;
  switch (c.op) {
    case Op::kNe:
      positive = Op::kEq;
      break;
    case Op::kNin:
      positive = Op::kIn;
      break;
    case Op::kNotContains:
      positive = Op::kContains;
      break;
    case Op::kNotExists:
      positive = Op::kExists;
      break;
    default:
      negate = false;
  }
  Roaring rows = Positive(v, c, positive, scope);
  return negate ? (scope ? *scope : v.index().alive()) - rows : rows;
}

// A rough cost class of evaluating a filter: index-exact conditions first, then those that verify
// candidates against the values, then groups.
int Cost(const Filter& f) {
  if (f.is_group) return 3;
  const Condition& c = f.condition;
  switch (c.field.kind) {
    case Kind::kText:
    case Kind::kPhone:
      return c.op == Op::kExists || c.op == Op::kNotExists ? 0 : 2;
    case Kind::kPresence:
      return 0;
    default:
      return 1;
  }
}

// The part of a row's text that q searches: name, email and external_id.
std::string_view Searchable(std::string_view text) {
  size_t end = 0;
  for (int i = 0; i < 3 && end != std::string_view::npos; ++i) {
    end = text.find(kFieldSeparator, i == 0 ? 0 : end + 1);
  }
  return end == std::string_view::npos ? text : text.substr(0, end);
}

}  // namespace

Roaring EvaluateFilter(const RowValues& v, const Filter& filter, const Roaring* scope) {
  if (!filter.is_group) return EvaluateCondition(v, filter.condition, scope);
  if (filter.is_or) {
    Roaring acc;
    for (const Filter& child : filter.children) acc |= EvaluateFilter(v, child, scope);
    return acc;
  }
  // AND: the cheap children first; each later child only looks within the rows left so far.
  std::vector<const Filter*> order;
  for (const Filter& child : filter.children) order.push_back(&child);
  std::stable_sort(order.begin(), order.end(),
                   [](const Filter* a, const Filter* b) { return Cost(*a) < Cost(*b); });
  Roaring acc;
  for (size_t i = 0; i < order.size(); ++i) {
    acc = EvaluateFilter(v, *order[i], i == 0 ? scope : &acc);
    if (acc.isEmpty()) break;
  }
  return acc;
}

Roaring EvaluateQ(const RowValues& v, std::string_view q_text, std::string_view q_phone,
                  const Roaring* scope) {
  auto within = [scope](Roaring rows) {
    if (scope) rows &= *scope;
    return rows;
  };
  const SearchIndex& index = v.index();
  const NgramIndex* ngrams = index.ngrams();
  Roaring rows;
  if (!q_text.empty()) {
    auto has_q = [&](Row r) {
      return Searchable(index.Text(r)).find(q_text) != std::string_view::npos;
    };
    if (ngrams == nullptr) {
      rows = Filtered(v, within(index.alive()), has_q);
    } else if (NgramIndex::Match m = index.FindText(q_text, kTextSpace); m.exact) {
      rows = std::move(m.rows) | Filtered(v, within(index.unindexed()), has_q);
    } else {
      const Roaring covered = index.FrequentDomainsContaining(q_text);
      m.rows |= index.unindexed();
      m.rows -= covered;
      rows = covered | Filtered(v, within(std::move(m.rows)), has_q);
    }
  }
  if (!q_phone.empty()) {
    auto has_digits = [&](Row r) {
      return index.Field(r, kPhoneDigits).find(q_phone) != std::string_view::npos;
    };
    const SortColumn& phones = index.column({Column::kPhone, 0, Kind::kPhone});
    if (ngrams == nullptr) {
      rows |= Filtered(v, within(phones.with_value()), has_digits);
    } else if (NgramIndex::Match m = index.FindText(q_phone, kPhoneSpace); m.exact) {
      rows |= m.rows;
      rows |= Filtered(v, within(index.unindexed() & phones.with_value()), has_digits);
    } else {
      m.rows |= index.unindexed() & phones.with_value();
      rows |= Filtered(v, within(std::move(m.rows)), has_digits);
    }
  }
  return within(std::move(rows));
}

}  // namespace contactd::search
