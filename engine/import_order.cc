// ImportOrder: see import_order.h.
#include "engine/import_order.h"

#include <exception>
#include <utility>
#include <vector>

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

Status ImportOrder::Turn::Commit(const Mutation& m,
                                 const std::function<Status(const Mutation&)>& commit,
                                 const Status& earlier_failed) {
  if (order_ == nullptr) return commit(m);
  ImportOrder& o = *order_;
  Waiting mine{&m};
  std::vector<std::pair<uint64_t, Waiting*>> group;  // this batch and the ones after it
  {
    std::unique_lock lock(o.mu_);
    o.waiting_[seq_] = &mine;
    o.cv_.wait(lock, [&] { return mine.done || o.Previous(seq_).passed >= Point::kCommitted; });
    if (mine.done) {  // an earlier batch's commit carried this one, and set its state
      ended_ = !mine.status.ok();
      return std::move(mine.status);
    }
    if (o.Previous(seq_).failed) {
      o.waiting_.erase(seq_);
      return earlier_failed;
    }
    for (uint64_t seq = seq_;; ++seq) {
      auto it = o.waiting_.find(seq);
      if (it == o.waiting_.end()) break;
      group.emplace_back(seq, it->second);
      o.waiting_.erase(it);
    }
  }
  Status status;
  std::exception_ptr thrown;  // rethrown once the group knows it failed
  try {
    if (group.size() == 1) {
      status = commit(m);
    } else {
      Mutation all;
      size_t ops = 0;
      for (const auto& [seq, w] : group) ops += w->m->ops.size();
      all.ops.reserve(ops);
      for (const auto& [seq, w] : group) {
        all.ops.insert(all.ops.end(), w->m->ops.begin(), w->m->ops.end());
      }
      status = commit(all);
    }
  } catch (...) {
    thrown = std::current_exception();
    status = Status(Code::kInternal, "The import's commit failed");
  }
  {
    std::lock_guard lock(o.mu_);
    for (const auto& [seq, w] : group) {
      // A failed batch ends here: its state is final, as its destructor would set it.
      o.SetLocked(seq, status.ok() ? Point::kCommitted : Point::kApplied, !status.ok());
      if (w != &mine) {
        w->status = status;
        w->done = true;
      }
    }
  }
  o.cv_.notify_all();
  ended_ = !status.ok();
  if (thrown) std::rethrow_exception(thrown);
  return status;
}

size_t ImportOrder::waiting_to_commit() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

ImportOrder::State ImportOrder::Previous(uint64_t seq) const {
  if (seq == 0) return {Point::kApplied, false};
  auto it = states_.find(seq - 1);
  return it == states_.end() ? State{} : it->second;
}

void ImportOrder::Set(uint64_t seq, Point p, bool failed) {
  {
    std::lock_guard lock(mu_);
    SetLocked(seq, p, failed);
  }
  cv_.notify_all();
}

void ImportOrder::SetLocked(uint64_t seq, Point p, bool failed) {
  State& s = states_[seq];
  if (s.failed) return;
  s.passed = p;
  // A failed batch fails every batch after it: theirs is the state of their predecessor.
  s.failed = failed || (seq > 0 && Previous(seq).failed);
  if (p == Point::kApplied && seq > 0) states_.erase(seq - 1);  // nobody asks about it again
}

}  // namespace contactd
