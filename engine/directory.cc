#include "engine/directory.h"

#include <cstring>
#include <mutex>

#include "engine/secrets.h"

namespace contactd {
namespace {

uint64_t DigestPrefix(const KeyDigest& d) {
  uint64_t v;
  std::memcpy(&v, d.data(), sizeof v);
  return v;
}

size_t ChatbotHash(WorkspaceNo workspace, std::string_view id) {
  return absl::HashOf(workspace, HashBytes(id));
}

}  // namespace

Directory::Directory(size_t shards) {
  shards_.reserve(std::max<size_t>(shards, 1));
  for (size_t i = 0; i < std::max<size_t>(shards, 1); ++i) {
    shards_.push_back(std::make_unique<Shard>());
  }
}

std::shared_ptr<Chatbot> Directory::FindChatbot(WorkspaceNo workspace, std::string_view id) const {
  const Shard& shard = ShardFor(ChatbotHash(workspace, id));
  std::shared_lock lock(shard.mu);
  auto it = shard.chatbots.find(ChatbotKeyView(workspace, id));
  return it == shard.chatbots.end() ? nullptr : it->second;
}

void Directory::AddChatbot(std::shared_ptr<Chatbot> chatbot) {
  const ChatbotInfo& info = chatbot->info();
  Shard& shard = ShardFor(ChatbotHash(info.workspace, info.id));
  std::unique_lock lock(shard.mu);
  shard.chatbots[ChatbotKey(info.workspace, info.id)] = std::move(chatbot);
}

void Directory::RemoveChatbot(WorkspaceNo workspace, std::string_view id) {
  Shard& shard = ShardFor(ChatbotHash(workspace, id));
  std::unique_lock lock(shard.mu);
  auto it = shard.chatbots.find(ChatbotKeyView(workspace, id));
  if (it != shard.chatbots.end()) shard.chatbots.erase(it);
}

std::optional<ApiKeyInfo> Directory::FindKey(const KeyDigest& digest) const {
  const uint64_t prefix = DigestPrefix(digest);
  const Shard& shard = ShardFor(prefix);
  std::shared_lock lock(shard.mu);
  auto it = shard.keys.find(prefix);
  if (it == shard.keys.end() || !secrets::DigestsEqual(it->second.digest, digest)) {
    return std::nullopt;
  }
  return it->second;
}

bool Directory::AddKey(const ApiKeyInfo& key) {
  const uint64_t prefix = DigestPrefix(key.digest);
  Shard& shard = ShardFor(prefix);
  std::unique_lock lock(shard.mu);
  return shard.keys.emplace(prefix, key).second;
}

void Directory::RemoveKey(const KeyDigest& digest) {
  const uint64_t prefix = DigestPrefix(digest);
  Shard& shard = ShardFor(prefix);
  std::unique_lock lock(shard.mu);
  shard.keys.erase(prefix);
}

}  // namespace contactd
