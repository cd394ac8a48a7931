// Per-key token buckets; see net/rate_limiter.h.
#include "net/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/hash/hash.h"

namespace contactd::net {

namespace {

// A shard's map is not swept before it holds this many buckets.
constexpr size_t kMinSweepSize = 256;
constexpr double kNsPerSecond = 1e9;

}  // namespace

RateLimiter::RateLimiter(RateLimiterOptions options, Clock clock)
    : options_(options),
      clock_(std::move(clock)),
      shards_(std::make_unique<Shard[]>(std::max<size_t>(1, options.shards))) {
  for (size_t i = 0; i < std::max<size_t>(1, options_.shards); ++i) {
    shards_[i].sweep_at = kMinSweepSize;
  }
}

RateLimiter::~RateLimiter() = default;

int64_t RateLimiter::NowNs() const {
  const std::chrono::nanoseconds now =
      clock_ ? clock_() : std::chrono::steady_clock::now().time_since_epoch();
  return now.count();
}

double RateLimiter::Refilled(const Bucket& bucket, int64_t now_ns) const {
  const int64_t elapsed_ns = std::max<int64_t>(0, now_ns - bucket.updated_ns);
  return std::min(options_.burst,
                  bucket.tokens + static_cast<double>(elapsed_ns) * options_.rate / kNsPerSecond);
}

void RateLimiter::SweepLocked(Shard& shard, int64_t now_ns) const {
  absl::erase_if(shard.buckets, [&](const auto& entry) {
    return Refilled(entry.second, now_ns) >= options_.burst;
  });
  shard.sweep_at = std::max(kMinSweepSize, 2 * shard.buckets.size());
}

RateLimiter::Decision RateLimiter::Acquire(uint64_t key) {
  const size_t shard_count = std::max<size_t>(1, options_.shards);
  Shard& shard = shards_[absl::Hash<uint64_t>()(key) % shard_count];
  const int64_t now_ns = NowNs();
  std::lock_guard lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= shard.sweep_at) SweepLocked(shard, now_ns);
    it = shard.buckets.emplace(key, Bucket{options_.burst, now_ns}).first;
  }
  Bucket& bucket = it->second;
  bucket.tokens = Refilled(bucket, now_ns);
  bucket.updated_ns = std::max(bucket.updated_ns, now_ns);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return Decision{true, 0};
  }
  const double wait_seconds = std::ceil((1 - bucket.tokens) / options_.rate);
  const double capped = std::min(wait_seconds, double{std::numeric_limits<int>::max()});
  return Decision{false, std::max(1, static_cast<int>(capped))};
}

size_t RateLimiter::TrackedKeys() const {
  size_t n = 0;
  for (size_t i = 0; i < std::max<size_t>(1, options_.shards); ++i) {
    std::lock_guard lock(shards_[i].mu);
    n += shards_[i].buckets.size();
  }
  return n;
}

}  // namespace contactd::net
