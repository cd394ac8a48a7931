#include "persist/append_memtable.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace contactd::persist {
namespace {

using rocksdb::MemTableRep;
using rocksdb::Slice;

class EntryIterator;

// The entries (RocksDB's encoded key and value, in the memtable's arena) in insertion order,
// sorted on demand. Every member but memory_bytes_ is guarded by mu_.
class AppendRep final : public MemTableRep {
 public:
  AppendRep(const KeyComparator& compare, rocksdb::Allocator* allocator)
      : MemTableRep(allocator), compare_(compare) {}

  void Insert(rocksdb::KeyHandle handle) override {
    const char* entry = static_cast<const char*>(handle);
    std::lock_guard lock(mu_);
    if (sorted_ == entries_.size() && (entries_.empty() || compare_(entries_.back(), entry) < 0)) {
      ++sorted_;
    }
    entries_.push_back(entry);
    memory_bytes_.store(entries_.capacity() * sizeof(const char*), std::memory_order_relaxed);
  }

  bool Contains(const char* key) const override {
    const Slice target = compare_.decode_key(key);
    std::lock_guard lock(mu_);
    const size_t i = FirstNotBefore(target);
    return i < entries_.size() && compare_(entries_[i], target) == 0;
  }

  // MarkReadOnly() sorts nothing: RocksDB calls it under the database's mutex, and the flush
  // thread's first read sorts.

  // Calls `callback` on the entries from the first not before `k`, until it returns false.
  void Get(const rocksdb::LookupKey& k, void* callback_args,
           bool (*callback)(void* arg, const char* entry)) override {
    const Slice target = compare_.decode_key(MemtableKeyOf(k));
    std::lock_guard lock(mu_);
    for (size_t i = FirstNotBefore(target); i < entries_.size(); ++i) {
      if (!callback(callback_args, entries_[i])) break;
    }
  }

  // RocksDB asks after every insert, to decide when to flush.
  size_t ApproximateMemoryUsage() override { return memory_bytes_.load(std::memory_order_relaxed); }

  Iterator* GetIterator(rocksdb::Arena* arena) override;

 private:
  friend class EntryIterator;

  // RocksDB's LookupKey (db/dbformat.h) is not a public type. Its first member, since LevelDB,
  // points at the memtable key: a varint32 length, then the internal key. The Get tests in
  // tests/persist/append_memtable_test.cc fail if that ever changes.
  static const char* MemtableKeyOf(const rocksdb::LookupKey& k) {
    const char* start = nullptr;
    std::memcpy(&start, static_cast<const void*>(&k), sizeof start);
    return start;
  }

  // Sorts the entries that arrived out of order and merges them into the sorted prefix. Entries
  // keep their addresses, so iterators re-find their place after a sort (generation_).
  void Sort() const {
    if (sorted_ == entries_.size()) return;
    auto less = [this](const char* a, const char* b) { return compare_(a, b) < 0; };
    const auto middle = entries_.begin() + static_cast<ptrdiff_t>(sorted_);
    std::sort(middle, entries_.end(), less);
    std::inplace_merge(entries_.begin(), middle, entries_.end(), less);
    sorted_ = entries_.size();
    ++generation_;
  }

  // The index of the first entry not before `target` (an internal key), after sorting.
  size_t FirstNotBefore(const Slice& target) const {
    Sort();
    return static_cast<size_t>(
        std::partition_point(entries_.begin(), entries_.end(),
                             [&](const char* e) { return compare_(e, target) < 0; }) -
        entries_.begin());
  }

  // The index of the first entry after `target`, after sorting.
  size_t FirstAfter(const Slice& target) const {
    Sort();
    return static_cast<size_t>(
        std::partition_point(entries_.begin(), entries_.end(),
                             [&](const char* e) { return compare_(e, target) <= 0; }) -
        entries_.begin());
  }

