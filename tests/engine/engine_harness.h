// EngineHarness: an Engine over MemoryStorage and a ManualClock, bootstrapped with a known operator
// key, plus helpers to build contact input and check statuses. Shared by the engine_*_test files.
//
// Thread-safety: the harness is owned by one test; the Engine it holds is thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "engine/engine.h"
#include "engine/memory_storage.h"
#include "tests/engine/test_printers.h"

namespace contactd::testing {

inline constexpr int64_t kT0 = 1763683200;  // 2025-11-21T00:00:00Z
inline constexpr const char* kOperatorKey = "oc_test_operator_key_for_engine_tests";

inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

// Asserts that `expr` (a Status or Result) is OK, printing the status otherwise.
#define ASSERT_OK(expr)                                                 \
  do {                                                                  \
    const ::contactd::Status _st = ::contactd::testing::StatusOf(expr); \
    ASSERT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString();         \
  } while (0)

#define EXPECT_OK(expr)                                                 \
  do {                                                                  \
    const ::contactd::Status _st = ::contactd::testing::StatusOf(expr); \
    EXPECT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString();         \
  } while (0)

// Expects `expr` to fail with `code` and `message`.
#define EXPECT_STATUS(expr, want_code, want_message)                             \
  do {                                                                           \
    const ::contactd::Status _st = ::contactd::testing::StatusOf(expr);          \
    EXPECT_EQ(_st.code(), want_code) << #expr << " -> " << _st.ToString();       \
    EXPECT_EQ(_st.message(), want_message) << #expr << " -> " << _st.ToString(); \
  } while (0)

#define EXPECT_NOT_FOUND(expr) \
  EXPECT_STATUS(expr, ::contactd::Code::kNotFound, "Resource not found")
#define EXPECT_DENIED(expr) EXPECT_STATUS(expr, ::contactd::Code::kPermissionDenied, "Forbidden")

using Attrs = std::vector<std::pair<std::string, RawValue>>;

// A contact item with an external_id and, when given, an email and a name.
inline ContactInput Item(std::string external_id, std::optional<std::string> email = std::nullopt,
                         std::optional<std::string> name = std::nullopt) {
  ContactInput in;
  in.external_id.Set(std::move(external_id));
  if (email) in.email.Set(std::move(*email));
  if (name) in.name.Set(std::move(*name));
  return in;
}

inline ContactInput WithAttrs(ContactInput in, Attrs attrs) {
  in.custom_attributes.Set(std::move(attrs));
  return in;
}

class EngineHarness {
 public:
  EngineHarness() { Start(); }

  // Builds a fresh Engine over the same storage (a restart) and recovers it.
  void Restart() {
    engine_.reset();
    Start();
  }

  Engine& engine() { return *engine_; }
  MemoryStorage& storage() { return storage_; }
  ManualClock& clock() { return clock_; }
  const Principal& op() const { return op_; }

  Principal Auth(std::string_view key) {
    Result<Principal> p = engine_->Authenticate(key);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : Principal{};
  }

  // Creates a workspace; returns its admin key's plaintext.
  std::string NewWorkspace(const std::string& id) {
    auto ws = engine_->CreateWorkspace(op_, id, id + " name");
    EXPECT_TRUE(ws.ok()) << ws.status().ToString();
    return ws.ok() ? ws->admin_key.plaintext : "";
  }

  // Creates a chatbot as `p` with public id `id`.
  void NewChatbot(const Principal& p, const std::string& id) {
    auto cb = engine_->CreateChatbot(p, ChatbotInput{id, id + " name", {}});
    EXPECT_TRUE(cb.ok()) << cb.status().ToString();
  }

  // Creates a key as `p`; returns its plaintext.
  std::string NewKey(const Principal& p, const std::string& role,
                     std::optional<std::string> chatbot = std::nullopt) {
    auto key = engine_->CreateApiKey(p, ApiKeyInput{role + " key", role, std::move(chatbot)});
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    return key.ok() ? key->plaintext : "";
  }

  void Define(const Principal& p, std::string_view chatbot, const std::string& name,
              const std::string& type) {
    AttributeInput in;
    in.name = name;
    in.type = type;
    auto def = engine_->DefineAttribute(p, chatbot, in);
    EXPECT_TRUE(def.ok()) << def.status().ToString();
  }

  // Every contact of `chatbot`, newest first.
  std::vector<Contact> All(const Principal& p, std::string_view chatbot) {
    auto list = engine_->ListContacts(p, chatbot, 1, 100000);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? list->contacts : std::vector<Contact>{};
  }

 private:
  void Start() {
    engine_ = std::make_unique<Engine>(&storage_, EngineOptions{4, &clock_});
    auto recovered = engine_->Recover();
    ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
    auto boot = engine_->Bootstrap(std::string(kOperatorKey));
    ASSERT_TRUE(boot.ok()) << boot.status().ToString();
    auto p = engine_->Authenticate(kOperatorKey);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    op_ = *p;
  }

  MemoryStorage storage_;
  ManualClock clock_{kT0};
  std::unique_ptr<Engine> engine_;
  Principal op_;
};

// A fixture with workspace "acme" (its admin key and principal) and chatbot "bot" with the
// attributes plan (text), ltv (number), vip (boolean) and renewal (date), numbered 1-4.
class ChatbotFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_key_ = h_.NewWorkspace("acme");
    admin_ = h_.Auth(admin_key_);
    h_.NewChatbot(admin_, "bot");
    h_.Define(admin_, "bot", "plan", "text");
    h_.Define(admin_, "bot", "ltv", "number");
    h_.Define(admin_, "bot", "vip", "boolean");
    h_.Define(admin_, "bot", "renewal", "date");
  }

  Engine& e() { return h_.engine(); }

  Result<ContactList> Upsert(std::vector<ContactInput> items) {
    return e().UpsertContacts(admin_, "bot", items);
  }

  Contact Get(std::string_view external_id) {
    auto c = e().GetContact(admin_, "bot", external_id);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? c->contact : Contact{};
  }

  std::vector<Contact> All() { return h_.All(admin_, "bot"); }

  EngineHarness h_;
  std::string admin_key_;
  Principal admin_;
};

}  // namespace contactd::testing
