// Error responses: the one place where error codes become HTTP statuses.
//
// Every error body has the v1 shape {"message": "...", "issues": [{"field", "message"}...]}
// ("issues" only when there are any).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "engine/status.h"
#include "net/http_types.h"

namespace contactd::net {

// The HTTP status for a canonical code: kInvalidArgument 400, kUnauthenticated 401,
// kPermissionDenied 403, kNotFound 404, kAlreadyExists 409, kFailedPrecondition 409,
// kPayloadTooLarge 413, kResourceExhausted 429, kUnavailable 503, everything else 500.
int HttpStatusFor(Code code);

// A response for a failed Status (REQUIRES: !status.ok()).
HttpResponse ErrorResponse(const Status& status);

// A response for an error found by the HTTP layer itself (malformed request, header too large,
// timeout, unknown route), with the same body shape.
HttpResponse TransportErrorResponse(int http_status, std::string_view message);

// 429 {"message":"Rate limit exceeded"} with "Retry-After: <seconds>" (REQUIRES: seconds >= 1).
HttpResponse RateLimitedResponse(int retry_after_seconds);

}  // namespace contactd::net
