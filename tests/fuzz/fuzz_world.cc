// FuzzWorld: see fuzz_world.h.
#include "tests/fuzz/fuzz_world.h"

#include <cstdio>
#include <cstdlib>

#include "net/json_decode.h"

namespace contactd::fuzz {
namespace {

constexpr int64_t kT0 = 1763683200;  // 2025-11-21T00:00:00Z
constexpr const char* kOperatorKey = "oc_fuzz_operator_key_0123456789abcdef";

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "fuzz world: %s failed: %s\n", what, r.status().ToString().c_str());
    std::abort();
  }
  return std::move(*r);
}

void Must(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "fuzz world: %s failed: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

ChatbotInput Bot(const char* id) { return ChatbotInput{id, id}; }

AttributeInput Attr(const char* name, const char* type, bool archived = false) {
  AttributeInput in;
  in.name = name;
  in.type = type;
  in.archived = archived;
  return in;
}

ApiKeyInput Key(const char* name, const char* role, std::optional<std::string> chatbot = {}) {
  return ApiKeyInput{name, role, std::move(chatbot)};
}

void Upsert(Engine& engine, const Principal& p, const char* chatbot, const std::string& body) {
  auto decoded = Must(net::DecodeUpsertBody(body), "decoding a setup body");
  if (!decoded.issues.empty()) {
    std::fprintf(stderr, "fuzz world: setup body has issues: %s\n", body.c_str());
    std::abort();
  }
  Must(engine.UpsertContacts(p, chatbot, std::move(decoded.items)), "a setup upsert");
}

}  // namespace

FuzzWorld::FuzzWorld() : clock_(kT0), engine_(&storage_, EngineOptions{1, &clock_}) {}

std::unique_ptr<FuzzWorld> FuzzWorld::Make() {
  std::unique_ptr<FuzzWorld> world(new FuzzWorld());
  world->SetUp();
  return world;
}

void FuzzWorld::SetUp() {
  Must(engine_.Recover(), "Recover");
  Must(engine_.Bootstrap(std::string(kOperatorKey)), "Bootstrap");
  op_ = Must(engine_.Authenticate(kOperatorKey), "Authenticate");
  keys_.emplace_back("op", kOperatorKey);

  Must(engine_.CreateChatbot(op_, Bot("bot")), "CreateChatbot bot");
  Must(engine_.CreateChatbot(op_, Bot("bot2")), "CreateChatbot bot2");
  Must(engine_.DefineAttribute(op_, "bot", Attr("plan", "text")), "plan");
  Must(engine_.DefineAttribute(op_, "bot", Attr("seats", "number")), "seats");
  Must(engine_.DefineAttribute(op_, "bot", Attr("vip", "boolean")), "vip");
  Must(engine_.DefineAttribute(op_, "bot", Attr("renews_on", "date")), "renews_on");
  Must(engine_.DefineAttribute(op_, "bot", Attr("legacy", "text", true)), "legacy");
  Must(engine_.DefineAttribute(op_, "bot2", Attr("plan", "text")), "bot2 plan");

  keys_.emplace_back("admin",
                     Must(engine_.CreateApiKey(op_, Key("a", "admin")), "admin").plaintext);
  keys_.emplace_back("member",
                     Must(engine_.CreateApiKey(op_, Key("m", "member")), "member").plaintext);
  keys_.emplace_back(
      "scoped", Must(engine_.CreateApiKey(op_, Key("s", "member", "bot")), "scoped").plaintext);
  NewApiKey revoked = Must(engine_.CreateApiKey(op_, Key("r", "member")), "revoked");
  Must(engine_.RevokeApiKey(op_, revoked.info.id), "RevokeApiKey");
  keys_.emplace_back("revoked", revoked.plaintext);

  NewWorkspace other = Must(engine_.CreateWorkspace(op_, "other", "Other"), "CreateWorkspace");
  keys_.emplace_back("other", other.admin_key.plaintext);
  const Principal other_admin = Must(engine_.Authenticate(other.admin_key.plaintext), "other key");
  Must(engine_.CreateChatbot(other_admin, Bot("bot")), "CreateChatbot other/bot");

  Upsert(engine_, op_, "bot",
         R"({"users":[{"external_id":"u1","name":"Sam Rivera MARKDEFAULTWS",)"
         R"("email":"sam@acme.com","phonenumber":"+14155550100",)"
         R"("stripe_accounts":[{"label":"main","stripe_id":"cus_1"}],)"
         R"("custom_attributes":{"plan":"pro","seats":3,"vip":true,"renews_on":"2026-11-21"}},)"
         R"({"external_id":"u2","name":"Ann Lee","email":"ann@example.org"}]})");
  Upsert(engine_, op_, "bot2",
         R"({"users":[{"external_id":"u1","name":"Bo MARKBOTTWO","email":"bo@acme.com"}]})");
  Upsert(engine_, other_admin, "bot",
         R"({"users":[{"external_id":"u1","name":"Olga MARKOTHERWS","email":"olga@acme.com"}]})");
  setup_commits_ = storage_.commit_count();
}

std::string_view FuzzWorld::KeyFor(std::string_view token) const {
  for (const auto& [name, key] : keys_) {
    if (name == token) return key;
  }
  return token;
}

}  // namespace contactd::fuzz
