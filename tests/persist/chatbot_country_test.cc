// A chatbot's default_country through the real store: set at creation, changed by
// Engine::UpdateChatbot, and recovered by a new Engine after the RocksStore is reopened.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "engine/engine.h"
#include "tests/persist/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace contactd::persist {
namespace {

constexpr const char* kOperatorKey = "oc_test_operator_key_for_persist_tests";

class ChatbotCountryPersistTest : public ::testing::Test {
 protected:
  void Open() {
    engine_.reset();
    store_ = testing::OpenStore(path_);
    ASSERT_NE(store_, nullptr);
    engine_ = std::make_unique<Engine>(store_.get(), EngineOptions{2, nullptr});
    auto recovered = engine_->Recover();
    ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
    ASSERT_TRUE(engine_->Bootstrap(std::string(kOperatorKey)).ok());
    op_ = *engine_->Authenticate(kOperatorKey);
  }
  void Close() {
    engine_.reset();
    store_.reset();
  }

  contactd::testing::TempDir dir_;
  std::string path_ = dir_.str() + "/data";
  std::unique_ptr<RocksStore> store_;
  std::unique_ptr<Engine> engine_;
  Principal op_;
};

TEST_F(ChatbotCountryPersistTest, CreatedAndUpdatedCountriesSurviveARestart) {
  Open();
  ChatbotInput uk{"uk", "UK", {}};
  uk.default_country.Set("gb");
  ASSERT_TRUE(engine_->CreateChatbot(op_, uk).ok());
  ASSERT_TRUE(engine_->CreateChatbot(op_, ChatbotInput{"plain", "Plain", {}}).ok());
  ASSERT_TRUE(engine_->CreateChatbot(op_, ChatbotInput{"fr", "France", {}}).ok());
  ChatbotInput to_fr;
  to_fr.default_country.Set("FR");
  to_fr.name = "Bonjour";
  ASSERT_TRUE(engine_->UpdateChatbot(op_, "fr", to_fr).ok());
  Close();

  Open();
  EXPECT_EQ(engine_->GetChatbot(op_, "uk")->default_country, "GB");
  EXPECT_EQ(engine_->GetChatbot(op_, "plain")->default_country, "");
  EXPECT_EQ(engine_->GetChatbot(op_, "fr")->default_country, "FR");
  EXPECT_EQ(engine_->GetChatbot(op_, "fr")->name, "Bonjour");

  ChatbotInput clear;
  clear.default_country.SetNull();
  ASSERT_TRUE(engine_->UpdateChatbot(op_, "uk", clear).ok());
  Close();

  Open();
  EXPECT_EQ(engine_->GetChatbot(op_, "uk")->default_country, "");
  EXPECT_EQ(engine_->GetChatbot(op_, "uk")->name, "UK");
}

}  // namespace
}  // namespace contactd::persist
