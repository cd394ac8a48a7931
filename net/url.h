// URL pieces: percent-decoding of path segments and query strings.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace contactd::net {

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Returns nullopt on a malformed
// escape.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);

// Splits "a=1&b=2" into decoded pairs, in order. Returns nullopt on a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view q);

// Splits a path into segments: "/api/v1/x" -> {"api", "v1", "x"} (still encoded). A trailing
// slash yields a final empty segment.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace contactd::net
