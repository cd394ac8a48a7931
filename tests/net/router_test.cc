// Tests of net/router.h with a fake authenticator and fake routes: matching, path parameters,
// 404/405/503, access levels, bearer parsing and malformed percent-encoding. The last tests run
// the real route table (net/api.h) through the same fake authenticator, stopping before any
// handler needs an engine.
#include "net/router.h"

#include <atomic>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "net/admin_assets.h"
#include "net/api.h"
#include "net/render.h"
#include "tests/engine/test_printers.h"
#include "tests/support/json.h"

namespace contactd::net {
namespace {

using contactd::testing::Json;

// What a fake route saw.
struct Call {
  std::string route;
  std::vector<std::string> params;
  QueryParams query;
  Principal principal;
};

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router_(Routes(), Authenticator(), &ready_) {}

  std::vector<Route> Routes() {
    auto record = [this](std::string name) {
      return [this, name](RequestContext& ctx) {
        calls_.push_back({name, ctx.params, ctx.query, ctx.principal});
        return Success([&](JsonWriter& w) { w.String(name); });
      };
    };
    const std::string contact = "/api/v1/chatbots/{chatbot}/contacts/{contact}";
    return {
        {"GET", "/healthz", Access::kPublic, record("healthz")},
        {"GET", "/public/{x}", Access::kPublic, record("public")},
        {"GET", "/api/v1/chatbots", Access::kMember, record("list-chatbots")},
        {"POST", "/api/v1/chatbots", Access::kAdmin, record("create-chatbot")},
        {"GET", contact, Access::kMember, record("get-contact")},
        {"PATCH", contact, Access::kMember, record("patch-contact")},
        {"DELETE", contact, Access::kMember, record("delete-contact")},
        {"POST", "/api/v1/workspaces", Access::kOperator, record("create-workspace")},
    };
  }

  Router::Authenticator Authenticator() {
    return [this](std::string_view key) -> Result<Principal> {
      tokens_.emplace_back(key);
      if (key == "member-key") return Principal{1, Role::kMember, 0, 11};
      if (key == "admin-key") return Principal{1, Role::kAdmin, 0, 12};
      if (key == "operator-key") return Principal{1, Role::kOperator, 0, 13};
      if (key == "broken-store") return Status(Code::kUnavailable, "Store unavailable");
      return Unauthenticated();
    };
  }

  HttpResponse Send(std::string method, std::string path, std::string key = "",
                    std::string query = "") {
    HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.query = std::move(query);
    if (!key.empty()) r.authorization = "Bearer " + key;
    return router_.Handle(r);
  }

  static std::string Header(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "<none>";
  }

  std::atomic<bool> ready_{true};
  std::vector<Call> calls_;
  std::vector<std::string> tokens_;  // what the authenticator was asked
  Router router_;
};

TEST_F(RouterTest, PublicRouteNeedsNoKey) {
  const HttpResponse r = Send("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"Success","data":"healthz"})");
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_TRUE(calls_[0].params.empty());
  EXPECT_TRUE(tokens_.empty());  // the authenticator is not consulted
  // A key sent to a public route is ignored, even a bad one.
  EXPECT_EQ(Send("GET", "/healthz", "nonsense").status, 200);
  EXPECT_TRUE(tokens_.empty());
}

TEST_F(RouterTest, MatchesParamsPercentDecoded) {
  const HttpResponse r = Send("GET", "/api/v1/chatbots/bot%201/contacts/a%2Fb%40c+d", "member-key");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].route, "get-contact");
  // '+' stays a plus in a path; %2F does not split the segment.
  EXPECT_EQ(calls_[0].params, (std::vector<std::string>{"bot 1", "a/b@c+d"}));
  EXPECT_EQ(calls_[0].principal.role, Role::kMember);
  EXPECT_EQ(calls_[0].principal.key, 11u);
  EXPECT_EQ(tokens_, std::vector<std::string>{"member-key"});
}

TEST_F(RouterTest, MethodSelectsTheRoute) {
  EXPECT_EQ(Send("PATCH", "/api/v1/chatbots/b/contacts/c", "member-key").status, 200);
  EXPECT_EQ(Send("DELETE", "/api/v1/chatbots/b/contacts/c", "member-key").status, 200);
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_EQ(calls_[0].route, "patch-contact");
  EXPECT_EQ(calls_[1].route, "delete-contact");
}

