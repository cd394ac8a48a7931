// ImportOrder: see import_order.h.
#include "engine/import_order.h"

#include <utility>

namespace contactd {

ImportOrder::Turn::~Turn() {
  if (order_ != nullptr && !ended_) order_->Set(seq_, Point::kApplied, /*failed=*/true);
}

ImportOrder::Turn::Turn(Turn&& other) noexcept
    : order_(std::exchange(other.order_, nullptr)), seq_(other.seq_), ended_(other.ended_) {}

bool ImportOrder::Turn::Await(Point p) const {
  if (order_ == nullptr) return true;
  std::unique_lock lock(order_->mu_);
  order_->cv_.wait(lock, [&] { return order_->Previous(seq_).passed >= p; });
  return !order_->Previous(seq_).failed;
}

bool ImportOrder::Turn::Passed(Point p) const {
  if (order_ == nullptr) return true;
  std::lock_guard lock(order_->mu_);
  return order_->Previous(seq_).passed >= p;
}

void ImportOrder::Turn::Pass(Point p) {
  if (order_ == nullptr || ended_) return;
  order_->Set(seq_, p, /*failed=*/false);
  ended_ = p == Point::kApplied;
}

ImportOrder::State ImportOrder::Previous(uint64_t seq) const {
  if (seq == 0) return {Point::kApplied, false};
  auto it = states_.find(seq - 1);
  return it == states_.end() ? State{} : it->second;
}

void ImportOrder::Set(uint64_t seq, Point p, bool failed) {
  {
    std::lock_guard lock(mu_);
    State& s = states_[seq];
    if (s.failed) return;
    s.passed = p;
    // A failed batch fails every batch after it: theirs is the state of their predecessor.
    s.failed = failed || (seq > 0 && Previous(seq).failed);
    if (p == Point::kApplied && seq > 0) states_.erase(seq - 1);  // nobody asks about it again
  }
  cv_.notify_all();
}

}  // namespace contactd
