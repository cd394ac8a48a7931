#include "engine/contact.h"

namespace contactd {

const char* AttrTypeName(AttrType type) {
  switch (type) {
    case AttrType::kText:
      return "text";
    case AttrType::kNumber:
      return "number";
    case AttrType::kBoolean:
      return "boolean";
    case AttrType::kDate:
      return "date";
  }
  return "text";
}

std::optional<AttrType> ParseAttrType(std::string_view name) {
  if (name == "text") return AttrType::kText;
  if (name == "number") return AttrType::kNumber;
  if (name == "boolean") return AttrType::kBoolean;
  if (name == "date") return AttrType::kDate;
  return std::nullopt;
}

const char* RawKindName(RawValue::Kind kind) {
  switch (kind) {
    case RawValue::Kind::kNull:
      return "null";
    case RawValue::Kind::kBool:
      return "boolean";
    case RawValue::Kind::kInt:
    case RawValue::Kind::kDouble:
    case RawValue::Kind::kOutOfRange:
      return "number";
    case RawValue::Kind::kString:
      return "string";
    case RawValue::Kind::kObject:
      return "object";
    case RawValue::Kind::kArray:
      return "array";
  }
  return "value";
}

std::string FormatContactId(ContactId id) { return "contact_" + std::to_string(id); }

}  // namespace contactd