TEST_F(RouterTest, QueryIsDecodedInOrder) {
  ASSERT_EQ(Send("GET", "/public/x", "", "page=2&per_page=50&q=a+b%21&page=3").status, 200);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].query,
            (QueryParams{{"page", "2"}, {"per_page", "50"}, {"q", "a b!"}, {"page", "3"}}));
  EXPECT_EQ(calls_[0].params, std::vector<std::string>{"x"});
}

TEST_F(RouterTest, UnknownPathIs404) {
  for (const char* path : {"/", "", "/nope", "/api/v1", "/api/v1/chatbots/b/contacts",
                           "/api/v1/chatbots/b/contacts/c/extra", "/HEALTHZ", "healthz"}) {
    const HttpResponse r = Send("GET", path, "member-key");
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body, R"({"message":"Route not found"})") << path;
  }
  EXPECT_TRUE(calls_.empty());
  EXPECT_TRUE(tokens_.empty());
}

TEST_F(RouterTest, EmptyParameterDoesNotMatch) {
  EXPECT_EQ(Send("GET", "/api/v1/chatbots//contacts/c", "member-key").status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/chatbots/b/contacts/", "member-key").status, 404);
  EXPECT_EQ(Send("GET", "/public/").status, 404);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, TrailingSlashIsADifferentPath) {
  EXPECT_EQ(Send("GET", "/healthz/").status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/chatbots/", "member-key").status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/chatbots/b/contacts/c/", "member-key").status, 404);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, LiteralSegmentsAreNotDecoded) {
  EXPECT_EQ(Send("GET", "/%68ealthz").status, 404);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  HttpResponse r = Send("PUT", "/api/v1/chatbots/b/contacts/c", "member-key");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.body, R"({"message":"Method not allowed"})");
  EXPECT_EQ(Header(r, "Allow"), "GET, PATCH, DELETE");
  EXPECT_EQ(r.headers.size(), 1u);

  r = Send("DELETE", "/api/v1/chatbots", "admin-key");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Header(r, "Allow"), "GET, POST");

  r = Send("POST", "/healthz");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Header(r, "Allow"), "GET");

  // Methods are case-sensitive, and 405 is answered before authentication.
  r = Send("get", "/healthz");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Send("HEAD", "/api/v1/chatbots").status, 405);
  EXPECT_TRUE(calls_.empty());
  EXPECT_TRUE(tokens_.empty());
}

TEST_F(RouterTest, NotReadyIs503ForEverything) {
  ready_ = false;
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/healthz"},
           {"GET", "/api/v1/chatbots"},
           {"POST", "/api/v1/chatbots"},
           {"PUT", "/api/v1/chatbots"},
           {"GET", "/nope"},
           {"GET", "/api/v1/chatbots/b/contacts/%zz"}}) {
    const HttpResponse r = Send(method, path, "admin-key");
    EXPECT_EQ(r.status, 503) << method << " " << path;
    EXPECT_EQ(r.body, R"({"message":"Server is starting: loading data"})");
  }
  EXPECT_TRUE(calls_.empty());
  EXPECT_TRUE(tokens_.empty());
  ready_ = true;
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
}

TEST(RouterNoReadyFlagTest, NullFlagMeansReady) {
  Router router(
      {{"GET", "/x", Access::kPublic,
        [](RequestContext&) { return Success([](JsonWriter& w) { w.Null(); }); }}},
      [](std::string_view) -> Result<Principal> { return Unauthenticated(); }, nullptr);
  HttpRequest r;
  r.method = "GET";
  r.path = "/x";
  EXPECT_EQ(router.Handle(r).status, 200);
}

TEST_F(RouterTest, MissingOrInvalidKeyIs401) {
  HttpResponse r = Send("GET", "/api/v1/chatbots");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, R"({"message":"Unauthorized access"})");
  r = Send("GET", "/api/v1/chatbots", "wrong-key");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, R"({"message":"Unauthorized access"})");
  EXPECT_TRUE(calls_.empty());
  EXPECT_EQ(tokens_, (std::vector<std::string>{"", "wrong-key"}));
}

TEST_F(RouterTest, OtherSchemesAreNoKey) {
  HttpRequest req;
  req.method = "GET";
  req.path = "/api/v1/chatbots";
  req.authorization = "Basic bWVtYmVyLWtleTo=";
  EXPECT_EQ(router_.Handle(req).status, 401);
  req.authorization = "member-key";
  EXPECT_EQ(router_.Handle(req).status, 401);
  req.authorization = "bEaReR   member-key  ";
  EXPECT_EQ(router_.Handle(req).status, 200);
  EXPECT_EQ(tokens_, (std::vector<std::string>{"", "", "member-key"}));
}

