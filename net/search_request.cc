#include "net/search_request.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "engine/text.h"
#include "net/json_util.h"

namespace contactd::net {
namespace {

using json::element;

constexpr size_t kMinListPerPage = 10;
constexpr size_t kMaxPerPage = 1000;

// A decimal integer; values beyond 64 bits saturate. nullopt when `s` is not a number.
std::optional<size_t> Number(std::string_view s) {
  size_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return SIZE_MAX;
  if (ec != std::errc()) return std::nullopt;
  return v;
}

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t comma = s.find(',');
    out.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// Percent-decoded query parameters are bytes. Names, and sort fields (which issues quote), that
// are not UTF-8 are refused before they can reach an issue and so a response. (The engine checks
// the other values: q, filter values.)
std::vector<Issue> CheckUtf8(const QueryParams& params) {
  std::vector<Issue> issues;
  for (const auto& [key, value] : params) {
    if (!text::IsValidUtf8(key)) {
      // Named as text: U+FFFD for the bytes that are not UTF-8.
      issues.push_back({text::ReplaceInvalidUtf8(key), "Parameter name must be valid UTF-8"});
    } else if (key == "sort" && !text::IsValidUtf8(value)) {
      issues.push_back({key, "Must be valid UTF-8"});
    }
  }
  return issues;
}

// Query-string operator names.
std::optional<std::string> OpFromName(std::string_view name) {
  static const std::map<std::string_view, std::string> kOps = {
      {"eq", "="},          {"ne", "!="},
      {"in", "IN"},         {"nin", "NIN"},
      {"gt", ">"},          {"lt", "<"},
      {"gte", ">="},        {"lte", "<="},
      {"contains", "~"},    {"not_contains", "!~"},
      {"starts_with", "^"}, {"ends_with", "$"},
      {"exists", "exists"},
  };
  auto it = kOps.find(name);
  if (it == kOps.end()) return std::nullopt;
  return it->second;
}

// Applies `sort` and `order` (comma-separated) to the input.
void ParseSort(std::string_view sort, std::string_view order, search::SearchInput* in,
               std::vector<Issue>* issues) {
  const std::vector<std::string_view> orders =
      order.empty() ? std::vector<std::string_view>{} : SplitCommas(order);
  for (std::string_view o : orders) {
    if (o != "asc" && o != "desc") issues->push_back({"order", "Expected asc or desc"});
  }
  auto direction = [&](size_t i) {
    if (orders.empty()) return false;
    return (orders.size() == 1 ? orders[0] : i < orders.size() ? orders[i] : "asc") == "desc";
  };
  if (sort.empty()) {
    if (!orders.empty()) {
      in->sort.push_back({"created_at", direction(0), "order"});
    }
    return;
  }
  const std::vector<std::string_view> fields = SplitCommas(sort);
  if (orders.size() > 1 && orders.size() != fields.size()) {
    issues->push_back({"order", "Give one order, or one per sort field"});
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string_view f = fields[i];
    bool desc = direction(i);
    if (f.starts_with('-')) {
      desc = true;
      f.remove_prefix(1);
    }
    in->sort.push_back({std::string(f), desc, "sort"});
  }
}

// The filter[...] parameters, AND-ed.
struct FilterParams {
  // (field, operator) -> values, in first-seen order.
  std::vector<std::pair<std::pair<std::string, std::string>, std::vector<std::string>>> conditions;
  std::vector<std::string> paths;

