// ImportOrder: keeps the batches of one import in the file's order while two or more of them are
// written at once (Engine::ImportContacts with an ImportOrder::Turn).
//
// Batches are numbered 0, 1, 2, ... in file order. Batch k waits for batch k - 1 at four points:
//   - kSchemaHeld: k - 1 holds the chatbot's schema lock shared. Batch k takes it only then, so
//     it holds no lock while k - 1 may still have to take one: were k holding the lock shared
//     while k - 1 queued for it behind an attribute definition waiting for it exclusive
//     (engine/shared_mutex.h queues new readers behind a waiting writer), none of the three would
//     finish. It also means k validates against the schema k - 1 used, or a later one;
//   - kRead: k - 1 holds its intents, has read the stored contacts and has reserved its contact
//     ids. Batch k (validated by then, beside k - 1's validation and read) goes on only then, so
//     it takes its intents after k - 1, a contact both batches touch is written by k - 1 first
//     (engine/intents.h), and its new contacts get ids after those of k - 1;
//   - kCommitted: k - 1 is persisted. Batch k commits only then, and not at all when k - 1
//     failed, so the store never holds a batch without every batch before it. Batches that
//     reach their commit while an earlier one is being persisted wait (Turn::Commit); the first
//     of them whose predecessor is persisted commits them all, in order, as one Mutation: one
//     WAL write and sync instead of one each. The group lands or fails as a whole;
//   - kApplied: k - 1 is visible. Batch k waits for it only to re-check an email that a stored
//     contact holds: k - 1 may be moving that contact to another email, which frees it.
// A batch that fails (or ends without reaching a point) counts as failed at every later point,
// so every batch after it fails too, without writing anything.
//
// Thread-safety: all methods are safe to call concurrently; a Turn belongs to one batch's call.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "engine/status.h"
#include "engine/storage.h"

namespace contactd {

class ImportOrder {
 public:
  enum class Point : uint8_t {
    kNone = 0,
    kSchemaHeld = 1,
    kRead = 2,
    kCommitted = 3,
    kApplied = 4
  };

  // One batch's place in the order. A default Turn (no order) never waits.
  class Turn {
   public:
    Turn() = default;
    Turn(ImportOrder* order, uint64_t seq) : order_(order), seq_(seq) {}
    // A batch that has not reached kApplied fails here: the batches after it write nothing.
    ~Turn();
    Turn(Turn&& other) noexcept;
    Turn& operator=(Turn&&) = delete;
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;

    // Waits until the previous batch has passed `p`; false when it failed instead.
    bool Await(Point p) const;
    // Whether the previous batch has passed `p` (true without an order).
    bool Passed(Point p) const;
    // This batch has passed `p` (and every point before it).
    void Pass(Point p);
    // Persists `m` (non-empty) through `commit` once the previous batch is persisted, together
    // with the later batches waiting to commit by then (see above), and passes kCommitted.
    // Returns the status of the commit that carried `m`, or `earlier_failed` (nothing written)
    // when the previous batch failed. Without an order, just commit(m).
    Status Commit(const Mutation& m, const std::function<Status(const Mutation&)>& commit,
                  const Status& earlier_failed);

   private:
    ImportOrder* order_ = nullptr;
    uint64_t seq_ = 0;
    bool ended_ = false;
  };

  // Batches waiting in Turn::Commit() that no commit has carried yet (for tests).
  size_t waiting_to_commit() const;

 private:
  struct State {
    Point passed = Point::kNone;
    bool failed = false;
  };
  // A batch waiting in Turn::Commit, until a commit carries it.
  struct Waiting {
    const Mutation* m;
    bool done = false;
    Status status;
  };
  // Batch `seq - 1`'s state as seen by batch `seq`: batch -1 has passed everything.
  State Previous(uint64_t seq) const;  // REQUIRES: mu_
  void Set(uint64_t seq, Point p, bool failed);
  void SetLocked(uint64_t seq, Point p, bool failed);  // REQUIRES: mu_

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  absl::flat_hash_map<uint64_t, State> states_;      // only batches whose successor may still ask
  absl::flat_hash_map<uint64_t, Waiting*> waiting_;  // batches in Commit() not yet carried
};

}  // namespace contactd
