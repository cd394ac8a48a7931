#include "net/json_decode.h"

#include "engine/validate.h"
#include "net/json_util.h"

namespace contactd::net {
namespace {

using json::AsArray;
using json::AsObject;
using json::Expected;
using json::ForEachMember;
using json::Index;
using json::Join;
using json::ParseRootObject;
using json::ReadOptional;
using json::ToRaw;
using simdjson::dom::element;

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

// A chatbot body: id (when `id_allowed`), name, and default_country (a string, or null to clear).
Result<ChatbotInput> DecodeChatbot(std::string_view body, bool id_allowed) {
  auto obj = ParseObject(body);
  if (!obj.ok()) return obj.status();
  ChatbotInput in;
  std::vector<Issue> issues;
  ForEachMember(*obj, "", &issues, [&](std::string_view k, element v) {
    const std::string field(k);
    if (k == "id") {
      if (id_allowed) {
        ReadOptional(v, field, false, &issues, &in.id);
      } else {
        issues.push_back({field, "Cannot be changed"});
      }
    } else if (k == "name") {
      ReadOptional(v, field, false, &issues, &in.name);
    } else if (k == "default_country") {
      ReadString(v, field, &issues, &in.default_country);
    } else {
      issues.push_back({field, "Unknown field"});
    }
  });
  if (!issues.empty()) return Invalid(std::move(issues));
  return in;
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

void DecodeContactItem(std::string_view text, ContactInput* out, std::vector<Issue>* issues) {
  auto doc = json::Parse(text);
  if (!doc.ok()) {
    // "Request body is not valid JSON: <why>" names the whole body; here it is one row.
    const std::string message = doc.status().message();
    const size_t colon = message.find(": ");
    issues->push_back({"", colon == std::string::npos
                               ? std::string("Not valid JSON")
                               : "Not valid JSON: " + message.substr(colon + 2)});
    return;
  }
  DecodeContact(*doc, "", issues, out);
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

Result<ChatbotInput> DecodeChatbotBody(std::string_view body) { return DecodeChatbot(body, true); }

Result<ChatbotInput> DecodeChatbotPatchBody(std::string_view body) {
  return DecodeChatbot(body, false);
}

Result<ApiKeyInput> DecodeApiKeyBody(std::string_view body) {
  ApiKeyInput in;
  Status s = DecodeStrings(
      body, {{"name", &in.name}, {"role", &in.role}, {"chatbot_id", &in.chatbot_id, true}});
  if (!s.ok()) return s;
  // A chatbot_id no chatbot can have (control characters, 1 MB) is bad input, named as such,
  // rather than an unknown chatbot.
  if (in.chatbot_id) {
    if (auto problem = CheckPublicId(*in.chatbot_id); !problem.empty()) {
      return Invalid({{"chatbot_id", problem}});
    }
  }
  return in;
}

Result<WorkspaceInput> DecodeWorkspaceBody(std::string_view body) {
  WorkspaceInput in;
  if (Status s = DecodeStrings(body, {{"id", &in.id}, {"name", &in.name}}); !s.ok()) return s;
  return in;
}

}  // namespace contactd::net