  bool Add(std::string_view key, std::string value, std::vector<Issue>* issues) {
    // filter[FIELD] or filter[FIELD][OP]
    std::string_view rest = key.substr(7);  // after "filter["
    const size_t close = rest.find(']');
    if (close == std::string_view::npos || close == 0) return false;
    const std::string field(rest.substr(0, close));
    rest.remove_prefix(close + 1);
    std::string op = "=";
    if (!rest.empty()) {
      if (rest.front() != '[' || rest.back() != ']') return false;
      std::optional<std::string> named = OpFromName(rest.substr(1, rest.size() - 2));
      if (!named) {
        issues->push_back({std::string(key),
                           "Unknown operator; use eq ne in nin gt lt gte lte contains "
                           "not_contains starts_with ends_with exists"});
        return true;
      }
      op = *named;
      if (op == "exists") {
        if (value != "true" && value != "false") {
          issues->push_back({std::string(key), "Expected true or false"});
          return true;
        }
        if (value == "false") op = "not_exists";
      }
    }
    for (auto& [k, values] : conditions) {
      if (k.first == field && k.second == op) {
        if (op != "IN" && op != "NIN") {
          issues->push_back({std::string(key), "Given twice; only in and nin take several values"});
        } else {
          values.push_back(std::move(value));
        }
        return true;
      }
    }
    conditions.push_back({{field, op}, {std::move(value)}});
    paths.emplace_back(key);
    return true;
  }

