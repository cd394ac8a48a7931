// AppendMemTableRepFactory: a RocksDB memtable representation for keys that mostly arrive in
// ascending order, as contacts do (new contacts get ascending ids, and an import writes them in
// id order).
//
// The memtable is a vector of entries. An insert appends and compares the entry with the one
// before it, once; the vector is sorted only when something reads it after an entry arrived out
// of order (at the latest, the flush, in RocksDB's flush thread). RocksDB's skip list instead
// compares each key about 18 times: Debian builds RocksDB without NDEBUG, and the skip list's
// assertions re-check the whole search path after every insert.
//
// Limits: RocksDB's concurrent memtable writes must be off (DBOptions::
// allow_concurrent_memtable_write = false). Readers take the representation's mutex for each
// step, which the writer takes for each insert, and a read after out-of-order inserts sorts them
// and merges them into the rest: fine for a column family that is only scanned (the contacts are,
// at start-up and by flushes), slow for point reads mixed with writes in any order.
//
// Its name is persisted in the OPTIONS file; do not change it.
//
// Thread-safety: RocksDB inserts from one thread at a time (the write group's leader) while any
// number of threads read; every access to the entries holds the representation's mutex.
#pragma once

#include <rocksdb/memtablerep.h>

namespace contactd::persist {

class AppendMemTableRepFactory final : public rocksdb::MemTableRepFactory {
 public:
  using rocksdb::MemTableRepFactory::CreateMemTableRep;
  rocksdb::MemTableRep* CreateMemTableRep(const rocksdb::MemTableRep::KeyComparator& compare,
                                          rocksdb::Allocator* allocator,
                                          const rocksdb::SliceTransform* prefix_extractor,
                                          rocksdb::Logger* logger) override;
  const char* Name() const override { return "contactd.AppendMemTable"; }
  bool IsInsertConcurrentlySupported() const override { return false; }
  bool CanHandleDuplicatedKey() const override { return false; }
};

}  // namespace contactd::persist
