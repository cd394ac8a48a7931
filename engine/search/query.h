// The search query: what a client asks for (SearchInput, unchecked), and the checked form the
// executor runs (Query).
//
// A filter is a condition {field, operator, values} or a group {AND|OR, children}, nested to
// kMaxFilterDepth. Fields are the core fields (id, external_id, name, email, phonenumber,
// created_at, updated_at, stripe_accounts and its label, stripe_id, stripe_email) and
// "custom_attributes.<name>". Text comparisons (=, IN, ~, ^, $, ranges) are case- and
// accent-insensitive (search/fold.h); phone numbers compare by their digits. Negations (!=, NIN,
// !~) also match contacts without a value. Missing values sort last in both directions; ties
// break by id.
//
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/contact.h"

namespace contactd::search {

enum class Op : uint8_t {
  kEq,
  kNe,
  kIn,
  kNin,
  kGt,
  kLt,
  kGe,
  kLe,
  kContains,     // ~
  kNotContains,  // !~
  kStartsWith,   // ^
  kEndsWith,     // $
  kExists,
  kNotExists,
};

std::optional<Op> ParseOp(std::string_view s);  // "=", "!=", "IN", "~", "exists", ...
const char* OpName(Op op);

inline constexpr size_t kMaxFilterDepth = 8;
inline constexpr size_t kMaxConditions = 100;
inline constexpr size_t kMaxSortKeys = 3;
inline constexpr size_t kMaxQueryBytes = 256;

// As the client sent it. `path` says where, for issues ("query.value[1].value[0]").
struct FilterInput {
  bool is_group = false;
  // Condition:
  std::string field;
  std::string op;
  std::vector<RawValue> values;  // none for exists/not_exists; one or more for IN/NIN
  bool value_given = false;      // a value was present (possibly null)
  // Group:
  bool is_or = false;
  std::vector<FilterInput> children;
  std::string path;
};

struct SortInput {
  std::string field;
  bool descending = false;
  std::string path;
};

struct SearchInput {
  std::optional<FilterInput> filter;
  std::string q;
  std::vector<SortInput> sort;  // empty: created_at descending
  size_t per_page = 100;
  std::optional<size_t> page;  // 1-based; exclusive with cursor
  std::optional<std::string> cursor;
  // Values came from a query string: text that spells a number, boolean or date is accepted for
  // fields of those types.
  bool values_are_text = false;
  // Each path names a whole query parameter ("filter[name][gt]", "sort"): issues are reported at
  // the path itself, without the part (".field", ".operator", ".value") a JSON body would name.
  bool flat_paths = false;
};

// The columns a query can name.
enum class Column : uint8_t {
  kId,
  kExternalId,
  kName,
  kEmail,
  kPhone,
  kCreatedAt,
  kUpdatedAt,
  kStripe,       // stripe_accounts (exists / not exists)
  kStripeLabel,  // stripe_accounts.label: any account's label
  kStripeId,
  kStripeEmail,
  kAttr,  // custom_attributes.<name>
};

// How a column's values compare.
enum class Kind : uint8_t { kText, kPhone, kInteger, kNumber, kDate, kBoolean, kPresence };

struct FieldRef {
  Column column = Column::kId;
  AttrNo attr = 0;  // kAttr only
  Kind kind = Kind::kInteger;
  friend bool operator==(const FieldRef&, const FieldRef&) = default;
};

// A checked operand: folded text, phone digits, integer, number, date or boolean by Kind.
struct Operand {
  std::string text;  // kText: folded; kPhone: digits
  int64_t integer = 0;
  AttrValue number;  // kNumber: int64_t or double
  DateTime date;
  bool boolean = false;
};

struct Condition {
  FieldRef field;
  Op op = Op::kEq;
  std::vector<Operand> operands;
};

struct Filter {
  bool is_group = false;
  Condition condition;
  bool is_or = false;
  std::vector<Filter> children;
};

struct SortKey {
  FieldRef field;
  bool descending = false;
};

struct Query {
  std::optional<Filter> filter;
  std::string q_text;         // folded q ("" when none)
  std::string q_phone;        // digits of q when q looks like a phone number ("" otherwise)
  std::vector<SortKey> sort;  // at least one
  size_t per_page = 100;
  std::optional<size_t> offset;  // page-based
  std::optional<std::string> cursor;
  uint64_t fingerprint = 0;  // of filter, q and sort: a cursor only continues its own query
};

}  // namespace contactd::search
