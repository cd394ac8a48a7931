#include "engine/search/row_values.h"

#include <cmath>

#include "engine/coding.h"
#include "engine/record.h"
#include "engine/search/order_key.h"

namespace contactd::search {
namespace {

std::string BigEndian(uint64_t v, int bytes) {
  std::string out(static_cast<size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

constexpr double kTwo63 = 9223372036854775808.0;  // 2^63: int64 holds [-2^63, 2^63)

}  // namespace

// Equal order keys mean equal as doubles; such values are an int64 and doubles that round to the
// same double. The tie is the value's integer part (exact for int64 and for every double that
// can equal one) and a class byte placing doubles beyond the int64 range after (or before) it.
// Fractional doubles only tie with themselves (below 2^52 every int64 converts exactly).
std::string NumberTie(const AttrValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return BigEndian(OrderKey(*i), 8) + '\1';
  const double d = std::get<double>(v);
  if (d >= kTwo63) return BigEndian(~uint64_t{0}, 8) + '\2';
  if (d < -kTwo63) return BigEndian(0, 8) + '\0';
  return BigEndian(OrderKey(static_cast<int64_t>(std::floor(d))), 8) + '\1';
}

std::string DateTie(const DateTime& t) { return BigEndian(t.nanos % 1000, 2); }

int CompareNumbers(const AttrValue& a, const AttrValue& b) {
  const auto* ia = std::get_if<int64_t>(&a);
  const auto* ib = std::get_if<int64_t>(&b);
  if (ia && ib) return *ia < *ib ? -1 : *ia > *ib ? 1 : 0;
  const double da = ia ? static_cast<double>(*ia) : std::get<double>(a);
  const double db = ib ? static_cast<double>(*ib) : std::get<double>(b);
  if (da != db) return da < db ? -1 : 1;
  // Equal as doubles: an int64 beyond 2^53 may still differ from the double; compare exactly.
  const std::string ta = NumberTie(a), tb = NumberTie(b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

int CompareDates(const DateTime& a, const DateTime& b) {
  if (a.seconds != b.seconds) return a.seconds < b.seconds ? -1 : 1;
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

std::string_view RowValues::Text(const FieldRef& field, Row row) const {
  switch (field.column) {
    case Column::kName:
      return index_.Field(row, kNameText);
    case Column::kEmail:
      return index_.Field(row, kEmailText);
    case Column::kExternalId:
      return index_.Field(row, kExternalIdText);
    case Column::kPhone:
      return index_.Field(row, kPhoneDigits);
    case Column::kAttr:
      return index_.AttrText(field.attr, row);
    default:
      return {};
  }
}

std::optional<AttrValue> RowValues::Attr(AttrNo attr, Row row) const {
  return table_.Get(row).attr(attr);
}

std::vector<StripeAccount> RowValues::Stripe(Row row) const {
  auto contact = DecodeRecord(table_.Get(row).bytes());
  return contact.ok() ? contact->stripe_accounts : std::vector<StripeAccount>{};
}

ContactId RowValues::Id(Row row) const {
  return index_.column({Column::kId, 0, Kind::kInteger}).key(row) ^ (uint64_t{1} << 63);
}

std::string RowValues::Tie(const FieldRef& field, Row row) const {
  switch (field.kind) {
    case Kind::kText:
    case Kind::kPhone:
      return std::string(Text(field, row));
    case Kind::kNumber:
      if (auto v = Attr(field.attr, row)) return NumberTie(*v);
      return {};
    case Kind::kDate:
      if (auto v = Attr(field.attr, row); v && std::holds_alternative<DateTime>(*v)) {
        return DateTie(std::get<DateTime>(*v));
      }
      return {};
    default:
      return {};
  }
}

SortValue RowValues::SortValueOf(const FieldRef& field, Row row) const {
  const SortColumn& column = index_.column(field);
  SortValue v;
  v.present = column.has(row);
  if (!v.present) return v;
  v.key = column.key(row);
  v.tie = Tie(field, row);
  return v;
}

}  // namespace contactd::search