TEST_F(RouterTest, InsufficientRoleIs403BeforeTheHandler) {
  HttpResponse r = Send("POST", "/api/v1/chatbots", "member-key");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, R"({"message":"Forbidden"})");
  r = Send("POST", "/api/v1/workspaces", "admin-key");
  EXPECT_EQ(r.status, 403);
  r = Send("POST", "/api/v1/workspaces", "member-key");
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, HigherRolesPassLowerChecks) {
  EXPECT_EQ(Send("GET", "/api/v1/chatbots", "member-key").status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/chatbots", "admin-key").status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/chatbots", "operator-key").status, 200);
  EXPECT_EQ(Send("POST", "/api/v1/chatbots", "admin-key").status, 200);
  EXPECT_EQ(Send("POST", "/api/v1/chatbots", "operator-key").status, 200);
  EXPECT_EQ(Send("POST", "/api/v1/workspaces", "operator-key").status, 200);
  ASSERT_EQ(calls_.size(), 6u);
  EXPECT_EQ(calls_[5].route, "create-workspace");
  EXPECT_EQ(calls_[5].principal.role, Role::kOperator);
  EXPECT_EQ(calls_[5].principal.key, 13u);
}

TEST_F(RouterTest, AuthenticatorErrorsPassThrough) {
  const HttpResponse r = Send("GET", "/api/v1/chatbots", "broken-store");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"message":"Store unavailable"})");
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, MalformedPercentEncodingIs400) {
  HttpResponse r = Send("GET", "/api/v1/chatbots/b/contacts/a%zz", "member-key");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"message":"Malformed percent-encoding in the path"})");
  r = Send("GET", "/api/v1/chatbots/b%4/contacts/a", "member-key");
  EXPECT_EQ(r.status, 400);
  r = Send("GET", "/public/%");
  EXPECT_EQ(r.status, 400);
  r = Send("GET", "/public/x", "", "page=%G1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"message":"Malformed percent-encoding in the query"})");
  r = Send("GET", "/api/v1/chatbots", "member-key", "a=1&b=%");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"message":"Malformed percent-encoding in the query"})");
  EXPECT_TRUE(calls_.empty());
}

TEST_F(RouterTest, AuthenticationComesBeforePathDecoding) {
  // Without a key a malformed path says nothing more than 401.
  EXPECT_EQ(Send("GET", "/api/v1/chatbots/b/contacts/a%zz").status, 401);
  EXPECT_EQ(Send("GET", "/api/v1/chatbots", "", "x=%zz").status, 401);
}

TEST(RouterRootTest, RootAndEmptySegmentPatterns) {
  std::vector<std::string> seen;
  auto fn = [&](std::string name) {
    return [&seen, name](RequestContext& ctx) {
      seen.push_back(name + ":" + (ctx.params.empty() ? "" : ctx.params[0]));
      return Success([](JsonWriter& w) { w.Null(); });
    };
  };
  Router router(
      {{"GET", "/", Access::kPublic, fn("root")},
       {"GET", "/dir/", Access::kPublic, fn("dir")},
       {"GET", "/{p}/", Access::kPublic, fn("param")}},
      [](std::string_view) -> Result<Principal> { return Unauthenticated(); }, nullptr);
  auto get = [&](std::string path) {
    HttpRequest r;
    r.method = "GET";
    r.path = std::move(path);
    return router.Handle(r).status;
  };
  EXPECT_EQ(get("/"), 200);
  EXPECT_EQ(get("/dir/"), 200);
  EXPECT_EQ(get("/a%20b/"), 200);
  EXPECT_EQ(get("/dir"), 404);
  EXPECT_EQ(get("//"), 404);
  EXPECT_EQ(seen, (std::vector<std::string>{"root:", "dir:", "param:a b"}));
}

// --- BearerToken ---

