// Validation of contact input and merging of a validated change into a contact.
//
// Limits and rules (also in the README):
//   external_id      1-256 bytes of UTF-8 without control characters
//   name             at most 1000 bytes, no control characters
//   email            at most 254 bytes, local@domain with a dotted domain; unique per chatbot,
//                    compared after Unicode case folding
//   phonenumber      3-20 digits, optionally starting with +, with spaces . - / ( ) between and an
//                    optional extension (x, ext or # followed by digits); at most 64 bytes
//   stripe_accounts  at most 50; each has a label (1-200 bytes) and a stripe_id and/or stripe_email
//   custom_attributes  keys must name a defined attribute; values are checked against its type
//                    (attr_value.h); archived attributes accept only null.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/contact.h"
#include "engine/schema.h"
#include "engine/status.h"

namespace contactd {

inline constexpr size_t kMaxExternalIdBytes = 256;
inline constexpr size_t kMaxNameBytes = 1000;
inline constexpr size_t kMaxEmailBytes = 254;
inline constexpr size_t kMaxPhoneBytes = 64;
inline constexpr size_t kMaxStripeAccounts = 50;

// A ContactInput whose values have all been checked.
struct ContactChange {
  FieldPatch<std::string> external_id;
  FieldPatch<std::string> name;
  FieldPatch<std::string> email;
  FieldPatch<std::string> phonenumber;
  FieldPatch<std::vector<StripeAccount>> stripe_accounts;
  // custom_attributes: absent, null (clear) or set (replace). `attrs` holds the values set;
  // `attrs_cleared` the attributes explicitly set to null. Both are sorted by attribute.
  FieldPatch<std::vector<AttrEntry>> attrs;
  std::vector<AttrNo> attrs_cleared;
  // A set `attrs` changes only the attributes it lists (and those in `attrs_cleared`) and keeps
  // the others (ContactInput::merge_custom_attributes).
  bool merge_attrs = false;
};

// Checks `in` against the field rules and `schema`. Appends one Issue per problem, each field
// prefixed with `prefix` ("[3]." gives "[3].email"); fills `out` (moving values out of `in`) when
// there is none.
void ValidateContactInput(const Schema& schema, ContactInput in, std::string_view prefix,
                          std::vector<Issue>* issues, ContactChange* out);

// The contact that results from applying `change` to `base`. Custom attributes are replaced when
// set or null, except that values of archived attributes are kept unless explicitly nulled; with
// `merge_attrs` a set list only sets and clears the attributes it names.
// Does not touch id or timestamps.
Contact ApplyChange(const Schema& schema, Contact base, ContactChange change);

// Individual rules, returning the problem or an empty string.
// Any text field: valid UTF-8, at most `max_bytes`, no control characters (tab, LF and CR allowed
// when `multiline`).
std::string CheckPlainText(std::string_view s, size_t max_bytes, bool multiline = false);
// A public id of a workspace or chatbot: [A-Za-z0-9_-]{1,64}.
std::string CheckPublicId(std::string_view s);
std::string CheckExternalId(std::string_view s);
std::string CheckEmail(std::string_view s);
std::string CheckPhone(std::string_view s);

}  // namespace contactd
