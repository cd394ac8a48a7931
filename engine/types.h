// Identifiers and control-plane entities: workspaces, chatbots, API keys and the principal a key
// authenticates as.
//
// Every entity has a public string id (what the API shows) and an internal number (what storage
// keys use, fixed-width big-endian, tenant first). Internal numbers are assigned once from
// persisted counters and never reused.
//
// Thread-safety: value types; no shared state.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace contactd {

using WorkspaceNo = uint32_t;
using ChatbotNo = uint32_t;
using KeyNo = uint32_t;
using ContactId = uint64_t;  // shown as "contact_<n>"; n >= 1

// Persisted as one byte; do not change the values.
enum class Role : uint8_t { kMember = 1, kAdmin = 2, kOperator = 3 };

const char* RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);  // "member" | "admin"

using KeyDigest = std::array<uint8_t, 32>;  // SHA-256 of the plaintext key

struct Workspace {
  WorkspaceNo no = 0;
  std::string id;
  std::string name;
  int64_t created_at = 0;
};

struct ChatbotInfo {
  WorkspaceNo workspace = 0;
  ChatbotNo no = 0;
  std::string id;
  std::string name;
  int64_t created_at = 0;
  std::string default_country;  // ISO 3166-1 alpha-2, upper case; empty: none
};

struct ApiKeyInfo {
  WorkspaceNo workspace = 0;
  KeyNo no = 0;
  std::string id;  // "key_<n>"
  std::string name;
  Role role = Role::kMember;
  ChatbotNo chatbot = 0;   // 0: every chatbot of the workspace
  std::string chatbot_id;  // public id of `chatbot`, empty when unscoped
  std::string prefix;      // first characters of the plaintext, to recognise a key in a list
  KeyDigest digest{};
  int64_t created_at = 0;
};

// Who is calling: the result of authenticating an API key.
struct Principal {
  WorkspaceNo workspace = 0;
  Role role = Role::kMember;
  ChatbotNo chatbot = 0;  // 0: not scoped to one chatbot
  KeyNo key = 0;

  bool AtLeast(Role r) const { return static_cast<int>(role) >= static_cast<int>(r); }
};

}  // namespace contactd
