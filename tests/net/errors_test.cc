// Tests of net/errors.h: the code-to-status table and the error body shape.
#include "net/errors.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/json.h"

namespace contactd::net {
namespace {

using contactd::testing::Json;

TEST(HttpStatusForTest, EveryCode) {
  const std::vector<std::pair<Code, int>> table = {
      {Code::kOk, 200},
      {Code::kInvalidArgument, 400},
      {Code::kUnauthenticated, 401},
      {Code::kPermissionDenied, 403},
      {Code::kNotFound, 404},
      {Code::kAlreadyExists, 409},
      {Code::kFailedPrecondition, 409},
      {Code::kPayloadTooLarge, 413},
      {Code::kResourceExhausted, 429},
      {Code::kUnavailable, 503},
      {Code::kDataLoss, 500},
      {Code::kInternal, 500},
  };
  // The table covers every enumerator.
  ASSERT_EQ(table.size(), static_cast<size_t>(Code::kInternal) + 1);
  for (const auto& [code, status] : table) EXPECT_EQ(HttpStatusFor(code), status) << CodeName(code);
}

TEST(HttpStatusForTest, UnknownValueIsInternal) {
  EXPECT_EQ(HttpStatusFor(static_cast<Code>(99)), 500);
}

TEST(ErrorResponseTest, MessageOnly) {
  const HttpResponse r = ErrorResponse(NotFound());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"message":"Resource not found"})");
  EXPECT_TRUE(r.headers.empty());
  EXPECT_FALSE(r.close);
}

TEST(ErrorResponseTest, ContractMessages) {
  EXPECT_EQ(ErrorResponse(Unauthenticated()).body, R"({"message":"Unauthorized access"})");
  EXPECT_EQ(ErrorResponse(Unauthenticated()).status, 401);
  EXPECT_EQ(ErrorResponse(PermissionDenied()).body, R"({"message":"Forbidden"})");
  EXPECT_EQ(ErrorResponse(PermissionDenied()).status, 403);
  const HttpResponse clash = ErrorResponse(Status(Code::kAlreadyExists, kMsgContactExists));
  EXPECT_EQ(clash.status, 409);
  EXPECT_EQ(clash.body,
            R"({"message":"Error saving chatbot contact. External ID or email already exists."})");
}

TEST(ErrorResponseTest, WithIssues) {
  const HttpResponse r = ErrorResponse(InvalidArgument(
      kMsgInvalidRequest, {{"users[3].email", "Invalid email"},
                           {"users[4].custom_attributes.ltv", "Expected number, received string"},
                           {"", "Whole body"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(
      r.body,
      R"({"message":"Invalid request data","issues":[)"
      R"({"field":"users[3].email","message":"Invalid email"},)"
      R"({"field":"users[4].custom_attributes.ltv","message":"Expected number, received string"},)"
      R"({"field":"","message":"Whole body"}]})");
  Json j(r.body);
  ASSERT_TRUE(j.valid()) << r.body;
  EXPECT_EQ(j.keys(), (std::vector<std::string>{"message", "issues"}));
  EXPECT_EQ(j["issues"].size(), 3u);
  EXPECT_EQ(j["issues"][1]["field"].str(), "users[4].custom_attributes.ltv");
}

TEST(ErrorResponseTest, EmptyIssueListIsOmitted) {
  const HttpResponse r = ErrorResponse(InvalidArgument("Bad", {}));
  EXPECT_EQ(r.body, R"({"message":"Bad"})");
}

TEST(ErrorResponseTest, TextIsEscaped) {
  const HttpResponse r = ErrorResponse(InvalidArgument("Say \"no\"\n", {{"a\\b", "tab\there"}}));
  EXPECT_EQ(r.body,
            R"({"message":"Say \"no\"\n","issues":[{"field":"a\\b","message":"tab\there"}]})");
  Json j(r.body);
  EXPECT_EQ(j["message"].str(), "Say \"no\"\n");
  EXPECT_EQ(j["issues"][0]["field"].str(), "a\\b");
}

TEST(ErrorResponseTest, StatusFollowsTheCode) {
  EXPECT_EQ(ErrorResponse(Status(Code::kUnavailable, "Disk full")).status, 503);
  EXPECT_EQ(ErrorResponse(Status(Code::kPayloadTooLarge, "Too big")).status, 413);
  EXPECT_EQ(ErrorResponse(Status(Code::kResourceExhausted, "Rate limit exceeded")).status, 429);
  EXPECT_EQ(ErrorResponse(Status(Code::kDataLoss, "Corrupt")).status, 500);
}

TEST(TransportErrorResponseTest, Shape) {
  const HttpResponse r = TransportErrorResponse(431, "Header block over 8192 bytes");
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"message":"Header block over 8192 bytes"})");
  EXPECT_TRUE(r.headers.empty());
}

TEST(RateLimitedResponseTest, Is429WithRetryAfter) {
  const HttpResponse r = RateLimitedResponse(3);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"message":"Rate limit exceeded"})");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  EXPECT_EQ(r.headers[0].second, "3");
}

}  // namespace
}  // namespace contactd::net
