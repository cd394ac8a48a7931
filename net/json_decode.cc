#include "net/json_decode.h"

#include <simdjson.h>

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "engine/string_map.h"

namespace contactd::net {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* TypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "value";
}

// Typed views of an element whose type the caller has checked.
simdjson::dom::array AsArray(element v) {
  simdjson::dom::array a;
  [[maybe_unused]] auto err = v.get(a);
  return a;
}
simdjson::dom::object AsObject(element v) {
  simdjson::dom::object o;
  [[maybe_unused]] auto err = v.get(o);
  return o;
}

std::string Expected(const char* want, element v) {
  return std::string("Expected ") + want + ", received " + TypeName(v.type());
}

std::string Join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string Index(std::string_view path, size_t i) {
  std::string out(path);
  out += '[';
  out += std::to_string(i);
  out += ']';
  return out;
}

// Parses `body`; the element stays valid until this thread parses again.
Result<element> Parse(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return InvalidArgument("Request body is empty; expected a JSON object");
  }
  element doc;
  if (auto err = parser.parse(body.data(), body.size(), true).get(doc); err) {
    return InvalidArgument(std::string("Request body is not valid JSON: ") +
                           simdjson::error_message(err));
  }
  return doc;
}

// Calls f(key, value) for each member of `obj`, reporting duplicate keys as issues. Small objects
// (the usual contact) are checked for duplicates without allocating.
template <typename F>
void ForEachMember(simdjson::dom::object obj, std::string_view path, std::vector<Issue>* issues,
                   F&& f) {
  constexpr size_t kSmall = 16;
  std::string_view small[kSmall];
  size_t n = 0;
  absl::flat_hash_set<std::string_view, StringHash, StringEq> seen;
  for (auto [key, value] : obj) {
    bool duplicate;
    if (n < kSmall) {
      duplicate = std::find(small, small + n, key) != small + n;
      if (!duplicate) small[n++] = key;
    } else {
      if (seen.empty()) seen.insert(small, small + n);
      duplicate = !seen.insert(key).second;
    }
    if (duplicate) {
      issues->push_back({Join(path, key), "Duplicate key"});
      continue;
    }
    f(key, value);
  }
}

void ReadString(element v, const std::string& field, std::vector<Issue>* issues,
                FieldPatch<std::string>* out) {
  if (v.is_null()) {
    out->SetNull();
  } else if (v.is_string()) {
    out->Set(std::string(v.get_string().value_unsafe()));
  } else {
    issues->push_back({field, Expected("string", v)});
  }
}

// For control-plane bodies: a string member (null means absent when `nullable`).
void ReadOptional(element v, const std::string& field, bool nullable, std::vector<Issue>* issues,
                  std::optional<std::string>* out) {
  if (v.is_string()) {
    *out = std::string(v.get_string().value_unsafe());
  } else if (!(nullable && v.is_null())) {
    issues->push_back({field, Expected("string", v)});
  }
}

RawValue ToRaw(element v) {
  switch (v.type()) {
    case element_type::NULL_VALUE:
      return RawValue::Null();
    case element_type::BOOL:
      return RawValue::Bool(v.get_bool().value_unsafe());
    case element_type::INT64:
      return RawValue::Int(v.get_int64().value_unsafe());
    case element_type::UINT64:
      return RawValue::Of(RawValue::Kind::kOutOfRange);  // above INT64_MAX
    case element_type::DOUBLE:
      return RawValue::Double(v.get_double().value_unsafe());
    case element_type::STRING:
      return RawValue::String(std::string(v.get_string().value_unsafe()));
    case element_type::OBJECT:
      return RawValue::Of(RawValue::Kind::kObject);
    case element_type::ARRAY:
      return RawValue::Of(RawValue::Kind::kArray);
  }
  return RawValue::Null();
}