TEST(BearerTokenTest, Parsing) {
  EXPECT_EQ(BearerToken("Bearer oc_live_abc"), "oc_live_abc");
  EXPECT_EQ(BearerToken("bearer oc_live_abc"), "oc_live_abc");
  EXPECT_EQ(BearerToken("BEARER oc_live_abc"), "oc_live_abc");
  EXPECT_EQ(BearerToken("BeArEr oc_live_abc"), "oc_live_abc");
  EXPECT_EQ(BearerToken("Bearer    oc_live_abc   "), "oc_live_abc");
  EXPECT_EQ(BearerToken("Bearer a b"), "a b");  // inner spaces are the key's problem
}

TEST(BearerTokenTest, NoKey) {
  EXPECT_EQ(BearerToken(""), "");
  EXPECT_EQ(BearerToken("Bearer"), "");
  EXPECT_EQ(BearerToken("Bearer "), "");
  EXPECT_EQ(BearerToken("Bearer      "), "");
  EXPECT_EQ(BearerToken("Bearerabc"), "");
  EXPECT_EQ(BearerToken("Bearer\tabc"), "");
  EXPECT_EQ(BearerToken(" Bearer abc"), "");
  EXPECT_EQ(BearerToken("Basic dXNlcjpwYXNz"), "");
  EXPECT_EQ(BearerToken("Token abc"), "");
  EXPECT_EQ(BearerToken("oc_live_abc"), "");
  EXPECT_EQ(BearerToken("Bearer_ abc"), "");
}

TEST(RouterIsBlockingTest, OnlyReadsAreNonBlocking) {
  HttpRequest r;
  r.path = "/api/v1/chatbots/support/contacts";
  for (const char* m : {"GET"}) {
    r.method = m;
    EXPECT_FALSE(Router::IsBlocking(r)) << m;
  }
  for (const char* m : {"POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "get"}) {
    r.method = m;
    EXPECT_TRUE(Router::IsBlocking(r)) << m;
  }
  // A search is a read with a body.
  r.path = "/api/v1/chatbots/support/contacts/search";
  r.method = "POST";
  EXPECT_FALSE(Router::IsBlocking(r));
  r.method = "PUT";
  EXPECT_TRUE(Router::IsBlocking(r));
  r.method = "POST";
  r.path = "/api/v1/chatbots/support/contacts/search/x";
  EXPECT_TRUE(Router::IsBlocking(r));
}

// --- The real route table ---

// Api::Routes() with the fake authenticator. Every request here is answered by the router before
// a handler could touch the (absent) engine, except /healthz which needs none.
class ApiRoutesTest : public ::testing::Test {
 protected:
  ApiRoutesTest()
      : api_(nullptr),
        router_(
            api_.Routes(),
            [](std::string_view key) -> Result<Principal> {
              if (key == "member-key") return Principal{1, Role::kMember, 0, 11};
              if (key == "admin-key") return Principal{1, Role::kAdmin, 0, 12};
              return Unauthenticated();
            },
            nullptr) {}

  HttpResponse Send(std::string method, std::string path, std::string key = "") {
    HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    if (!key.empty()) r.authorization = "Bearer " + key;
    return router_.Handle(r);
  }

  Api api_;
  Router router_;
};

// The embedded dashboard (net/admin_assets.h): public, with its security headers and ETags.
std::string HeaderOf(const HttpResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

TEST_F(ApiRoutesTest, AdminDashboardIsServedWithoutAKey) {
  HttpResponse r = Send("GET", "/admin/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<script type=\"module\" src=\"app.js\">"), std::string::npos);
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(HeaderOf(r, "Content-Security-Policy").starts_with("default-src 'self';"));
  const std::string etag = HeaderOf(r, "ETag");
  ASSERT_FALSE(etag.empty());

  HttpRequest again;
  again.method = "GET";
  again.path = "/admin/";
  again.if_none_match = "\"other\", " + etag;
  const HttpResponse cached = router_.Handle(again);
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  again.if_none_match = "\"other\"";
  EXPECT_EQ(router_.Handle(again).status, 200);

  r = Send("GET", "/admin/app.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Send("GET", "/admin/app.css").content_type, "text/css; charset=utf-8");

  r = Send("GET", "/admin");
  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(HeaderOf(r, "Location"), "/admin/");

  EXPECT_EQ(Send("GET", "/admin/missing.js").status, 404);
  EXPECT_EQ(Send("GET", "/admin/README.md").status, 404);  // docs are not embedded
  EXPECT_EQ(Send("GET", "/admin/a/b.js").status, 404);
  EXPECT_EQ(Send("POST", "/admin/app.js").status, 405);
}

TEST(AdminAssets, EveryFileHasATypeAnETagAndBytes) {
  std::set<std::string_view> etags;
  for (const AdminAsset& a : AdminAssets()) {
    SCOPED_TRACE(std::string(a.path));
    EXPECT_FALSE(a.body.empty());
    EXPECT_NE(a.content_type, "application/octet-stream");
    EXPECT_TRUE(a.etag.size() > 2 && a.etag.front() == '"' && a.etag.back() == '"');
    EXPECT_TRUE(etags.insert(a.etag).second);
    EXPECT_EQ(a.path.find('/'), std::string_view::npos) << "/admin/{file} has one segment";
  }
  EXPECT_GE(AdminAssets().size(), 3u);
}

TEST_F(ApiRoutesTest, Healthz) {
  const HttpResponse r = Send("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"Success","data":"ok"})");
}

TEST_F(ApiRoutesTest, AllowHeaders) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"/healthz", "GET"},
      {"/api/v1/workspaces", "POST, GET"},
      {"/api/v1/workspaces/w", "DELETE"},
      {"/api/v1/chatbots", "POST, GET"},
      {"/api/v1/chatbots/b", "GET, PATCH, DELETE"},
      {"/api/v1/apikeys", "POST, GET"},
      {"/api/v1/apikeys/k", "DELETE"},
      {"/api/v1/chatbots/b/contacts", "POST, GET"},
      {"/api/v1/chatbots/b/contacts/c", "GET, PATCH, DELETE"},
      {"/api/v1/chatbots/b/custom-attributes", "GET, POST"},
      {"/api/v1/chatbots/b/custom-attributes/a", "PUT"},
  };
  for (const auto& [path, allow] : table) {
    const HttpResponse r = Send("OPTIONS", path);
    EXPECT_EQ(r.status, 405) << path;
    ASSERT_EQ(r.headers.size(), 1u) << path;
    EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Allow", allow})) << path;
  }
}

