// SharedMutex: see shared_mutex.h.
//
// Readers queue whenever a writer holds or waits for the lock. A writer that unlocks hands the
// lock to every queued reader at once (counting them in readers_ itself, so no writer can slip in
// before they wake) and wakes a writer only when no reader is queued; the last reader out wakes
// the next writer.
#include "engine/shared_mutex.h"

namespace contactd {

void SharedMutex::lock() {
  std::unique_lock lock(mu_);
  ++writers_waiting_;
  writers_cv_.wait(lock, [this] { return !writer_ && readers_ == 0; });
  --writers_waiting_;
  writer_ = true;
}

bool SharedMutex::try_lock() {
  std::lock_guard lock(mu_);
  if (writer_ || readers_ != 0) return false;
  writer_ = true;
  return true;
}

void SharedMutex::unlock() {
  std::lock_guard lock(mu_);
  writer_ = false;
  if (readers_waiting_ != 0) {
    readers_ += readers_waiting_;
    readers_waiting_ = 0;
    ++reader_phase_;
    readers_cv_.notify_all();
  } else if (writers_waiting_ != 0) {
    writers_cv_.notify_one();
  }
}

void SharedMutex::lock_shared() {
  std::unique_lock lock(mu_);
  if (!writer_ && writers_waiting_ == 0) {
    ++readers_;
    return;
  }
  ++readers_waiting_;
  const uint64_t phase = reader_phase_;
  readers_cv_.wait(lock, [&] { return reader_phase_ != phase; });  // admitted by unlock()
}

bool SharedMutex::try_lock_shared() {
  std::lock_guard lock(mu_);
  if (writer_ || writers_waiting_ != 0) return false;
  ++readers_;
  return true;
}

void SharedMutex::unlock_shared() {
  std::lock_guard lock(mu_);
  if (--readers_ == 0 && writers_waiting_ != 0) writers_cv_.notify_one();
}

SharedMutex::Waiting SharedMutex::waiting() {
  std::lock_guard lock(mu_);
  return {.writers = writers_waiting_, .readers = readers_waiting_};
}

}  // namespace contactd
