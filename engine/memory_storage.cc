#include "engine/memory_storage.h"

#include <type_traits>

namespace contactd {
namespace {

// Erases every entry of `map` whose key satisfies `pred`.
template <typename Map, typename Pred>
void EraseIf(Map& map, Pred pred) {
  for (auto it = map.begin(); it != map.end();) {
    it = pred(it->first) ? map.erase(it) : std::next(it);
  }
}

}  // namespace

void MemoryStorage::Apply(const Mutation::Op& op) {
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, Mutation::PutWorkspace>) {
          workspaces_[o.workspace.no] = o.workspace;
        } else if constexpr (std::is_same_v<T, Mutation::DeleteWorkspace>) {
          workspaces_.erase(o.workspace);
          EraseIf(chatbots_, [&](const auto& k) { return k.first == o.workspace; });
          EraseIf(attrs_, [&](const auto& k) { return std::get<0>(k) == o.workspace; });
          EraseIf(keys_, [&](const auto& k) { return k.first == o.workspace; });
          EraseIf(contacts_, [&](const auto& k) { return std::get<0>(k) == o.workspace; });
        } else if constexpr (std::is_same_v<T, Mutation::PutChatbot>) {
          chatbots_[{o.chatbot.workspace, o.chatbot.no}] = o.chatbot;
        } else if constexpr (std::is_same_v<T, Mutation::DeleteChatbot>) {
          chatbots_.erase({o.workspace, o.chatbot});
          auto in_chatbot = [&](const auto& k) {
            return std::get<0>(k) == o.workspace && std::get<1>(k) == o.chatbot;
          };
          EraseIf(attrs_, in_chatbot);
          EraseIf(contacts_, in_chatbot);
        } else if constexpr (std::is_same_v<T, Mutation::PutApiKey>) {
          keys_[{o.key.workspace, o.key.no}] = o.key;
        } else if constexpr (std::is_same_v<T, Mutation::DeleteApiKey>) {
          keys_.erase({o.workspace, o.key});
        } else if constexpr (std::is_same_v<T, Mutation::PutAttribute>) {
          attrs_[{o.workspace, o.chatbot, o.def.no}] = o.def;
        } else if constexpr (std::is_same_v<T, Mutation::PutContact>) {
          contacts_[{o.workspace, o.chatbot, o.id}] = std::string(o.record);
        } else if constexpr (std::is_same_v<T, Mutation::DeleteContact>) {
          contacts_.erase({o.workspace, o.chatbot, o.id});
        } else if constexpr (std::is_same_v<T, Mutation::RaiseCounter>) {
          uint64_t& v = counters_[o.counter];
          v = std::max(v, o.value);
        }
      },
      op);
}

void MemoryStorage::HoldCommits(bool hold) {
  {
    std::lock_guard lock(hold_mu_);
    hold_ = hold;
  }
  hold_cv_.notify_all();
}

size_t MemoryStorage::held_commits() const {
  std::lock_guard lock(hold_mu_);
  return held_;
}

Status MemoryStorage::Commit(const Mutation& m) {
  {
    std::unique_lock lock(hold_mu_);
    ++held_;
    hold_cv_.wait(lock, [this] { return !hold_; });
    --held_;
  }
  if (fail_next_.load() > 0 &&
      !(pass_before_failing_.load() > 0 && pass_before_failing_.fetch_sub(1) > 0) &&
      fail_next_.fetch_sub(1) > 0) {
    return {Code::kUnavailable, "injected storage failure"};
  }
  ++commits_;
  if (!keep_data_) return {};
  std::lock_guard lock(mu_);
  for (const Mutation::Op& op : m.ops) Apply(op);
  return {};
}

Status MemoryStorage::Load(LoadSink* sink) {
  std::lock_guard lock(mu_);
  for (const auto& [c, v] : counters_) {
    if (Status s = sink->OnCounter(c, v); !s.ok()) return s;
  }
  for (const auto& [no, ws] : workspaces_) {
    if (Status s = sink->OnWorkspace(ws); !s.ok()) return s;
  }
  for (const auto& [k, cb] : chatbots_) {
    if (Status s = sink->OnChatbot(cb); !s.ok()) return s;
  }
  for (const auto& [k, def] : attrs_) {
    if (Status s = sink->OnAttribute(std::get<0>(k), std::get<1>(k), def); !s.ok()) return s;
  }
  for (const auto& [k, key] : keys_) {
    if (Status s = sink->OnApiKey(key); !s.ok()) return s;
  }
  for (const auto& [k, record] : contacts_) {
    auto [ws, cb, id] = k;
    if (Status s = sink->OnContact(ws, cb, id, record); !s.ok()) return s;
  }
  return {};
}

size_t MemoryStorage::contact_count() const {
  std::lock_guard lock(mu_);
  return contacts_.size();
}

}  // namespace contactd