void ReadStripe(element v, const std::string& field, std::vector<Issue>* issues,
                FieldPatch<std::vector<StripeAccount>>* out) {
  if (v.is_null()) {
    out->SetNull();
    return;
  }
  if (!v.is_array()) {
    issues->push_back({field, Expected("array", v)});
    return;
  }
  std::vector<StripeAccount> accounts;
  size_t i = 0;
  for (element item : AsArray(v)) {
    const std::string at = Index(field, i++);
    StripeAccount a;  // kept even when invalid, so later items keep their index
    if (!item.is_object()) {
      issues->push_back({at, Expected("object", item)});
      accounts.push_back(std::move(a));
      continue;
    }
    ForEachMember(AsObject(item), at, issues, [&](std::string_view k, element m) {
      if (k == "label") {
        std::optional<std::string> label;
        ReadOptional(m, Join(at, k), false, issues, &label);
        a.label = label.value_or("");
      } else if (k == "stripe_id") {
        ReadOptional(m, Join(at, k), true, issues, &a.stripe_id);
      } else if (k == "stripe_email") {
        ReadOptional(m, Join(at, k), true, issues, &a.stripe_email);
      } else {
        issues->push_back({Join(at, k), "Unknown field"});
      }
    });
    accounts.push_back(std::move(a));
  }
  out->Set(std::move(accounts));
}

void ReadAttributes(element v, const std::string& field, std::vector<Issue>* issues,
                    FieldPatch<std::vector<std::pair<std::string, RawValue>>>* out) {
  if (v.is_null()) {
    out->SetNull();
    return;
  }
  if (!v.is_object()) {
    issues->push_back({field, Expected("object", v)});
    return;
  }
  std::vector<std::pair<std::string, RawValue>> values;
  ForEachMember(AsObject(v), field, issues, [&](std::string_view k, element m) {
    values.emplace_back(std::string(k), ToRaw(m));
  });
  out->Set(std::move(values));
}

void DecodeContact(element v, const std::string& path, std::vector<Issue>* issues,
                   ContactInput* out) {
  if (!v.is_object()) {
    issues->push_back({path, Expected("object", v)});
    return;
  }
  ForEachMember(AsObject(v), path, issues, [&](std::string_view k, element m) {
    const std::string field = Join(path, k);
    if (k == "external_id") {
      ReadString(m, field, issues, &out->external_id);
    } else if (k == "name") {
      ReadString(m, field, issues, &out->name);
    } else if (k == "email") {
      ReadString(m, field, issues, &out->email);
    } else if (k == "phonenumber") {
      ReadString(m, field, issues, &out->phonenumber);
    } else if (k == "stripe_accounts") {
      ReadStripe(m, field, issues, &out->stripe_accounts);
    } else if (k == "custom_attributes") {
      ReadAttributes(m, field, issues, &out->custom_attributes);
    } else if (k == "id" || k == "created_at" || k == "updated_at") {
      // Read-only fields echoed back from a response: ignored, never bound.
    } else {
      issues->push_back({field, "Unknown field"});
    }
  });
}

// Parses a body that must be a JSON object; returns its root element.
Result<element> ParseRootObject(std::string_view body) {
  auto doc = Parse(body);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object()) {
    return InvalidArgument(kMsgInvalidRequest, {{"", Expected("object", *doc)}});
  }
  return doc;
}

Result<simdjson::dom::object> ParseObject(std::string_view body) {
  auto doc = ParseRootObject(body);
  if (!doc.ok()) return doc.status();
  return AsObject(*doc);
}

Status Invalid(std::vector<Issue> issues) {
  return InvalidArgument(kMsgInvalidRequest, std::move(issues));
}

// Decodes a flat control-plane body whose members are all strings (null allowed when nullable).
struct StringMember {
  std::string_view key;
  std::optional<std::string>* out;
  bool nullable = false;
};
Status DecodeStrings(std::string_view body, std::initializer_list<StringMember> members) {
  auto obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  std::vector<Issue> issues;
  ForEachMember(*obj, "", &issues, [&](std::string_view k, element v) {
    for (const StringMember& m : members) {
      if (m.key == k) return ReadOptional(v, std::string(k), m.nullable, &issues, m.out);
    }
    issues.push_back({std::string(k), "Unknown field"});
  });
  return issues.empty() ? Status() : Invalid(std::move(issues));
}

}  // namespace

