#include "net/json_util.h"

namespace contactd::net::json {

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

// Parses a body that must be a JSON object; returns its root element.
Result<element> ParseRootObject(std::string_view body) {
  auto doc = Parse(body);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object()) {
    return InvalidArgument(kMsgInvalidRequest, {{"", Expected("object", *doc)}});
  }
  return doc;
}

}  // namespace contactd::net::json
