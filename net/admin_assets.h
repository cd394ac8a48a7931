// The embedded admin dashboard (web/admin): its files are compiled into the binary by
// net/embed_assets.cmake (a generated admin_assets_data.cc in the build directory), and served at
// /admin/ without an API key (the page itself asks for one and calls the v1 API with it).
//
//   GET /admin          308 to /admin/
//   GET /admin/         index.html
//   GET /admin/{file}   the file, or 404 "Route not found"
//
// Every answer carries Cache-Control: no-cache, an ETag (If-None-Match gets 304), a strict
// Content-Security-Policy (nothing but the server's own origin: no inline script or style, no
// frames) and X-Content-Type-Options: nosniff.
//
// Thread-safety: the table is immutable; the handlers are pure functions.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "net/http_types.h"
#include "net/router.h"

namespace contactd::net {

struct AdminAsset {
  std::string_view path;          // relative to web/admin: "index.html", "app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // quoted: "\"3f2a…\""
  std::string_view body;
};

// Every embedded file (generated; sorted by path).
std::span<const AdminAsset> AdminAssets();

// The answer for GET of the dashboard's `file` ("" is index.html), given the request's
// If-None-Match header.
HttpResponse ServeAdminAsset(std::string_view file, std::string_view if_none_match);

// The dashboard's routes (public), for the route table.
std::vector<Route> AdminRoutes();

}  // namespace contactd::net
