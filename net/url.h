// URL pieces: percent-encoding and -decoding of path segments and query strings. Its own small
// library (`url`), so that clients (contactctl, tests) encode exactly as the server decodes.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace contactd::net {

// Percent-encodes everything but RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~): safe in
// a path segment and in a query name or value.
std::string PercentEncode(std::string_view s);

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Returns nullopt on a malformed
// escape.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);

// Splits "a=1&b=2" into decoded pairs, in order. Returns nullopt on a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view q);

// Splits a path into segments: "/api/v1/x" -> {"api", "v1", "x"} (still encoded). A trailing
// slash yields a final empty segment.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace contactd::net
