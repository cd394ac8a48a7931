// Directory: finds a chatbot by (workspace, public id) and an API key by its digest.
//
// Both maps are split into shards by hash, each with its own lock, so lookups on the request path
// take no global lock: requests for chatbots in different shards never contend. A chatbot's
// contacts live in its Chatbot object, reached through the shard that holds it.
//
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "engine/chatbot.h"
#include "engine/shared_mutex.h"
#include "engine/string_map.h"
#include "engine/types.h"

namespace contactd {

class Directory {
 public:
  explicit Directory(size_t shards);

  size_t shard_count() const { return shards_.size(); }

  std::shared_ptr<Chatbot> FindChatbot(WorkspaceNo workspace, std::string_view id) const;
  void AddChatbot(std::shared_ptr<Chatbot> chatbot);
  void RemoveChatbot(WorkspaceNo workspace, std::string_view id);

  std::optional<ApiKeyInfo> FindKey(const KeyDigest& digest) const;
  // Returns false (and adds nothing) when a key with the same digest prefix exists.
  bool AddKey(const ApiKeyInfo& key);
  void RemoveKey(const KeyDigest& digest);

 private:
  using ChatbotKey = std::pair<WorkspaceNo, std::string>;
  using ChatbotKeyView = std::pair<WorkspaceNo, std::string_view>;
  // Lets lookups use a string_view id without building a std::string.
  struct ChatbotKeyHash {
    using is_transparent = void;
    size_t operator()(const ChatbotKey& k) const {
      return absl::HashOf(k.first, HashBytes(k.second));
    }
    size_t operator()(const ChatbotKeyView& k) const {
      return absl::HashOf(k.first, HashBytes(k.second));
    }
  };
  struct ChatbotKeyEq {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return a.first == b.first && std::string_view(a.second) == std::string_view(b.second);
    }
  };
  struct Shard {
    mutable SharedMutex mu;
    absl::flat_hash_map<ChatbotKey, std::shared_ptr<Chatbot>, ChatbotKeyHash, ChatbotKeyEq>
        chatbots;
    absl::flat_hash_map<uint64_t, ApiKeyInfo> keys;  // by the digest's first 8 bytes
  };

  Shard& ShardFor(size_t hash) const { return *shards_[hash % shards_.size()]; }

  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace contactd