Result<DecodedBatch> DecodeUpsertBody(std::string_view body) {
  auto obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  DecodedBatch out;
  std::optional<element> array;
  ForEachMember(*obj, "", &out.issues, [&](std::string_view k, element v) {
    if (k == "users" || k == "contacts") {
      if (array) {
        out.issues.push_back({std::string(k), "Send either users or contacts, not both"});
        return;
      }
      array = v;
      out.array_name = std::string(k);
    } else {
      out.issues.push_back({std::string(k), "Unknown field"});
    }
  });
  if (!array) {
    out.issues.push_back({"users", "Required"});
    return InvalidArgument(kMsgInvalidRequest, std::move(out.issues));
  }
  if (!array->is_array()) {
    out.issues.push_back({out.array_name, Expected("array", *array)});
    return InvalidArgument(kMsgInvalidRequest, std::move(out.issues));
  }
  const auto items = AsArray(*array);
  if (items.size() == 0) return InvalidArgument(kMsgInvalidRequest);
  if (items.size() > kMaxBatch) return InvalidArgument("Maximum 1000 contacts per request");
  out.items.resize(items.size());
  size_t i = 0;
  for (element item : items) {
    DecodeContact(item, Index(out.array_name, i), &out.issues, &out.items[i]);
    ++i;
  }
  return out;
}

Result<DecodedPatch> DecodePatchBody(std::string_view body) {
  auto doc = ParseRootObject(body);
  if (!doc.ok()) return doc.status();
  DecodedPatch out;
  element target = *doc;
  if (auto data = doc->at_key("data"); data.error() == simdjson::SUCCESS) {
    if (AsObject(*doc).size() != 1) {
      return Invalid({{"", "Send either {\"data\": {...}} or the bare contact object"}});
    }
    target = data.value_unsafe();
  }
  DecodeContact(target, "", &out.issues, &out.patch);
  return out;
}

Result<AttributeInput> DecodeAttributeBody(std::string_view body) {
  auto obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  AttributeInput in;
  std::vector<Issue> issues;
  ForEachMember(*obj, "", &issues, [&](std::string_view k, element v) {
    const std::string field(k);
    if (k == "name") {
      ReadOptional(v, field, false, &issues, &in.name);
    } else if (k == "type") {
      ReadOptional(v, field, false, &issues, &in.type);
    } else if (k == "label") {
      ReadOptional(v, field, true, &issues, &in.label);
    } else if (k == "description") {
      ReadOptional(v, field, true, &issues, &in.description);
    } else if (k == "archived") {
      if (v.is_bool()) {
        in.archived = v.get_bool().value_unsafe();
      } else {
        issues.push_back({field, Expected("boolean", v)});
      }
    } else {
      issues.push_back({field, "Unknown field"});
    }
  });
  if (!issues.empty()) return Invalid(std::move(issues));
  return in;
}

Result<ChatbotInput> DecodeChatbotBody(std::string_view body) {
  ChatbotInput in;
  if (Status s = DecodeStrings(body, {{"id", &in.id}, {"name", &in.name}}); !s.ok()) return s;
  return in;
}

Result<ApiKeyInput> DecodeApiKeyBody(std::string_view body) {
  ApiKeyInput in;
  Status s = DecodeStrings(
      body, {{"name", &in.name}, {"role", &in.role}, {"chatbot_id", &in.chatbot_id, true}});
  if (!s.ok()) return s;
  return in;
}

Result<WorkspaceInput> DecodeWorkspaceBody(std::string_view body) {
  WorkspaceInput in;
  if (Status s = DecodeStrings(body, {{"id", &in.id}, {"name", &in.name}}); !s.ok()) return s;
  return in;
}

}  // namespace contactd::net
