// MemoryStorage: a Storage kept in process memory, for engine tests and benchmarks.
//
// It applies Mutations with the same meaning as persist/'s RocksDB store (deletes of a workspace
// or chatbot cascade), can be told to fail commits (to test that a failed write changes nothing)
// or to hold them (to test writes in flight), and replays its contents through Load() like a
// restart would.
//
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "engine/storage.h"

namespace contactd {

class MemoryStorage final : public Storage {
 public:
  Status Commit(const Mutation& m) override;
  Status Load(LoadSink* sink) override;
  Status Flush() override { return {}; }
  Status Erase() override { return {}; }  // nothing is kept once deleted
  bool IsNew() const override { return commits_ == 0; }

  // The `n` commits after the next `after` ones fail with kUnavailable and change nothing.
  void FailNextCommits(int n, int after = 0) {
    pass_before_failing_ = after;
    fail_next_ = n;
  }
  // While held, Commit() waits (before failing or applying anything) until released.
  void HoldCommits(bool hold);
  // Commits waiting in a hold.
  size_t held_commits() const;
  // When false, Commit() accepts and discards mutations (for engine-only benchmarks).
  void set_keep_data(bool keep) { keep_data_ = keep; }

  size_t contact_count() const;
  size_t commit_count() const { return commits_; }

 private:
  using ChatbotKey = std::pair<WorkspaceNo, ChatbotNo>;
  using ContactKey = std::tuple<WorkspaceNo, ChatbotNo, ContactId>;

  void Apply(const Mutation::Op& op);

  mutable std::mutex mu_;
  mutable std::mutex hold_mu_;  // guards the two fields below
  std::condition_variable hold_cv_;
  bool hold_ = false;
  size_t held_ = 0;
  std::atomic<int> fail_next_{0};
  std::atomic<int> pass_before_failing_{0};
  std::atomic<bool> keep_data_{true};
  std::atomic<size_t> commits_{0};
  std::map<Counter, uint64_t> counters_;
  std::map<WorkspaceNo, Workspace> workspaces_;
  std::map<ChatbotKey, ChatbotInfo> chatbots_;
  std::map<std::tuple<WorkspaceNo, ChatbotNo, AttrNo>, AttrDef> attrs_;
  std::map<std::pair<WorkspaceNo, KeyNo>, ApiKeyInfo> keys_;
  std::map<ContactKey, std::string> contacts_;
};

}  // namespace contactd
