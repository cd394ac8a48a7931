// RowDecoder (see row_decoder.h).
#include "engine/transfer/row_decoder.h"

#include <charconv>
#include <cmath>
#include <string_view>

#include "engine/transfer/contact_csv.h"
#include "engine/transfer/csv_writer.h"

namespace contactd::transfer {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (Lower(s[i]) != lower[i]) return false;
  }
  return true;
}

// "42" -> Int, "-1.5e3" -> Double; nullopt when the whole cell is not a finite number.
std::optional<RawValue> ParseNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '+') return std::nullopt;
  const char* end = s.data() + s.size();
  int64_t i = 0;
  auto ri = std::from_chars(s.data(), end, i);
  if (ri.ec == std::errc() && ri.ptr == end) return RawValue::Int(i);
  double d = 0;
  auto rd = std::from_chars(s.data(), end, d);
  if (rd.ec == std::errc() && rd.ptr == end && std::isfinite(d)) return RawValue::Double(d);
  return std::nullopt;
}

std::optional<bool> ParseBool(std::string_view s) {
  for (std::string_view yes : {"true", "yes", "1"}) {
    if (EqualsLower(s, yes)) return true;
  }
  for (std::string_view no : {"false", "no", "0"}) {
    if (EqualsLower(s, no)) return false;
  }
  return std::nullopt;
}

std::string Quoted(std::string_view cell) {
  constexpr size_t kMax = 40;
  if (cell.size() <= kMax) return "'" + std::string(cell) + "'";
  return "'" + std::string(cell.substr(0, kMax)) + "…'";
}

}  // namespace

RowDecoder::RowDecoder(ColumnMap map, std::shared_ptr<const Schema> schema)
    : map_(std::move(map)), schema_(std::move(schema)) {
  for (const ColumnTarget& t : map_.columns) attribute_columns_ += t.target == Target::kAttribute;
}

bool RowDecoder::Decode(const CsvRecord& record, ContactInput* out,
                        std::vector<Issue>* issues) const {
  *out = ContactInput{};
  out->merge_custom_attributes = true;
  const size_t issues_before = issues->size();
  const size_t columns = map_.columns.size();
  if (record.fields.size() > columns) {
    issues->push_back({"row", "The row has " + std::to_string(record.fields.size()) +
                                  " cells but the header has " + std::to_string(columns) +
                                  " columns"});
  }
  std::string_view name_parts[3];  // first, middle, last
  std::vector<std::pair<std::string, RawValue>> attrs;
  attrs.reserve(attribute_columns_);
  const size_t n = std::min(record.fields.size(), columns);
  for (size_t i = 0; i < n; ++i) {
    const ColumnTarget& t = map_.columns[i];
    if (t.target == Target::kUnmapped || t.target == Target::kIgnored) continue;
    // Spaces around an unquoted cell are padding; inside quotes they are the value.
    const bool quoted = i < record.quoted.size() && record.quoted[i] != 0;
    const std::string_view cell =
        UnescapeFormula(quoted ? std::string_view(record.fields[i]) : Trim(record.fields[i]));
    if (cell.empty()) continue;
    switch (t.target) {
      case Target::kExternalId:
        out->external_id.Set(std::string(cell));
        break;
      case Target::kName:
        out->name.Set(std::string(cell));
        break;
      case Target::kFirstName:
        name_parts[0] = cell;
        break;
      case Target::kMiddleName:
        name_parts[1] = cell;
        break;
      case Target::kLastName:
        name_parts[2] = cell;
        break;
      case Target::kEmail:
        out->email.Set(std::string(cell));
        break;
      case Target::kPhone:
        out->phonenumber.Set(std::string(cell));
        break;
      case Target::kStripeAccounts: {
        Result<std::vector<StripeAccount>> accounts = StripeAccountsFromYaml(cell);
        if (accounts.ok()) {
          out->stripe_accounts.Set(std::move(*accounts));
        } else {
          issues->push_back({"stripe_accounts", accounts.status().message()});
        }
        break;
      }
      case Target::kAttribute: {
        const AttrDef* def = schema_->Get(t.attr);
        if (def == nullptr) break;  // cannot happen: the map was built from this schema
        // Built for an issue only: a cell that parses needs no field name.
        const auto field = [def] { return "custom_attributes." + def->name; };
        if (def->type == AttrType::kNumber) {
          if (std::optional<RawValue> v = ParseNumber(cell)) {
            attrs.emplace_back(def->name, std::move(*v));
          } else {
            issues->push_back({field(), "Expected a number, received " + Quoted(cell)});
          }
        } else if (def->type == AttrType::kBoolean) {
          if (std::optional<bool> v = ParseBool(cell)) {
            attrs.emplace_back(def->name, RawValue::Bool(*v));
          } else {
            issues->push_back(
                {field(), "Expected true/false, yes/no or 1/0, received " + Quoted(cell)});
          }
        } else {
          attrs.emplace_back(def->name, RawValue::String(std::string(cell)));
        }
        break;
      }
      case Target::kUnmapped:
      case Target::kIgnored:
        break;
    }
  }
  if (!out->name.is_set()) {
    std::string joined;
    for (std::string_view part : name_parts) {
      if (part.empty()) continue;
      if (!joined.empty()) joined.push_back(' ');
      joined.append(part);
    }
    if (!joined.empty()) out->name.Set(std::move(joined));
  }
  if (!attrs.empty()) out->custom_attributes.Set(std::move(attrs));
  return issues->size() == issues_before;
}

}  // namespace contactd::transfer