  // Memory for an iterator asked for in an arena. RocksDB's Arena is not a public type, and
  // RocksDB destroys such an iterator without freeing it: its memory stays here until the
  // representation goes, after its iterators (they hold the memtable). Each takes 64 bytes;
  // contactd asks for one per scan of the contacts at start-up and one per flush.
  struct alignas(std::max_align_t) Slot {
    unsigned char bytes[64];
  };
  void* TakeSlot() {
    std::lock_guard lock(mu_);
    slots_.push_back(std::make_unique<Slot>());
    return slots_.back().get();
  }

  const KeyComparator& compare_;
  mutable std::mutex mu_;
  mutable std::vector<const char*> entries_;
  mutable size_t sorted_ = 0;            // entries_[0, sorted_) ascend
  mutable uint64_t generation_ = 0;      // counts the sorts that moved entries
  std::atomic<size_t> memory_bytes_{0};  // entries_.capacity() in bytes, read without mu_
  std::vector<std::unique_ptr<Slot>> slots_;
};

// Reads the representation under its mutex, one step at a time, so it never copies the entries
// and sees the entries inserted since it was created (as RocksDB's skip list iterator does).
class EntryIterator final : public MemTableRep::Iterator {
 public:
  explicit EntryIterator(AppendRep* rep) : rep_(rep) {}

  bool Valid() const override { return entry_ != nullptr; }
  const char* key() const override { return entry_; }

  void Next() override {
    std::lock_guard lock(rep_->mu_);
    Refind();
    Place(pos_ + 1);
  }
  void Prev() override {
    std::lock_guard lock(rep_->mu_);
    Refind();
    Place(pos_ == 0 ? rep_->entries_.size() : pos_ - 1);
  }
  void Seek(const Slice& internal_key, const char* /*memtable_key*/) override {
    std::lock_guard lock(rep_->mu_);
    Place(rep_->FirstNotBefore(internal_key));
  }
  void SeekForPrev(const Slice& internal_key, const char* /*memtable_key*/) override {
    std::lock_guard lock(rep_->mu_);
    const size_t after = rep_->FirstAfter(internal_key);
    Place(after == 0 ? rep_->entries_.size() : after - 1);
  }
  void SeekToFirst() override {
    std::lock_guard lock(rep_->mu_);
    rep_->Sort();
    Place(0);
  }
  void SeekToLast() override {
    std::lock_guard lock(rep_->mu_);
    rep_->Sort();
    const size_t n = rep_->entries_.size();
    Place(n == 0 ? 0 : n - 1);
  }

 private:
  // Positions at entries_[pos] (past the end: not valid), with the representation sorted.
  void Place(size_t pos) {
    pos_ = pos;
    entry_ = pos < rep_->entries_.size() ? rep_->entries_[pos] : nullptr;
    generation_ = rep_->generation_;
  }

  // Sorts the entries, and finds this iterator's entry again if a sort moved it.
  void Refind() {
    rep_->Sort();
    if (entry_ != nullptr && generation_ != rep_->generation_) {
      Place(rep_->FirstNotBefore(rep_->compare_.decode_key(entry_)));
    }
  }

  AppendRep* rep_;
  const char* entry_ = nullptr;
  size_t pos_ = 0;
  uint64_t generation_ = 0;
};

MemTableRep::Iterator* AppendRep::GetIterator(rocksdb::Arena* arena) {
  static_assert(sizeof(EntryIterator) <= sizeof(Slot) && alignof(EntryIterator) <= alignof(Slot));
  if (arena == nullptr) return new EntryIterator(this);  // the caller deletes it
  return new (TakeSlot()) EntryIterator(this);
}

}  // namespace

MemTableRep* AppendMemTableRepFactory::CreateMemTableRep(
    const MemTableRep::KeyComparator& compare, rocksdb::Allocator* allocator,
    const rocksdb::SliceTransform* /*prefix_extractor*/, rocksdb::Logger* /*logger*/) {
  return new AppendRep(compare, allocator);
}

}  // namespace contactd::persist
