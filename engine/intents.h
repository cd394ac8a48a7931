// Write intents: the set of keys (external ids, emails) that in-flight writes of one chatbot are
// changing.
//
// A write declares every key it will change before it reads the current state, and holds them
// until its change is persisted and visible. A second write on any of those keys waits, so writes
// to one contact are validated, persisted and applied in one order, while writes to different
// contacts validate and persist concurrently (and share WAL syncs). Keys are 64-bit hashes; a
// collision only makes an unrelated write wait.
//
// Thread-safety: all methods are safe to call concurrently. Acquire() takes all keys at once or
// none, so two writers never deadlock on each other.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace contactd {

class Intents {
 public:
  // Blocks until no key of `keys` is held, then holds them all. Duplicates are allowed.
  void Acquire(const std::vector<uint64_t>& keys);
  // Releases keys taken by Acquire().
  void Release(const std::vector<uint64_t>& keys);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  absl::flat_hash_set<uint64_t> held_;
};

// Holds intents for its lifetime.
class IntentGuard {
 public:
  IntentGuard(Intents* intents, std::vector<uint64_t> keys)
      : intents_(intents), keys_(std::move(keys)) {
    intents_->Acquire(keys_);
  }
  ~IntentGuard() { intents_->Release(keys_); }
  IntentGuard(const IntentGuard&) = delete;
  IntentGuard& operator=(const IntentGuard&) = delete;

 private:
  Intents* intents_;
  std::vector<uint64_t> keys_;
};

}  // namespace contactd
