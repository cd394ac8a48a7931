// Router: the one route table. Matches method and path, authenticates the bearer key, decodes
// path parameters and the query string, and calls the route's handler.
//
// Unknown path: 404 "Route not found". Known path, other method: 405 with an Allow header. Until
// the server is ready (data loaded), every request gets 503. Routes other than public ones need
// "Authorization: Bearer <key>": a missing, unknown or revoked key gets 401, a key whose role is
// below the route's gets 403 before the body is looked at. (The engine enforces roles too.)
//
// With a RateLimiter, every authenticated request takes a token from its key's bucket (keyed by
// workspace and key number) right after authentication, before the role check: over the limit it
// gets 429 "Rate limit exceeded" with Retry-After. Public routes and 401s take no token.
//
// Thread-safety: immutable after construction; Handle() may run on many threads at once (the
// RateLimiter is thread-safe).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/status.h"
#include "engine/types.h"
#include "net/http_types.h"
#include "net/rate_limiter.h"

namespace contactd::net {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct RequestContext {
  const HttpRequest& request;
  Principal principal;              // the caller (not set for public routes)
  std::vector<std::string> params;  // path parameters, percent-decoded, in pattern order
  QueryParams query;                // decoded, in order
};

using RouteFn = std::function<HttpResponse(RequestContext&)>;

// Who may call a route: anyone, or a key with at least this role.
enum class Access { kPublic, kMember, kAdmin, kOperator };

struct Route {
  std::string method;
  std::string pattern;  // e.g. "/api/v1/chatbots/{chatbot}/contacts/{contact}"
  Access access = Access::kMember;
  RouteFn fn;
};

class Router {
 public:
  using Authenticator = std::function<Result<Principal>(std::string_view api_key)>;

  // `limiter` (may be null: no rate limit) must outlive the Router.
  Router(std::vector<Route> routes, Authenticator authenticate, const std::atomic<bool>* ready,
         RateLimiter* limiter = nullptr);

  HttpResponse Handle(const HttpRequest& request) const;

  // Requests that change data may wait on a WAL sync: run them off the I/O threads. Reads (GET,
  // and POST …/contacts/search, a read with a body) run on the I/O thread that parsed them.
  static bool IsBlocking(const HttpRequest& request) {
    if (request.method == "GET") return false;
    return !(request.method == "POST" && request.path.ends_with("/contacts/search"));
  }
  // Imports and exports stream: the session calls the handler as soon as the header is in, on
  // its stream pool, with HttpRequest::body_reader set instead of a body read up front (and the
  // streaming body limit instead of the normal one). `head` has everything but the body.
  static bool IsStreaming(const HttpRequest& head) {
    return (head.method == "POST" && head.path.ends_with("/contacts/import")) ||
           (head.method == "GET" && head.path.ends_with("/contacts/export"));
  }

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> segments;  // "{...}" marks a parameter
  };

  static bool Match(const Compiled& c, const std::vector<std::string_view>& path);
  HttpResponse Dispatch(const Compiled& c, const HttpRequest& request,
                        const std::vector<std::string_view>& path) const;

  std::vector<Compiled> routes_;
  Authenticator authenticate_;
  const std::atomic<bool>* ready_;
  RateLimiter* limiter_;
};

// The rate-limit bucket of a key: its workspace and key numbers, never the key itself.
inline uint64_t RateLimitKey(const Principal& principal) {
  return (uint64_t{principal.workspace} << 32) | principal.key;
}

// The key from "Authorization: Bearer <key>" (scheme case-insensitive), or "" when absent.
std::string_view BearerToken(std::string_view authorization);

}  // namespace contactd::net
