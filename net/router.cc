#include "net/router.h"

#include "net/errors.h"
#include "net/url.h"

namespace contactd::net {

std::string_view BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c) != kScheme[i]) return {};
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

Router::Router(std::vector<Route> routes, Authenticator authenticate,
               const std::atomic<bool>* ready, RateLimiter* limiter)
    : authenticate_(std::move(authenticate)), ready_(ready), limiter_(limiter) {
  for (Route& r : routes) {
    Compiled c;
    for (std::string_view s : SplitPath(r.pattern)) c.segments.emplace_back(s);
    c.route = std::move(r);
    routes_.push_back(std::move(c));
  }
}

bool Router::Match(const Compiled& c, const std::vector<std::string_view>& path) {
  if (c.segments.size() != path.size()) return false;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& seg = c.segments[i];
    const bool param = !seg.empty() && seg.front() == '{';
    if (param ? path[i].empty() : seg != path[i]) return false;
  }
  return true;
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  if (ready_ && !ready_->load(std::memory_order_acquire)) {
    return TransportErrorResponse(503, "Server is starting: loading data");
  }
  const std::vector<std::string_view> path = SplitPath(request.path);
  std::string allow;
  for (const Compiled& c : routes_) {
    if (!Match(c, path)) continue;
    if (c.route.method == request.method) return Dispatch(c, request, path);
    if (!allow.empty()) allow += ", ";
    allow += c.route.method;
  }
  if (allow.empty()) return TransportErrorResponse(404, "Route not found");
  HttpResponse r = TransportErrorResponse(405, "Method not allowed");
  r.headers.emplace_back("Allow", allow);
  return r;
}

HttpResponse Router::Dispatch(const Compiled& c, const HttpRequest& request,
                              const std::vector<std::string_view>& path) const {
  RequestContext ctx{request, {}, {}, {}};
  if (c.route.access != Access::kPublic) {
    auto principal = authenticate_(BearerToken(request.authorization));
    if (!principal.ok()) return ErrorResponse(principal.status());
    if (limiter_) {
      const RateLimiter::Decision decision = limiter_->Acquire(RateLimitKey(*principal));
      if (!decision.allowed) return RateLimitedResponse(decision.retry_after_seconds);
    }
    const Role needed = c.route.access == Access::kOperator ? Role::kOperator
                        : c.route.access == Access::kAdmin  ? Role::kAdmin
                                                            : Role::kMember;
    if (!principal->AtLeast(needed)) return ErrorResponse(PermissionDenied());
    ctx.principal = *principal;
  }
  for (size_t i = 0; i < path.size(); ++i) {
    if (c.segments[i].empty() || c.segments[i].front() != '{') continue;
    auto decoded = PercentDecode(path[i], false);
    if (!decoded) return TransportErrorResponse(400, "Malformed percent-encoding in the path");
    ctx.params.push_back(std::move(*decoded));
  }
  auto query = ParseQuery(request.query);
  if (!query) return TransportErrorResponse(400, "Malformed percent-encoding in the query");
  ctx.query = std::move(*query);
  return c.route.fn(ctx);
}

}  // namespace contactd::net
