// Column mapping (see column_map.h).
//
// Order of the automatic mapping, per column: a core field's own name ("external_id", "Email",
// "phonenumber", "First Name", ...), then a custom attribute's name (so an attribute "mobile" is
// not taken for the phone), then the common spellings of core fields in real exports, then a
// custom attribute's label. Aliases have ranks: a field's own name beats specific spellings (user
// id, customer id, identifier; mobile, phone), which beat vague ones (a bare "id" or "Record ID";
// home, business or work phone). Among columns of one rank the first wins.
#include "engine/transfer/column_map.h"

#include <array>
#include <optional>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace contactd::transfer {
namespace {

struct Alias {
  std::string_view folded;
  Target target;
  int rank;  // lower wins among columns of one field; 0 = the field's own name
};

// Folded spellings (lower case, without spaces, '-', '_', '.', ':').
constexpr std::array kAliases = {
    Alias{"externalid", Target::kExternalId, 0},
    Alias{"userid", Target::kExternalId, 1},
    Alias{"customerid", Target::kExternalId, 1},
    Alias{"contactid", Target::kExternalId, 1},
    Alias{"clientid", Target::kExternalId, 1},
    Alias{"memberid", Target::kExternalId, 1},
    Alias{"uniqueid", Target::kExternalId, 1},
    Alias{"identifier", Target::kExternalId, 1},
    Alias{"id", Target::kExternalId, 2},
    Alias{"recordid", Target::kExternalId, 2},
    Alias{"name", Target::kName, 0},
    Alias{"fullname", Target::kName, 1},
    Alias{"displayname", Target::kName, 1},
    Alias{"contactname", Target::kName, 1},
    Alias{"firstname", Target::kFirstName, 0},
    Alias{"givenname", Target::kFirstName, 1},
    Alias{"forename", Target::kFirstName, 1},
    Alias{"middlename", Target::kMiddleName, 0},
    Alias{"additionalname", Target::kMiddleName, 1},
    Alias{"lastname", Target::kLastName, 0},
    Alias{"familyname", Target::kLastName, 1},
    Alias{"surname", Target::kLastName, 1},
    Alias{"email", Target::kEmail, 0},
    Alias{"emailaddress", Target::kEmail, 1},
    Alias{"email1value", Target::kEmail, 1},
    Alias{"email1", Target::kEmail, 1},
    Alias{"primaryemail", Target::kEmail, 1},
    Alias{"mail", Target::kEmail, 1},
    Alias{"phonenumber", Target::kPhone, 0},
    Alias{"phone", Target::kPhone, 1},
    Alias{"phone1value", Target::kPhone, 1},
    Alias{"mobile", Target::kPhone, 1},
    Alias{"mobilephone", Target::kPhone, 1},
    Alias{"mobilenumber", Target::kPhone, 1},
    Alias{"mobilephonenumber", Target::kPhone, 1},
    Alias{"cellphone", Target::kPhone, 1},
    Alias{"cell", Target::kPhone, 1},
    Alias{"telephone", Target::kPhone, 1},
    Alias{"telephonenumber", Target::kPhone, 1},
    Alias{"tel", Target::kPhone, 1},
    Alias{"primaryphone", Target::kPhone, 1},
    Alias{"businessphone", Target::kPhone, 2},
    Alias{"homephone", Target::kPhone, 2},
    Alias{"workphone", Target::kPhone, 2},
    Alias{"stripeaccounts", Target::kStripeAccounts, 0},
};

// The fields an explicit mapping may name, as the API spells them.
constexpr std::array<std::pair<std::string_view, Target>, 8> kFieldNames = {{
    {"external_id", Target::kExternalId},
    {"name", Target::kName},
    {"first_name", Target::kFirstName},
    {"middle_name", Target::kMiddleName},
    {"last_name", Target::kLastName},
    {"email", Target::kEmail},
    {"phonenumber", Target::kPhone},
    {"stripe_accounts", Target::kStripeAccounts},
}};

std::string Fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ' ' || c == '-' || c == '_' || c == '.' || c == ':' || c == '\t') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const Alias* FindAlias(std::string_view folded) {
  for (const Alias& a : kAliases) {
    if (a.folded == folded) return &a;
  }
  return nullptr;
}

const AttrDef* FindByLabel(const Schema& schema, std::string_view label) {
  for (const AttrDef& def : schema.defs()) {
    if (!def.label.empty() && EqualsIgnoringCase(Trim(def.label), label)) return &def;
  }
  return nullptr;
}

// The target an explicit field names, or nullopt when it names nothing.
std::optional<ColumnTarget> ParseField(std::string_view field, const Schema& schema) {
  field = Trim(field);
  if (field.empty()) return ColumnTarget{Target::kIgnored, 0};
  for (const auto& [name, target] : kFieldNames) {
    if (field == name) return ColumnTarget{target, 0};
  }
  std::string_view attr = field;
  constexpr std::string_view kPrefix = "custom_attributes.";
  if (attr.substr(0, kPrefix.size()) == kPrefix) attr.remove_prefix(kPrefix.size());
  const AttrDef* def = schema.Find(attr);
  if (def == nullptr) def = schema.FindIgnoringCase(attr);
  if (def == nullptr) return std::nullopt;
  return ColumnTarget{Target::kAttribute, def->no};
}

