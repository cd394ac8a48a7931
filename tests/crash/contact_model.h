// The crash loop's client-side picture of a contact (tests/crash/).
//
// Values are the fields a client controls; Write is what one upsert item or PATCH sends (a field
// may be absent, null or a value); Contact is a contact as the server returned it. Apply() merges
// a Write into the previous Values by the API's rules (absent: unchanged; null: cleared;
// stripe_accounts and custom_attributes: replaced), so the loop can predict what an acknowledged
// write must have stored, and Diff() names every field where two contacts differ.
//
// Every write of the crash loop sends custom_attributes whole, with the batch tag in `batch`: the
// tag tells which write a stored contact comes from.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/json.h"
#include "tests/support/strings.h"

namespace contactd::crash {

struct Stripe {
  std::string label;
  std::string stripe_id;
  std::string stripe_email;
  bool operator==(const Stripe&) const = default;
};

// The custom attributes the crash loop defines (batch text, n number, vip boolean, seen date,
// note text).
struct Attrs {
  std::string batch;  // the tag of the write that stored the contact
  int64_t n = 0;
  std::optional<bool> vip;
  std::optional<std::string> seen;  // ISO 8601 UTC date-time, in the form the server renders
  std::optional<std::string> note;
  bool operator==(const Attrs&) const = default;
};

struct Values {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::vector<Stripe> stripe;  // null and [] render the same: []
  Attrs attrs;
  bool operator==(const Values&) const = default;
};

// One field of a write: nullopt = not sent, a nullopt inside = null, else the value.
template <typename T>
using Change = std::optional<std::optional<T>>;

struct Write {
  std::string external_id;
  Change<std::string> name;
  Change<std::string> email;
  Change<std::string> phone;
  Change<std::vector<Stripe>> stripe;
  Attrs attrs;  // always sent, whole
};

// A contact as read from the server.
struct Contact {
  std::string id;  // "contact_<n>"
  std::string external_id;
  Values values;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  bool operator==(const Contact&) const = default;
};

// What a contact holds after `w` is applied to it (`before` is null for a new contact).
Values Apply(const Values* before, const Write& w);

// The JSON object of an upsert item; without external_id when `with_external_id` is false (the
// body of a PATCH).
std::string ItemJson(const Write& w, bool with_external_id = true);

// Reads a rendered contact; nullopt (with `error` set) when it is not of the expected shape.
std::optional<Contact> ParseContact(const testing::Json& j, std::string* error);

// "" when equal, else "field: expected X, got Y; ..." for each differing field.
std::string DiffValues(const Values& expected, const Values& got);
std::string Diff(const Contact& expected, const Contact& got);

// A one-line rendering for reports.
std::string Describe(const Contact& c);

// n of "contact_<n>" (0 when malformed).
uint64_t IdNumber(const std::string& id);

// A JSON string literal (quotes, backslashes and control characters escaped).
using testing::Quote;  // tests/support/strings.h

}  // namespace contactd::crash
