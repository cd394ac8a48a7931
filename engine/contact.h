// The contact: what the engine stores for one person of one chatbot, and the patch-shaped input
// that creates or changes it.
//
// A Contact is the decoded form; in memory and on disk a contact is an immutable encoded record
// (engine/record.h). A ContactInput says, per field, whether the request left it alone, cleared it
// (null) or set it; values in it are not validated yet (engine/validate.h does that).
//
// Thread-safety: value types; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/types.h"

namespace contactd {

// Persisted as one byte; do not change the values.
enum class AttrType : uint8_t { kText = 1, kNumber = 2, kBoolean = 3, kDate = 4 };

const char* AttrTypeName(AttrType type);
std::optional<AttrType> ParseAttrType(std::string_view name);

// An ISO 8601 date ("2026-11-21") or date-time ("2026-11-21T10:00:00.5+02:00"). The instant is
// `seconds` + `nanos` since the Unix epoch in UTC; `offset_minutes` is the UTC offset it was
// written with, kept so the value reads back as it was written.
struct DateTime {
  int64_t seconds = 0;
  uint32_t nanos = 0;
  int16_t offset_minutes = 0;
  bool date_only = false;

  friend bool operator==(const DateTime&, const DateTime&) = default;
};

// A typed custom-attribute value. Numbers keep integers exact (int64) and use double otherwise.
using AttrValue = std::variant<std::string, int64_t, double, bool, DateTime>;

struct StripeAccount {
  std::string label;
  std::optional<std::string> stripe_id;
  std::optional<std::string> stripe_email;

  friend bool operator==(const StripeAccount&, const StripeAccount&) = default;
};

using AttrNo = uint16_t;  // a custom attribute's number within its chatbot, assigned at definition

struct AttrEntry {
  AttrNo attr = 0;
  AttrValue value;

  friend bool operator==(const AttrEntry&, const AttrEntry&) = default;
};

struct Contact {
  ContactId id = 0;
  int64_t created_at = 0;  // Unix seconds
  int64_t updated_at = 0;
  std::string external_id;
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phonenumber;
  std::vector<StripeAccount> stripe_accounts;
  std::vector<AttrEntry> attrs;  // sorted by attr, at most one entry per attribute

  friend bool operator==(const Contact&, const Contact&) = default;
};

// A value as the client sent it, before it is checked against an attribute's type.
struct RawValue {
  enum class Kind : uint8_t { kNull, kBool, kInt, kDouble, kString, kObject, kArray, kOutOfRange };
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;

  static RawValue Null() { return {}; }
  static RawValue Bool(bool v) {
    RawValue r;
    r.kind = Kind::kBool;
    r.b = v;
    return r;
  }
  static RawValue Int(int64_t v) {
    RawValue r;
    r.kind = Kind::kInt;
    r.i = v;
    return r;
  }
  static RawValue Double(double v) {
    RawValue r;
    r.kind = Kind::kDouble;
    r.d = v;
    return r;
  }
  static RawValue String(std::string v) {
    RawValue r;
    r.kind = Kind::kString;
    r.s = std::move(v);
    return r;
  }
  static RawValue Of(Kind kind) {
    RawValue r;
    r.kind = kind;
    return r;
  }
};

// "string", "number", "boolean", "object", "array", "null": the words of "Expected X, received Y".
const char* RawKindName(RawValue::Kind kind);

// One field of a patch: left alone, cleared, or set to `value`.
template <typename T>
struct FieldPatch {
  enum class Op : uint8_t { kAbsent, kNull, kSet };
  Op op = Op::kAbsent;
  T value{};

  bool absent() const { return op == Op::kAbsent; }
  bool is_null() const { return op == Op::kNull; }
  bool is_set() const { return op == Op::kSet; }
  void Set(T v) {
    op = Op::kSet;
    value = std::move(v);
  }
  void SetNull() {
    op = Op::kNull;
    value = T{};
  }
};

// What a client sent for one contact. Unknown keys and JSON type errors are caught by the decoder
// that builds this; everything about values is checked by the engine.
struct ContactInput {
  FieldPatch<std::string> external_id;
  FieldPatch<std::string> name;
  FieldPatch<std::string> email;
  FieldPatch<std::string> phonenumber;
  FieldPatch<std::vector<StripeAccount>> stripe_accounts;
  FieldPatch<std::vector<std::pair<std::string, RawValue>>> custom_attributes;
  // How a set `custom_attributes` applies: false replaces the stored attributes (the API's upsert
  // and PATCH); true sets only the attributes listed, a null value clearing one, and keeps the
  // others (a CSV import row, whose columns name single attributes).
  bool merge_custom_attributes = false;
};

std::string FormatContactId(ContactId id);  // "contact_42"

}  // namespace contactd
