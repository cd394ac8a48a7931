// SharedMutex: a reader/writer lock that never lets readers starve a writer. Once a writer waits,
// new readers queue behind it.
//
// std::shared_mutex on glibc prefers readers. Under a steady stream of overlapping readers (e.g.
// concurrent contact writes holding a chatbot's schema lock shared across their WAL sync), an
// exclusive locker such as a chatbot delete or an attribute definition can wait forever. This
// wraps pthread_rwlock with PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP instead.
//
// Meets the standard SharedMutex requirements (std::unique_lock, std::shared_lock). Not
// recursive: a thread must not take it shared twice, since a waiting writer would block the
// second acquisition.
//
// Thread-safety: that of a mutex.
#pragma once

#include <pthread.h>

namespace contactd {

class SharedMutex {
 public:
  SharedMutex() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  ~SharedMutex() { pthread_rwlock_destroy(&lock_); }
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock() { pthread_rwlock_wrlock(&lock_); }
  bool try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
  void unlock() { pthread_rwlock_unlock(&lock_); }

  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

}  // namespace contactd
