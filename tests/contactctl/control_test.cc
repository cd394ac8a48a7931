// contactctl chatbots ... and keys ... against the real server, and where the URL and key come
// from (flags before or after the command win over CONTACTD_URL / CONTACTD_KEY).
#include "tests/contactctl/ctl_fixture.h"

namespace contactd::testing {
namespace {

class CtlControl : public CtlSuite<CtlControl> {};

TEST_F(CtlControl, ChatbotsCreateGetListUpdateDelete) {
  const std::string id = UniqueId("ctlbot");
  CtlResult r =
      Ctl({"chatbots", "create", "--id", id, "--name", "Sales \"EU\"", "--default-country", "gb"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  Json created(r.out);
  EXPECT_EQ(created["id"].str(), id) << r.out;
  EXPECT_EQ(created["name"].str(), "Sales \"EU\"");
  EXPECT_EQ(created["default_country"].str(), "GB") << r.out;

  r = Ctl({"chatbots", "get", id});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Json(r.out)["name"].str(), "Sales \"EU\"");

  r = Ctl({"chatbots", "list"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("\"id\":\"" + id + "\""), std::string::npos) << r.out;

  r = Ctl({"chatbots", "update", id, "--name", "Sales", "--default-country", "DE"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Json(r.out)["name"].str(), "Sales");
  EXPECT_EQ(Json(r.out)["default_country"].str(), "DE") << r.out;

  r = Ctl({"chatbots", "update", id, "--clear-default-country"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Json(r.out)["name"].str(), "Sales");
  Json cleared = Json(r.out)["default_country"];
  EXPECT_TRUE(!cleared.valid() || cleared.is_null() || cleared.str().empty()) << r.out;

  r = Ctl({"chatbots", "update", id, "--default-country", "XX"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 400"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find("default_country"), std::string::npos) << Describe(r);

  r = Ctl({"chatbots", "create", "--id", id, "--name", "Again"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 409"), std::string::npos) << Describe(r);

  r = Ctl({"chatbots", "delete", id});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  r = Ctl({"chatbots", "get", id});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("chatbots get: HTTP 404: Resource not found"), std::string::npos)
      << Describe(r);
}

TEST_F(CtlControl, KeysCreateListRevoke) {
  CtlResult r = Ctl({"keys", "create", "--name", "importer", "--chatbot", bot_});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  Json key(r.out);
  EXPECT_EQ(key["role"].str(), "member") << r.out;
  EXPECT_EQ(key["chatbot_id"].str(), bot_);
  const std::string secret = key["key"].str();
  ASSERT_FALSE(secret.empty()) << r.out;

  // The new key reads its chatbot.
  CtlRun run;
  run.args = {"--url", url(), "--key", secret, "chatbots", "list"};
  r = RunCtl(run);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Json(r.out).size(), 1u) << r.out;
  EXPECT_EQ(Json(r.out)[0]["id"].str(), bot_);

  r = Ctl({"keys", "list"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("\"id\":\"" + key["id"].str() + "\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(secret), std::string::npos) << "secrets are never listed";

  r = Ctl({"keys", "create", "--name", "admin2", "--role", "admin"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Json(r.out)["role"].str(), "admin");

  r = Ctl({"keys", "revoke", key["id"].str()});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  r = RunCtl(run);
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 401: Unauthorized access"), std::string::npos) << Describe(r);

  // A member key may not manage keys.
  r = Ctl({"keys", "create", "--name", "m"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  run.args = {"--url", url(), "--key", Json(r.out)["key"].str(), "keys", "list"};
  r = RunCtl(run);
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 403: Forbidden"), std::string::npos) << Describe(r);
}

TEST_F(CtlControl, EnvironmentGivesDefaultsAndFlagsWin) {
  const std::string bad_url = "http://127.0.0.1:1";
  // The environment alone.
  CtlRun run;
  run.env = {{"CONTACTD_URL", url()}, {"CONTACTD_KEY", operator_key()}};
  run.args = {"chatbots", "get", bot_};
  CtlResult r = RunCtl(run);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Json(r.out)["id"].str(), bot_);

  // Flags before the command win over the environment.
  run.env = {{"CONTACTD_URL", bad_url}, {"CONTACTD_KEY", "oc_live_wrong"}};
  run.args = {"--url", url(), "--key", operator_key(), "chatbots", "get", bot_};
  r = RunCtl(run);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);

  // Flags after the command too, and over the flags before it.
  run.args = {"--key", "oc_live_wrong", "chatbots", "get",         bot_,
              "--url", url(),           "--key",    operator_key()};
  r = RunCtl(run);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);

  // The environment's wrong values are really used when no flag is given.
  run.args = {"--url", url(), "chatbots", "get", bot_};
  r = RunCtl(run);
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 401"), std::string::npos) << Describe(r);
  run.args = {"--key", operator_key(), "chatbots", "get", bot_};
  r = RunCtl(run);
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("127.0.0.1:1"), std::string::npos) << Describe(r);

  // No key at all: the server says so.
  run.env = {};
  run.args = {"--url", url(), "chatbots", "list"};
  r = RunCtl(run);
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("HTTP 401"), std::string::npos) << Describe(r);
}

}  // namespace
}  // namespace contactd::testing
