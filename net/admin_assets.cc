#include "net/admin_assets.h"

#include <string>

#include "net/errors.h"

namespace contactd::net {
namespace {

// Only the server's own files: no inline script or style, no plug-ins, no framing. Exports are
// downloaded through blob: URLs, which need no CSP entry.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

void AddCommonHeaders(HttpResponse& r) {
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

// True when an If-None-Match list ("a", "b" or *) names `etag` (weak comparison).
bool EtagMatches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    while (!header.empty() && (header.front() == ' ' || header.front() == ',')) {
      header.remove_prefix(1);
    }
    size_t end = header.find(',');
    std::string_view item = header.substr(0, end);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return false;
}

}  // namespace

HttpResponse ServeAdminAsset(std::string_view file, std::string_view if_none_match) {
  if (file.empty()) file = "index.html";
  for (const AdminAsset& asset : AdminAssets()) {
    if (asset.path != file) continue;
    HttpResponse r;
    r.content_type = std::string(asset.content_type);
    r.headers.emplace_back("ETag", std::string(asset.etag));
    AddCommonHeaders(r);
    if (!if_none_match.empty() && EtagMatches(if_none_match, asset.etag)) {
      r.status = 304;
      r.content_type.clear();
      return r;
    }
    r.body = std::string(asset.body);
    return r;
  }
  HttpResponse r = TransportErrorResponse(404, "Route not found");
  AddCommonHeaders(r);
  return r;
}

std::vector<Route> AdminRoutes() {
  return {
      {"GET", "/admin", Access::kPublic,
       [](RequestContext&) {
         HttpResponse r;
         r.status = 308;
         r.content_type = "text/plain; charset=utf-8";
         r.body = "/admin/\n";
         r.headers.emplace_back("Location", "/admin/");
         AddCommonHeaders(r);
         return r;
       }},
      {"GET", "/admin/", Access::kPublic,
       [](RequestContext& ctx) { return ServeAdminAsset("", ctx.request.if_none_match); }},
      {"GET", "/admin/{file}", Access::kPublic,
       [](RequestContext& ctx) {
         return ServeAdminAsset(ctx.params[0], ctx.request.if_none_match);
       }},
  };
}

}  // namespace contactd::net
