// Tests of net/rate_limiter.h with an injected clock: burst and refill arithmetic, Retry-After,
// independent keys, the memory bound, and concurrent use.
#include "net/rate_limiter.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace contactd::net {
namespace {

using namespace std::chrono_literals;

// A clock the test moves by hand.
struct FakeClock {
  std::chrono::nanoseconds now{1'000'000'000'000};
  RateLimiter::Clock Fn() {
    return [this] { return now; };
  }
};

int Allowed(RateLimiter& limiter, uint64_t key, int requests) {
  int allowed = 0;
  for (int i = 0; i < requests; ++i) allowed += limiter.Acquire(key).allowed;
  return allowed;
}

TEST(RateLimiterTest, BurstOfTwiceTheBucketGetsExactlyTheExcessRefused) {
  for (double burst : {1.0, 5.0, 20.0, 1000.0}) {
    FakeClock clock;
    RateLimiter limiter({.rate = 10, .burst = burst}, clock.Fn());
    const int sent = static_cast<int>(2 * burst);
    const int allowed = Allowed(limiter, 7, sent);
    EXPECT_EQ(allowed, static_cast<int>(burst)) << "burst " << burst;
    EXPECT_EQ(sent - allowed, static_cast<int>(burst)) << "refused, burst " << burst;
  }
}

TEST(RateLimiterTest, RefillDuringTheBurstIsCounted) {
  FakeClock clock;
  RateLimiter limiter({.rate = 10, .burst = 20}, clock.Fn());
  // 40 requests 26.25 ms apart: 10.24 tokens come back by the last one, 10 of them whole.
  int allowed = 0;
  for (int i = 0; i < 40; ++i) {
    allowed += limiter.Acquire(1).allowed;
    clock.now += 1050ms / 40;
  }
  EXPECT_EQ(allowed, 20 + 10);
}

TEST(RateLimiterTest, RefillsAtTheRateUpToTheBurst) {
  FakeClock clock;
  RateLimiter limiter({.rate = 2, .burst = 4}, clock.Fn());
  EXPECT_EQ(Allowed(limiter, 1, 4), 4);
  EXPECT_FALSE(limiter.Acquire(1).allowed);
  clock.now += 500ms;  // one token
  EXPECT_TRUE(limiter.Acquire(1).allowed);
  EXPECT_FALSE(limiter.Acquire(1).allowed);
  clock.now += 1h;  // capped at the burst
  EXPECT_EQ(Allowed(limiter, 1, 10), 4);
}

TEST(RateLimiterTest, RetryAfterIsWholeSecondsRoundedUp) {
  FakeClock clock;
  {
    RateLimiter limiter({.rate = 10, .burst = 1}, clock.Fn());
    EXPECT_TRUE(limiter.Acquire(1).allowed);
    RateLimiter::Decision d = limiter.Acquire(1);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after_seconds, 1);  // 0.1 s, rounded up
  }
  {
    RateLimiter limiter({.rate = 0.25, .burst = 1}, clock.Fn());
    EXPECT_TRUE(limiter.Acquire(1).allowed);
    EXPECT_EQ(limiter.Acquire(1).retry_after_seconds, 4);
    clock.now += 1500ms;  // 0.375 tokens: 0.625 missing, 2.5 s
    RateLimiter::Decision d = limiter.Acquire(1);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after_seconds, 3);
    clock.now += 2500ms;  // exactly one token again
    EXPECT_TRUE(limiter.Acquire(1).allowed);
  }
  {
    RateLimiter limiter({.rate = 0.5, .burst = 3}, clock.Fn());
    EXPECT_EQ(Allowed(limiter, 1, 3), 3);
    EXPECT_EQ(limiter.Acquire(1).retry_after_seconds, 2);
  }
}

TEST(RateLimiterTest, RefusalsDoNotSpendTokens) {
  FakeClock clock;
  RateLimiter limiter({.rate = 1, .burst = 2}, clock.Fn());
  EXPECT_EQ(Allowed(limiter, 1, 2), 2);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.Acquire(1).allowed);
  clock.now += 1s;
  EXPECT_TRUE(limiter.Acquire(1).allowed);
}

TEST(RateLimiterTest, KeysHaveIndependentBuckets) {
  FakeClock clock;
  RateLimiter limiter({.rate = 1, .burst = 3}, clock.Fn());
  EXPECT_EQ(Allowed(limiter, 1, 10), 3);
  EXPECT_EQ(Allowed(limiter, 2, 10), 3);  // key 1 being throttled changes nothing for key 2
  EXPECT_EQ(Allowed(limiter, uint64_t{1} << 32 | 1, 10), 3);
  EXPECT_FALSE(limiter.Acquire(1).allowed);
}

TEST(RateLimiterTest, FullBucketsAreDroppedSoMemoryStaysBounded) {
  FakeClock clock;
  RateLimiter limiter({.rate = 100, .burst = 1, .shards = 1}, clock.Fn());
  for (uint64_t key = 0; key < 10'000; ++key) {
    ASSERT_TRUE(limiter.Acquire(key).allowed);
    clock.now += 20ms;  // every earlier bucket is full again: 2 tokens' worth later
  }
  // Without sweeping 10,000 buckets would be held; a sweep runs whenever the map doubles.
  EXPECT_LE(limiter.TrackedKeys(), 512u);
  EXPECT_GE(limiter.TrackedKeys(), 1u);

  // A bucket still short of tokens is kept: dropping it would hand out a fresh burst.
  FakeClock clock2;
  RateLimiter strict({.rate = 0.001, .burst = 1, .shards = 1}, clock2.Fn());
  for (uint64_t key = 0; key < 2'000; ++key) ASSERT_TRUE(strict.Acquire(key).allowed);
  EXPECT_EQ(strict.TrackedKeys(), 2'000u);
  EXPECT_FALSE(strict.Acquire(0).allowed);
}

TEST(RateLimiterTest, ConcurrentRequestsOfOneKeyNeverExceedTheBurst) {
  FakeClock clock;  // frozen: no refill
  RateLimiter limiter({.rate = 1, .burst = 1000}, clock.Fn());
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) allowed += limiter.Acquire(42).allowed;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(RateLimiterTest, RealClockRefills) {
  RateLimiter limiter({.rate = 50, .burst = 1});  // steady_clock
  EXPECT_TRUE(limiter.Acquire(1).allowed);
  std::this_thread::sleep_for(60ms);  // 3 tokens' worth, capped at 1
  EXPECT_TRUE(limiter.Acquire(1).allowed);
}

}  // namespace
}  // namespace contactd::net
