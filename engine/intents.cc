#include "engine/intents.h"

#include <algorithm>

namespace contactd {

void Intents::Acquire(const std::vector<uint64_t>& keys) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] {
    return std::none_of(keys.begin(), keys.end(), [&](uint64_t k) { return held_.contains(k); });
  });
  held_.insert(keys.begin(), keys.end());
}

void Intents::Release(const std::vector<uint64_t>& keys) {
  {
    std::lock_guard lock(mu_);
    for (uint64_t k : keys) held_.erase(k);
  }
  cv_.notify_all();
}

}  // namespace contactd