std::string FieldName(const ColumnTarget& t, const Schema& schema) {
  for (const auto& [name, target] : kFieldNames) {
    if (t.target == target) return std::string(name);
  }
  if (t.target == Target::kAttribute) {
    const AttrDef* def = schema.Get(t.attr);
    return "custom_attributes." + (def != nullptr ? def->name : std::to_string(t.attr));
  }
  return "";
}

// A key per field a column can fill: core targets, and one per attribute.
int FieldKey(const ColumnTarget& t) {
  return t.target == Target::kAttribute ? 1000 + t.attr : static_cast<int>(t.target);
}

// The column index an explicit mapping names: the exact header name, else ignoring case and
// surrounding spaces; the first such column.
std::optional<size_t> FindColumn(const std::vector<std::string>& header, std::string_view name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  for (size_t i = 0; i < header.size(); ++i) {
    if (EqualsIgnoringCase(Trim(header[i]), Trim(name))) return i;
  }
  return std::nullopt;
}

}  // namespace

Result<ColumnMap> MapColumns(const std::vector<std::string>& header,
                             const std::vector<std::pair<std::string, std::string>>& explicit_map,
                             const Schema& schema) {
  std::vector<Issue> issues;
  if (header.empty() || (header.size() == 1 && Trim(header[0]).empty())) {
    return InvalidArgument(kMsgInvalidRequest, {{"header", "The header line is empty"}});
  }
  ColumnMap map;
  map.columns.resize(header.size());
  std::vector<bool> decided(header.size(), false);
  absl::flat_hash_map<int, size_t> taken;  // field key -> column

  // 1. Explicit mappings.
  for (const auto& [column, field] : explicit_map) {
    const std::string where = "map[" + column + "]";
    const std::optional<size_t> index = FindColumn(header, column);
    if (!index) {
      issues.push_back({where, "The header has no column '" + column + "'"});
      continue;
    }
    const std::optional<ColumnTarget> target = ParseField(field, schema);
    if (!target) {
      issues.push_back({where, "Unknown field '" + field +
                                   "': use external_id, name, first_name, middle_name, "
                                   "last_name, email, phonenumber, stripe_accounts or a custom "
                                   "attribute's name"});
      continue;
    }
    if (decided[*index]) {
      issues.push_back({where, "Column '" + column + "' is mapped twice"});
      continue;
    }
    if (target->target != Target::kIgnored) {
      auto [it, inserted] = taken.emplace(FieldKey(*target), *index);
      if (!inserted) {
        issues.push_back({where, "Field '" + FieldName(*target, schema) +
                                     "' is already mapped from column '" + header[it->second] +
                                     "'"});
        continue;
      }
    }
    map.columns[*index] = *target;
    decided[*index] = true;
  }
  if (!issues.empty()) return InvalidArgument(kMsgInvalidRequest, std::move(issues));

  // 2. Automatic mapping of the other columns: a candidate and its rank per column.
  std::vector<std::optional<std::pair<ColumnTarget, int>>> candidates(header.size());
  bool has_external_id_column = false;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string folded = Fold(header[i]);
    if (folded == "externalid") has_external_id_column = true;
    if (decided[i]) continue;
    const std::string_view name = Trim(header[i]);
    const Alias* alias = FindAlias(folded);
    if (alias != nullptr && alias->rank == 0) {
      candidates[i] = {{alias->target, 0}, 0};
    } else if (const AttrDef* def = schema.FindIgnoringCase(name)) {
      candidates[i] = {{Target::kAttribute, def->no}, 0};
    } else if (alias != nullptr) {
      candidates[i] = {{alias->target, 0}, alias->rank};
    } else if (const AttrDef* def = FindByLabel(schema, name)) {
      candidates[i] = {{Target::kAttribute, def->no}, 1};
    }
  }
  // The server's fields of an export, next to its external_id column: the first column of each
  // of these names.
  if (has_external_id_column) {
    for (std::string_view server_field : {"id", "createdat", "updatedat"}) {
      for (size_t i = 0; i < header.size(); ++i) {
        if (Fold(header[i]) != server_field) continue;
        if (!decided[i]) {
          map.columns[i] = {Target::kIgnored, 0};
          candidates[i].reset();
          decided[i] = true;
        }
        break;
      }
    }
  }
  // Per field, the candidate of lowest rank, the first among equals.
  absl::flat_hash_map<int, size_t> best;
  for (size_t i = 0; i < header.size(); ++i) {
    if (!candidates[i]) continue;
    const int key = FieldKey(candidates[i]->first);
    if (taken.contains(key)) continue;
    auto [it, inserted] = best.emplace(key, i);
    if (!inserted && candidates[i]->second < candidates[it->second]->second) it->second = i;
  }
  for (const auto& [key, i] : best) {
    map.columns[i] = candidates[i]->first;
    decided[i] = true;
  }

  // 3. The report.
  for (size_t i = 0; i < header.size(); ++i) {
    const ColumnTarget& t = map.columns[i];
    if (t.target == Target::kUnmapped) {
      map.unmapped.push_back(header[i]);
    } else if (t.target == Target::kIgnored) {
      map.ignored.push_back(header[i]);
    } else {
      map.mapped.emplace_back(header[i], FieldName(t, schema));
    }
  }
  return map;
}

}  // namespace contactd::transfer
