// Custom-attribute values: checking a client's raw value against an attribute's type, and the ISO
// 8601 dates the `date` type uses.
//
// Type rules (api-contract.md section 3):
//   text     a JSON string (at most kMaxTextBytes, no control characters but tab, LF, CR)
//   number   a JSON number; integers stay exact within int64, others are doubles
//   boolean  true/false, also "true"/"false" and 1/0
//   date     an ISO 8601 string: "2026-11-21", "2026-11-21T10:00:00Z", with optional fraction and a
//            UTC offset ("+02:00", "+0200", "+02"); a date-time without an offset is taken as UTC
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/contact.h"

namespace contactd {

inline constexpr size_t kMaxTextBytes = 16 * 1024;

// Converts `raw` to a value of `type`, or returns the message of the issue ("Expected number,
// received string").
struct AttrValueOrError {
  std::optional<AttrValue> value;
  std::string error;
};
AttrValueOrError ToAttrValue(AttrType type, const RawValue& raw);

std::optional<DateTime> ParseIsoDate(std::string_view s);
std::string FormatIsoDate(const DateTime& t);

}  // namespace contactd
