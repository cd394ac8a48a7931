// RateLimiter: one token bucket per API key, for the Router's per-key rate limit (--rate-limit,
// --rate-burst).
//
// A bucket holds at most `burst` tokens and gains `rate` tokens per second; a request takes one
// token or is refused. A key seen for the first time starts with a full bucket, so a burst of N
// requests gets exactly max(0, N - burst - tokens refilled meanwhile) refused. A refusal says how
// many whole seconds (rounded up, at least 1) until a token is back: the Retry-After value.
//
// Buckets are keyed by a number the caller derives from the key's identity (the Router uses the
// workspace and key numbers), never by the plaintext key. Memory stays bounded: a bucket that has
// refilled completely is the same as no bucket, so such buckets are dropped whenever a shard's map
// has doubled since its last sweep. Revoked keys never reach the limiter again (authentication
// fails first), so their buckets fill up and go.
//
// Thread-safety: Acquire() may run on many threads at once. Keys are spread over shards, each
// with its own mutex, so requests of different keys rarely contend. A server without a rate limit
// has no RateLimiter at all (the Router checks a null pointer), so it costs nothing when off.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "absl/container/flat_hash_map.h"

namespace contactd::net {

struct RateLimiterOptions {
  double rate = 1;     // tokens (requests) per second per key; REQUIRES: > 0 and finite
  double burst = 1;    // bucket size; REQUIRES: >= 1 and finite
  size_t shards = 64;  // REQUIRES: >= 1
};

class RateLimiter {
 public:
  // A monotonic clock: time since an arbitrary fixed point. Tests inject a fake one.
  using Clock = std::function<std::chrono::nanoseconds()>;

  struct Decision {
    bool allowed = true;
    int retry_after_seconds = 0;  // when refused: whole seconds until a token is back (>= 1)
  };

  // `clock` defaults to std::chrono::steady_clock.
  explicit RateLimiter(RateLimiterOptions options, Clock clock = {});
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token from `key`'s bucket, or says how long until one is back.
  Decision Acquire(uint64_t key);

  // How many buckets are held now (tests of the memory bound).
  size_t TrackedKeys() const;

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_ns = 0;  // when `tokens` was last brought up to date
  };
  struct alignas(64) Shard {
    mutable std::mutex mu;
    absl::flat_hash_map<uint64_t, Bucket> buckets;  // guarded by mu
    size_t sweep_at = 0;                            // guarded by mu
  };

  int64_t NowNs() const;
  // The bucket's tokens at `now_ns`, capped at burst.
  double Refilled(const Bucket& bucket, int64_t now_ns) const;
  // Drops the buckets that are full at `now_ns`. REQUIRES: shard.mu held.
  void SweepLocked(Shard& shard, int64_t now_ns) const;

  const RateLimiterOptions options_;
  const Clock clock_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace contactd::net
