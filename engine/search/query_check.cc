#include "engine/search/query_check.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "engine/attr_value.h"
#include "engine/search/cursor.h"
#include "engine/search/fold.h"
#include "engine/text.h"

namespace contactd::search {
namespace {

constexpr size_t kMaxInValues = 1000;
constexpr size_t kMaxOperandBytes = 1024;

struct Checker {
  const Schema& schema;
  const SearchInput& input;
  std::vector<Issue> issues;
  size_t conditions = 0;

  void Add(const std::string& path, std::string_view field, std::string message) {
    std::string at = path;
    if (!field.empty() && !input.flat_paths) {
      if (!at.empty()) at += '.';
      at += field;
    }
    issues.push_back({std::move(at), std::move(message)});
  }

  std::optional<Filter> CheckFilter(const FilterInput& in, size_t depth);
  std::optional<Condition> CheckCondition(const FilterInput& in);
  std::optional<Operand> ToOperand(const FieldRef& field, const RawValue& v, std::string* error);
};

// Parses all of `s` as a number: an int64 when it is an integer, else a finite double.
std::optional<AttrValue> ParseNumber(std::string_view s) {
  int64_t i;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return AttrValue(i);
  double d;
  auto [q, ec2] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec2 == std::errc() && q == s.data() + s.size() && !s.empty() && std::isfinite(d)) {
    return AttrValue(d);
  }
  return std::nullopt;
}

// A RawValue as it would have been sent in JSON, for values that came from a query string.
RawValue Retype(const RawValue& v, Kind kind) {
  if (v.kind != RawValue::Kind::kString) return v;
  if (kind == Kind::kNumber || kind == Kind::kInteger) {
    if (auto n = ParseNumber(v.s)) {
      if (const auto* i = std::get_if<int64_t>(&*n)) return RawValue::Int(*i);
      return RawValue::Double(std::get<double>(*n));
    }
  }
  if (kind == Kind::kBoolean && (v.s == "true" || v.s == "false"))
    return RawValue::Bool(v.s == "true");
  return v;
}

std::string Expected(const char* want, const RawValue& v) {
  return std::string("Expected ") + want + ", received " + RawKindName(v.kind);
}

}  // namespace

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kText:
      return "text";
    case Kind::kPhone:
      return "phone";
    case Kind::kInteger:
      return "integer";
    case Kind::kNumber:
      return "number";
    case Kind::kDate:
      return "date";
    case Kind::kBoolean:
      return "boolean";
    case Kind::kPresence:
      return "presence";
  }
  return "value";
}

bool OpAllowed(Kind kind, Op op) {
  switch (kind) {
    case Kind::kText:
      return true;
    case Kind::kPhone:
      return op != Op::kGt && op != Op::kLt && op != Op::kGe && op != Op::kLe;
    case Kind::kInteger:
    case Kind::kNumber:
    case Kind::kDate:
      return op <= Op::kLe || op == Op::kExists || op == Op::kNotExists;
    case Kind::kBoolean:
      return op == Op::kEq || op == Op::kNe || op == Op::kIn || op == Op::kNin ||
             op == Op::kExists || op == Op::kNotExists;
    case Kind::kPresence:
      return op == Op::kExists || op == Op::kNotExists;
  }
  return false;
}

std::optional<FieldRef> ResolveField(const Schema& schema, std::string_view field) {
  struct Core {
    std::string_view name;
    Column column;
    Kind kind;
  };
  static constexpr Core kCore[] = {
      {"id", Column::kId, Kind::kInteger},
      {"external_id", Column::kExternalId, Kind::kText},
      {"name", Column::kName, Kind::kText},
      {"email", Column::kEmail, Kind::kText},
      {"phonenumber", Column::kPhone, Kind::kPhone},
      {"created_at", Column::kCreatedAt, Kind::kInteger},
      {"updated_at", Column::kUpdatedAt, Kind::kInteger},
      {"stripe_accounts", Column::kStripe, Kind::kPresence},
      {"stripe_accounts.label", Column::kStripeLabel, Kind::kText},
      {"stripe_accounts.stripe_id", Column::kStripeId, Kind::kText},
      {"stripe_accounts.stripe_email", Column::kStripeEmail, Kind::kText},
  };
  for (const Core& c : kCore) {
    if (c.name == field) return FieldRef{c.column, 0, c.kind};
  }
  constexpr std::string_view kPrefix = "custom_attributes.";
  if (!field.starts_with(kPrefix)) return std::nullopt;
  const AttrDef* def = schema.Find(field.substr(kPrefix.size()));
  if (def == nullptr) return std::nullopt;
  Kind kind = Kind::kText;
  switch (def->type) {
    case AttrType::kText:
      kind = Kind::kText;
      break;
    case AttrType::kNumber:
      kind = Kind::kNumber;
      break;
    case AttrType::kBoolean:
      kind = Kind::kBoolean;
      break;
    case AttrType::kDate:
      kind = Kind::kDate;
      break;
  }
  return FieldRef{Column::kAttr, def->no, kind};
}

