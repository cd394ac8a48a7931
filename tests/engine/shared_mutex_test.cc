// SharedMutex (engine/shared_mutex.h): mutual exclusion under a random mix of lockers, writers
// ahead of new readers, and readers queued during a write ahead of the next writer.
#include "engine/shared_mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace contactd {
namespace {

// Spins until `done` holds (a thread has reached its blocking call).
template <typename F>
void Until(F done) {
  while (!done()) std::this_thread::yield();
}

TEST(SharedMutexTest, WritersExcludeEveryoneAndReadersShare) {
  SharedMutex mu;
  std::atomic<int> readers{0}, writers{0}, max_readers{0};
  std::atomic<bool> broken{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      for (int i = 0; i < 3000; ++i) {
        if (rng() % 4 == 0) {
          std::unique_lock lock(mu);
          if (writers.fetch_add(1) != 0 || readers.load() != 0) broken = true;
          writers.fetch_sub(1);
        } else {
          std::shared_lock lock(mu);
          const int now = readers.fetch_add(1) + 1;
          if (writers.load() != 0) broken = true;
          int seen = max_readers.load();
          while (now > seen && !max_readers.compare_exchange_weak(seen, now)) {
          }
          std::this_thread::yield();
          readers.fetch_sub(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(broken.load());
  EXPECT_GT(max_readers.load(), 1) << "readers never held the lock together";
}

TEST(SharedMutexTest, AWaitingWriterQueuesNewReaders) {
  SharedMutex mu;
  mu.lock_shared();
  std::thread writer([&] {
    mu.lock();
    mu.unlock();
  });
  Until([&] { return mu.waiting().writers == 1; });
  EXPECT_FALSE(mu.try_lock_shared()) << "a new reader passed a waiting writer";
  mu.unlock_shared();
  writer.join();
  EXPECT_TRUE(mu.try_lock_shared());
  mu.unlock_shared();
}

// Phase fairness: a lock that only prefers writers lets the second writer in first.
TEST(SharedMutexTest, ReadersQueuedDuringAWriteGoBeforeTheNextWriter) {
  SharedMutex mu;
  std::mutex order_mu;
  std::vector<char> order;
  const auto enter = [&](char who) {
    std::lock_guard lock(order_mu);
    order.push_back(who);
  };
  mu.lock();
  std::thread reader1([&] {
    std::shared_lock lock(mu);
    enter('r');
  });
  Until([&] { return mu.waiting().readers == 1; });
  std::thread writer([&] {
    std::unique_lock lock(mu);
    enter('w');
  });
  Until([&] { return mu.waiting().writers == 1; });
  std::thread reader2([&] {
    std::shared_lock lock(mu);
    enter('r');
  });
  Until([&] { return mu.waiting().readers == 2; });
  mu.unlock();
  reader1.join();
  reader2.join();
  writer.join();
  EXPECT_EQ(std::string(order.begin(), order.end()), "rrw");
}

TEST(SharedMutexTest, TryLockFailsWhileHeldEitherWay) {
  SharedMutex mu;
  mu.lock_shared();
  EXPECT_FALSE(mu.try_lock());
  EXPECT_TRUE(mu.try_lock_shared());
  mu.unlock_shared();
  mu.unlock_shared();
  ASSERT_TRUE(mu.try_lock());
  EXPECT_FALSE(mu.try_lock());
  EXPECT_FALSE(mu.try_lock_shared());
  mu.unlock();
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
}

}  // namespace
}  // namespace contactd