  std::optional<search::FilterInput> Build() const {
    if (conditions.empty()) return std::nullopt;
    search::FilterInput group;
    group.is_group = true;
    group.path = "filter";
    for (size_t i = 0; i < conditions.size(); ++i) {
      const auto& [k, values] = conditions[i];
      search::FilterInput c;
      c.field = k.first;
      c.op = k.second;
      c.path = paths[i];
      if (c.op != "exists" && c.op != "not_exists") {
        for (const std::string& v : values) c.values.push_back(RawValue::String(v));
        c.value_given = true;
      }
      group.children.push_back(std::move(c));
    }
    return group;
  }
};

// --- JSON body ---

void DecodeFilter(element v, const std::string& path, size_t depth, std::vector<Issue>* issues,
                  search::FilterInput* out) {
  out->path = path;
  if (!v.is_object()) {
    issues->push_back({path, json::Expected("object", v)});
    return;
  }
  if (depth > search::kMaxFilterDepth) {
    issues->push_back({path, "Filters nest at most 8 levels deep"});
    return;
  }
  std::optional<element> value;
  json::ForEachMember(json::AsObject(v), path, issues, [&](std::string_view k, element m) {
    if (k == "field") {
      if (m.is_string()) {
        out->field = std::string(m.get_string().value_unsafe());
      } else {
        issues->push_back({json::Join(path, k), json::Expected("string", m)});
      }
    } else if (k == "operator") {
      if (m.is_string()) {
        out->op = std::string(m.get_string().value_unsafe());
      } else {
        issues->push_back({json::Join(path, k), json::Expected("string", m)});
      }
    } else if (k == "value") {
      value = m;
    } else {
      issues->push_back({json::Join(path, k), "Unknown field"});
    }
  });
  std::string upper = out->op;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  if ((upper == "AND" || upper == "OR") && out->field.empty()) {
    out->is_group = true;
    out->is_or = upper == "OR";
    if (!value || !value->is_array()) {
      issues->push_back({json::Join(path, "value"), "Expected an array of filters"});
      return;
    }
    size_t i = 0;
    for (element child : json::AsArray(*value)) {
      search::FilterInput c;
      DecodeFilter(child, json::Index(json::Join(path, "value"), i++), depth + 1, issues, &c);
      out->children.push_back(std::move(c));
    }
    return;
  }
  if (!value) return;
  out->value_given = true;
  if (value->is_array()) {
    for (element item : json::AsArray(*value)) out->values.push_back(json::ToRaw(item));
  } else {
    out->values.push_back(json::ToRaw(*value));
  }
}

void DecodeSortEntry(element v, const std::string& path, std::vector<Issue>* issues,
                     search::SearchInput* in) {
  if (v.is_string()) {
    in->sort.push_back({std::string(v.get_string().value_unsafe()), false, path});
    return;
  }
  if (!v.is_object()) {
    issues->push_back({path, json::Expected("object", v)});
    return;
  }
  search::SortInput s;
  s.path = path;
  bool field_given = false;
  json::ForEachMember(json::AsObject(v), path, issues, [&](std::string_view k, element m) {
    const std::string at = json::Join(path, k);
    field_given = field_given || k == "field";
    if (k == "field" && m.is_string()) {
      s.field = std::string(m.get_string().value_unsafe());
    } else if (k == "order" && m.is_string()) {
      const std::string_view o = m.get_string().value_unsafe();
      if (o != "asc" && o != "desc") issues->push_back({at, "Expected asc or desc"});
      s.descending = o == "desc";
    } else if (k == "field" || k == "order") {
      issues->push_back({at, json::Expected("string", m)});
    } else {
      issues->push_back({at, "Unknown field"});
    }
  });
  if (!field_given) issues->push_back({json::Join(path, "field"), "Required"});
  in->sort.push_back(std::move(s));
}

}  // namespace

Result<search::SearchInput> SearchInputFromQuery(const QueryParams& params) {
  search::SearchInput in;
  in.values_are_text = true;
  in.flat_paths = true;
  std::vector<Issue> issues = CheckUtf8(params);
  if (!issues.empty()) return InvalidArgument(kMsgInvalidRequest, std::move(issues));
  FilterParams filters;
  std::string_view sort, order;
  for (const auto& [key, value] : params) {
    if (key == "page") {
      if (auto v = Number(value); v && *v > 0) {
        in.page = *v;
      } else {
        issues.push_back({"page", "Expected a positive integer"});
      }
    } else if (key == "per_page") {
      if (auto v = Number(value)) {
        in.per_page = std::clamp(*v, kMinListPerPage, kMaxPerPage);
      } else {
        issues.push_back({"per_page", "Expected a non-negative integer"});
      }
    } else if (key == "q") {
      in.q = value;
    } else if (key == "cursor") {
      in.cursor = value;
    } else if (key == "sort") {
      sort = value;
    } else if (key == "order") {
      order = value;
    } else if (!(key.starts_with("filter[") && filters.Add(key, value, &issues))) {
      issues.push_back({key, "Unknown query parameter"});
    }
  }
  ParseSort(sort, order, &in, &issues);
  in.filter = filters.Build();
  if (!issues.empty()) return InvalidArgument(kMsgInvalidRequest, std::move(issues));
  return in;
}

Result<search::SearchInput> DecodeSearchBody(std::string_view body) {
  search::SearchInput in;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return in;  // no body: list
  auto doc = json::ParseRootObject(body);
  if (!doc.ok()) return doc.status();
  std::vector<Issue> issues;
  json::ForEachMember(json::AsObject(*doc), "", &issues, [&](std::string_view k, element v) {
    const std::string key(k);
    if (k == "query") {
      search::FilterInput f;
      DecodeFilter(v, "query", 1, &issues, &f);
      in.filter = std::move(f);
    } else if (k == "q" || k == "cursor") {
      if (!v.is_string()) {
        issues.push_back({key, json::Expected("string", v)});
      } else if (k == "q") {
        in.q = std::string(v.get_string().value_unsafe());
      } else {
        in.cursor = std::string(v.get_string().value_unsafe());
      }
    } else if (k == "per_page" || k == "page") {
      int64_t n = 0;
      if (!v.is_int64() || (n = v.get_int64().value_unsafe()) < (k == "page" ? 1 : 0)) {
        issues.push_back(
            {key, k == "page" ? "Expected a positive integer" : "Expected a non-negative integer"});
      } else if (k == "page") {
        in.page = static_cast<size_t>(n);
      } else {
        in.per_page = std::clamp<size_t>(static_cast<size_t>(n), 1, kMaxPerPage);
      }
    } else if (k == "sort") {
      if (v.is_array()) {
        size_t i = 0;
        for (element entry : json::AsArray(v)) {
          DecodeSortEntry(entry, json::Index("sort", i++), &issues, &in);
        }
      } else {
        DecodeSortEntry(v, "sort", &issues, &in);
      }
    } else {
      issues.push_back({key, "Unknown field"});
    }
  });
  if (!issues.empty()) return InvalidArgument(kMsgInvalidRequest, std::move(issues));
  return in;
}

}  // namespace contactd::net