std::optional<Operand> Checker::ToOperand(const FieldRef& field, const RawValue& raw,
                                          std::string* error) {
  const RawValue v = input.values_are_text ? Retype(raw, field.kind) : raw;
  Operand out;
  switch (field.kind) {
    case Kind::kText:
    case Kind::kPhone: {
      if (v.kind != RawValue::Kind::kString) {
        *error = Expected("string", v);
        return std::nullopt;
      }
      if (v.s.size() > kMaxOperandBytes || !text::IsValidUtf8(v.s)) {
        *error = "Must be valid UTF-8 of at most 1024 bytes";
        return std::nullopt;
      }
      out.text = field.kind == Kind::kPhone ? Digits(v.s) : Fold(v.s);
      if (field.kind == Kind::kPhone && out.text.empty()) {
        *error = "Expected a phone number (digits)";
        return std::nullopt;
      }
      return out;
    }
    case Kind::kInteger:
      if (v.kind == RawValue::Kind::kInt) {
        out.integer = v.i;
        return out;
      }
      if (v.kind == RawValue::Kind::kString && field.column == Column::kId &&
          v.s.starts_with("contact_")) {
        if (auto n = ParseNumber(std::string_view(v.s).substr(8));
            n && std::holds_alternative<int64_t>(*n)) {
          out.integer = std::get<int64_t>(*n);
          return out;
        }
      }
      if (v.kind == RawValue::Kind::kString && field.column != Column::kId) {
        if (auto t = ParseIsoDate(v.s)) {  // created_at/updated_at also take ISO 8601
          out.integer = t->seconds;
          return out;
        }
      }
      *error = field.column == Column::kId
                   ? "Expected a contact id (\"contact_42\" or 42)"
                   : "Expected Unix seconds or an ISO 8601 date, received " +
                         std::string(RawKindName(v.kind));
      return std::nullopt;
    case Kind::kNumber:
    case Kind::kDate:
    case Kind::kBoolean: {
      const AttrType type = field.kind == Kind::kNumber ? AttrType::kNumber
                            : field.kind == Kind::kDate ? AttrType::kDate
                                                        : AttrType::kBoolean;
      AttrValueOrError converted = ToAttrValue(type, v);
      if (!converted.value) {
        *error = converted.error;
        return std::nullopt;
      }
      if (field.kind == Kind::kNumber) out.number = *converted.value;
      if (field.kind == Kind::kDate) out.date = std::get<DateTime>(*converted.value);
      if (field.kind == Kind::kBoolean) out.boolean = std::get<bool>(*converted.value);
      return out;
    }
    case Kind::kPresence:
      *error = "This field only supports exists and not_exists";
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Condition> Checker::CheckCondition(const FilterInput& in) {
  const size_t before = issues.size();
  std::optional<FieldRef> field = ResolveField(schema, in.field);
  if (in.field.empty()) {
    Add(in.path, "field", "Required");
  } else if (!field) {
    Add(in.path, "field", "Unknown field '" + in.field + "'");
  }
  std::optional<Op> op = ParseOp(in.op);
  if (in.op.empty()) {
    Add(in.path, "operator", "Required");
  } else if (!op) {
    Add(in.path, "operator",
        "Unknown operator '" + in.op + "'; use = != IN NIN > < >= <= ~ !~ ^ $ exists not_exists");
  }
  if (!field || !op) return std::nullopt;

  // Intercom's spelling of presence: {"operator": "=", "value": null}.
  const bool null_value = in.values.size() == 1 && in.values[0].kind == RawValue::Kind::kNull;
  if (null_value && (*op == Op::kEq || *op == Op::kNe)) {
    op = *op == Op::kEq ? Op::kNotExists : Op::kExists;
  }
  if (!OpAllowed(field->kind, *op)) {
    Add(in.path, "operator",
        std::string("Operator ") + OpName(*op) + " is not valid for " + KindName(field->kind) +
            " fields");
    return std::nullopt;
  }
  Condition c{*field, *op, {}};
  if (*op == Op::kExists || *op == Op::kNotExists) {
    if (in.value_given && !null_value && !in.values.empty()) {
      Add(in.path, "value", std::string(OpName(*op)) + " takes no value");
    }
    return issues.size() == before ? std::optional<Condition>(c) : std::nullopt;
  }
  const bool many = *op == Op::kIn || *op == Op::kNin;
  if (in.values.empty() || (!many && in.values.size() != 1)) {
    Add(in.path, "value", many ? "Expected a list of 1 to 1000 values" : "Expected one value");
    return std::nullopt;
  }
  if (in.values.size() > kMaxInValues) {
    Add(in.path, "value", "At most 1000 values");
    return std::nullopt;
  }
  for (size_t i = 0; i < in.values.size(); ++i) {
    std::string error;
    std::optional<Operand> operand = ToOperand(*field, in.values[i], &error);
    if (!operand) {
      Add(in.path, many ? "value[" + std::to_string(i) + "]" : "value", error);
      continue;
    }
    c.operands.push_back(std::move(*operand));
  }
  return issues.size() == before ? std::optional<Condition>(std::move(c)) : std::nullopt;
}

std::optional<Filter> Checker::CheckFilter(const FilterInput& in, size_t depth) {
  if (depth > kMaxFilterDepth) {
    Add(in.path, "", "Filters nest at most " + std::to_string(kMaxFilterDepth) + " levels deep");
    return std::nullopt;
  }
  Filter f;
  if (!in.is_group) {
    if (++conditions > kMaxConditions) {
      if (conditions == kMaxConditions + 1) {
        Add(in.path, "", "At most " + std::to_string(kMaxConditions) + " conditions");
      }
      return std::nullopt;
    }
    std::optional<Condition> c = CheckCondition(in);
    if (!c) return std::nullopt;
    f.condition = std::move(*c);
    return f;
  }
  f.is_group = true;
  f.is_or = in.is_or;
  if (in.children.empty()) Add(in.path, "value", "A group needs at least one filter");
  bool ok = !in.children.empty();
  for (const FilterInput& child : in.children) {
    std::optional<Filter> checked = CheckFilter(child, depth + 1);
    ok = ok && checked.has_value();
    if (checked) f.children.push_back(std::move(*checked));
  }
  return ok ? std::optional<Filter>(std::move(f)) : std::nullopt;
}

Result<Query> CheckQuery(const Schema& schema, const SearchInput& input) {
  Checker checker{schema, input, {}, 0};
  Query query;
  if (input.filter) query.filter = checker.CheckFilter(*input.filter, 1);

  std::string_view q = input.q;
  while (!q.empty() && q.front() == ' ') q.remove_prefix(1);
  while (!q.empty() && q.back() == ' ') q.remove_suffix(1);
  if (q.size() > kMaxQueryBytes || !text::IsValidUtf8(q) || text::HasControlChars(q)) {
    checker.Add("q", "", "Must be at most 256 bytes of text without control characters");
  } else if (!q.empty()) {
    query.q_text = Fold(q);
    if (LooksLikePhone(q)) query.q_phone = Digits(q);
  }

  for (const SortInput& s : input.sort) {
    std::optional<FieldRef> field = ResolveField(schema, s.field);
    if (!field) {
      checker.Add(s.path, "field", "Unknown field '" + s.field + "'");
    } else if (field->kind == Kind::kPresence || field->column == Column::kStripeLabel ||
               field->column == Column::kStripeId || field->column == Column::kStripeEmail) {
      checker.Add(s.path, "field", "Cannot sort by '" + s.field + "'");
    } else if (std::any_of(query.sort.begin(), query.sort.end(),
                           [&](const SortKey& k) { return k.field == *field; })) {
      checker.Add(s.path, "field", "Sorted by '" + s.field + "' twice");
    } else {
      query.sort.push_back({*field, s.descending});
    }
  }
  if (input.sort.size() > kMaxSortKeys) checker.Add("sort", "", "At most 3 sort keys");
  if (input.sort.empty()) query.sort.push_back({{Column::kCreatedAt, 0, Kind::kInteger}, true});

  if (input.page && input.cursor) checker.Add("cursor", "", "Use either page or cursor");
  query.per_page = std::clamp<size_t>(input.per_page, 1, 1000);
  if (input.page) {
    if (*input.page == 0) checker.Add("page", "", "Must be at least 1");
    const size_t pages_before = *input.page == 0 ? 0 : *input.page - 1;
    query.offset =
        pages_before > SIZE_MAX / query.per_page ? SIZE_MAX : pages_before * query.per_page;
  }
  query.cursor = input.cursor;
  if (!checker.issues.empty()) {
    return InvalidArgument(kMsgInvalidRequest, std::move(checker.issues));
  }
  query.fingerprint = Fingerprint(query);
  return query;
}

std::optional<Op> ParseOp(std::string_view s) {
  struct Name {
    std::string_view name;
    Op op;
  };
  static constexpr Name kNames[] = {
      {"=", Op::kEq},          {"!=", Op::kNe},
      {"IN", Op::kIn},         {"NIN", Op::kNin},
      {">", Op::kGt},          {"<", Op::kLt},
      {">=", Op::kGe},         {"<=", Op::kLe},
      {"~", Op::kContains},    {"!~", Op::kNotContains},
      {"^", Op::kStartsWith},  {"$", Op::kEndsWith},
      {"exists", Op::kExists}, {"not_exists", Op::kNotExists},
  };
  std::string upper(s);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const Name& n : kNames) {
    std::string name(n.name);
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name == upper) return n.op;
  }
  if (upper == "NOT EXISTS" || upper == "NOT_EXISTS") return Op::kNotExists;
  return std::nullopt;
}

const char* OpName(Op op) {
  static constexpr const char* kNames[] = {
      "=", "!=", "IN", "NIN", ">", "<", ">=", "<=", "~", "!~", "^", "$", "exists", "not_exists"};
  return kNames[static_cast<int>(op)];
}

}  // namespace contactd::search
