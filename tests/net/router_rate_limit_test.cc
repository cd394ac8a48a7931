// Tests of the Router's per-key rate limit (net/router.h with a net/rate_limiter.h on a fake
// clock): 429 with Retry-After after authentication, independent keys, and what takes no token.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "net/rate_limiter.h"
#include "net/render.h"
#include "net/router.h"

namespace contactd::net {
namespace {

using namespace std::chrono_literals;

class RouterRateLimitTest : public ::testing::Test {
 protected:
  static constexpr double kRate = 2;
  static constexpr int kBurst = 5;

  RouterRateLimitTest()
      : limiter_({.rate = kRate, .burst = kBurst}, [this] { return now_; }),
        router_(Routes(), Authenticate, nullptr, &limiter_) {}

  std::vector<Route> Routes() {
    auto fn = [this](RequestContext&) {
      ++handled_;
      return Success([](JsonWriter& w) { w.Null(); });
    };
    return {{"GET", "/healthz", Access::kPublic, fn},
            {"GET", "/api/v1/chatbots", Access::kMember, fn},
            {"POST", "/api/v1/chatbots", Access::kAdmin, fn}};
  }

  // Two workspaces whose keys have the same number, and a second key in workspace 1.
  static Result<Principal> Authenticate(std::string_view key) {
    if (key == "ws1-key7") return Principal{1, Role::kMember, 0, 7};
    if (key == "ws1-key8") return Principal{1, Role::kAdmin, 0, 8};
    if (key == "ws2-key7") return Principal{2, Role::kMember, 0, 7};
    return Unauthenticated();
  }

  HttpResponse Send(std::string method, std::string path, const std::string& key = "") {
    HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    if (!key.empty()) r.authorization = "Bearer " + key;
    return router_.Handle(r);
  }

  // Sends `n` GETs with `key`; returns how many got 429.
  int Refused(std::string_view key, int n) {
    int refused = 0;
    for (int i = 0; i < n; ++i) {
      const int status = Send("GET", "/api/v1/chatbots", std::string(key)).status;
      EXPECT_TRUE(status == 200 || status == 429) << status;
      refused += status == 429;
    }
    return refused;
  }

  static std::string Header(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "<none>";
  }

  std::chrono::nanoseconds now_{1'000'000'000};
  int handled_ = 0;
  RateLimiter limiter_;
  Router router_;
};

TEST_F(RouterRateLimitTest, BurstOfTwiceTheLimitGetsExactlyTheExcessRefused) {
  EXPECT_EQ(Refused("ws1-key7", 2 * kBurst), kBurst);
  EXPECT_EQ(handled_, kBurst);  // refused requests never reach the handler
}

TEST_F(RouterRateLimitTest, RefusalIs429WithRetryAfter) {
  ASSERT_EQ(Refused("ws1-key7", kBurst), 0);
  HttpResponse r = Send("GET", "/api/v1/chatbots", "ws1-key7");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body, R"({"message":"Rate limit exceeded"})");
  EXPECT_EQ(Header(r, "Retry-After"), "1");  // 0.5 s until a token, rounded up
  now_ += 500ms;
  EXPECT_EQ(Send("GET", "/api/v1/chatbots", "ws1-key7").status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/chatbots", "ws1-key7").status, 429);
}

TEST_F(RouterRateLimitTest, KeysHaveIndependentBuckets) {
  EXPECT_EQ(Refused("ws1-key7", 10), 5);
  EXPECT_EQ(Refused("ws1-key8", 10), 5);  // another key of the same workspace
  EXPECT_EQ(Refused("ws2-key7", 10), 5);  // the same key number in another workspace
}

TEST_F(RouterRateLimitTest, UnauthenticatedAndPublicRequestsTakeNoToken) {
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Send("GET", "/api/v1/chatbots", "bad-key").status, 401);
    EXPECT_EQ(Send("GET", "/api/v1/chatbots").status, 401);
    EXPECT_EQ(Send("GET", "/healthz").status, 200);
  }
  EXPECT_EQ(limiter_.TrackedKeys(), 0u);
  EXPECT_EQ(Refused("ws1-key7", 5), 0);
}

TEST_F(RouterRateLimitTest, ForbiddenRequestsCountTowardsTheLimit) {
  // The limit applies right after authentication, so a key hammering an endpoint above its role
  // is throttled too.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Send("POST", "/api/v1/chatbots", "ws1-key7").status, 403);
  EXPECT_EQ(Send("POST", "/api/v1/chatbots", "ws1-key7").status, 429);
  EXPECT_EQ(Send("GET", "/api/v1/chatbots", "ws1-key7").status, 429);
}

TEST(RouterWithoutRateLimitTest, NoLimiterNoLimit) {
  Router router(
      {{"GET", "/x", Access::kMember,
        [](RequestContext&) { return Success([](JsonWriter& w) { w.Null(); }); }}},
      [](std::string_view) -> Result<Principal> {
        return Principal{1, Role::kMember, 0, 1};
      },
      nullptr);
  HttpRequest r;
  r.method = std::string("GET");
  r.path = std::string("/x");
  r.authorization = std::string("Bearer k");
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(router.Handle(r).status, 200) << i;
}

}  // namespace
}  // namespace contactd::net
