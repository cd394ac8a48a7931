// FuzzWorld: an Engine over MemoryStorage and a standing ManualClock, set up with the tenants a
// fuzz input can reach: the default workspace (operator key) with chatbots "bot" and "bot2",
// custom attributes of every type, a few contacts, member, chatbot-scoped, admin and revoked keys,
// and a second workspace "other" that also has a chatbot "bot".
//
// Keys are generated at random by the engine, so inputs name them by placeholder tokens ("op",
// "admin", "member", "scoped", "revoked", "other"): KeyFor() turns a token into the real key.
// Each tenant's contacts carry a marker string (kMarkerDefault, kMarkerBot2, kMarkerOther) that no
// other tenant's key may ever see in a response.
//
// Thread-safety: like Engine (the world is immutable apart from the engine's own state).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "engine/engine.h"
#include "engine/memory_storage.h"

namespace contactd::fuzz {

inline constexpr std::string_view kMarkerDefault = "MARKDEFAULTWS";  // default ws, chatbot "bot"
inline constexpr std::string_view kMarkerBot2 = "MARKBOTTWO";        // default ws, chatbot "bot2"
inline constexpr std::string_view kMarkerOther = "MARKOTHERWS";      // workspace "other"

class FuzzWorld {
 public:
  // Builds the world; aborts (a harness bug, not a finding) when any step fails.
  static std::unique_ptr<FuzzWorld> Make();

  Engine& engine() { return engine_; }
  // The principal of the operator key.
  const Principal& op() const { return op_; }
  // The real key for a placeholder token, or `token` itself when it is none.
  std::string_view KeyFor(std::string_view token) const;
  // True once anything was committed after the set-up (the world is no longer the initial one).
  bool changed() const { return storage_.commit_count() != setup_commits_; }

 private:
  FuzzWorld();
  void SetUp();

  ManualClock clock_;
  MemoryStorage storage_;
  Engine engine_;
  Principal op_;
  size_t setup_commits_ = 0;
  std::vector<std::pair<std::string, std::string>> keys_;  // token -> plaintext
};

}  // namespace contactd::fuzz
