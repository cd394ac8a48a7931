// Response heads: the status line and headers that go before a response body, and the rules for
// framing the body (Content-Length, chunked, close-delimited). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "net/http_types.h"

namespace contactd::net::internal {

// A status that carries a body (and so a Content-Length).
bool StatusHasBody(int status);

// Writes the status line and headers of `response` (a valid status) into `out`. A streamed body
// has no Content-Length: HTTP/1.1 gets chunked encoding, HTTP/1.0 a close-delimited body. Header
// names and values holding a line break are left out (no response splitting).
void SerializeHead(const HttpResponse& response, unsigned version, bool close, bool streamed,
                   std::string* out);

// The 413 message for a body over `limit` bytes.
std::string BodyLimitMessage(size_t limit);

}  // namespace contactd::net::internal