TEST_F(ApiRoutesTest, EveryNonPublicRouteNeedsAKey) {
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"POST", "/api/v1/workspaces"},
      {"GET", "/api/v1/workspaces"},
      {"DELETE", "/api/v1/workspaces/w"},
      {"POST", "/api/v1/chatbots"},
      {"GET", "/api/v1/chatbots"},
      {"GET", "/api/v1/chatbots/b"},
      {"DELETE", "/api/v1/chatbots/b"},
      {"POST", "/api/v1/apikeys"},
      {"GET", "/api/v1/apikeys"},
      {"DELETE", "/api/v1/apikeys/k"},
      {"POST", "/api/v1/chatbots/b/contacts"},
      {"GET", "/api/v1/chatbots/b/contacts"},
      {"GET", "/api/v1/chatbots/b/contacts/c"},
      {"PATCH", "/api/v1/chatbots/b/contacts/c"},
      {"DELETE", "/api/v1/chatbots/b/contacts/c"},
      {"GET", "/api/v1/chatbots/b/custom-attributes"},
      {"POST", "/api/v1/chatbots/b/custom-attributes"},
      {"PUT", "/api/v1/chatbots/b/custom-attributes/a"},
  };
  for (const auto& [method, path] : routes) {
    const HttpResponse r = Send(method, path, "unknown-key");
    EXPECT_EQ(r.status, 401) << method << " " << path;
    EXPECT_EQ(r.body, R"({"message":"Unauthorized access"})");
  }
}

TEST_F(ApiRoutesTest, RolesPerRoute) {
  // Operator-only routes refuse an admin; admin-only routes refuse a member.
  for (const auto& [method, path, key] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"POST", "/api/v1/workspaces", "admin-key"},
           {"GET", "/api/v1/workspaces", "admin-key"},
           {"DELETE", "/api/v1/workspaces/w", "admin-key"},
           {"POST", "/api/v1/chatbots", "member-key"},
           {"DELETE", "/api/v1/chatbots/b", "member-key"},
           {"POST", "/api/v1/apikeys", "member-key"},
           {"GET", "/api/v1/apikeys", "member-key"},
           {"DELETE", "/api/v1/apikeys/k", "member-key"}}) {
    const HttpResponse r = Send(method, path, key);
    EXPECT_EQ(r.status, 403) << method << " " << path;
    EXPECT_EQ(r.body, R"({"message":"Forbidden"})");
  }
}

}  // namespace
}  // namespace contactd::net
