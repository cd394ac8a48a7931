// SharedMutex: a phase-fair reader/writer lock. Neither side starves the other, and a reader
// waits for at most one writer's hold.
//
//   - Once a writer waits, new readers queue behind it, so a steady stream of overlapping readers
//     (e.g. concurrent contact writes holding a chatbot's schema lock shared across their WAL
//     sync) cannot keep an exclusive locker (a chatbot delete, an attribute definition) out.
//     std::shared_mutex on glibc prefers readers and allows exactly that.
//   - When a writer unlocks, every reader queued meanwhile gets the lock before the next writer.
//     A lock that simply prefers writers (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP) lets
//     writers that queue back to back, such as an import's batches applying one after another,
//     keep a search out for several holds in a row.
//
// Meets the standard SharedMutex requirements (std::unique_lock, std::shared_lock). Not
// recursive: a thread must not take it shared twice, since a waiting writer would block the
// second acquisition.
//
// Thread-safety: that of a mutex.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace contactd {

class SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock();
  bool try_lock();
  void unlock();

  void lock_shared();
  bool try_lock_shared();
  void unlock_shared();

  // Threads blocked in lock() and lock_shared(), for tests and diagnostics.
  struct Waiting {
    uint32_t writers = 0;
    uint32_t readers = 0;
  };
  Waiting waiting();

 private:
  std::mutex mu_;  // guards the fields below
  std::condition_variable readers_cv_, writers_cv_;
  uint32_t readers_ = 0;          // readers holding the lock (admitted ones included)
  uint32_t readers_waiting_ = 0;  // readers queued for the next reader phase
  uint32_t writers_waiting_ = 0;
  bool writer_ = false;        // a writer holds the lock
  uint64_t reader_phase_ = 0;  // counts the times queued readers were admitted
};

}  // namespace contactd
