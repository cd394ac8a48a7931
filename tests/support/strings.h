// String helpers for tests that build requests by hand: percent-encoding for paths and query
// values, and JSON string literals. Header-only, no test framework.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "net/url.h"

namespace contactd::testing {

// Percent-encodes everything but RFC 3986 unreserved characters (the server's own encoder).
inline std::string PathEncode(std::string_view s) { return net::PercentEncode(s); }

// A JSON string literal for `s` (quotes, backslashes and control characters escaped).
inline std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(ch);
    }
  }
  return out + "\"";
}

}  // namespace contactd::testing
