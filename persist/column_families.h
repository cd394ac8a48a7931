// The column families of the RocksDB store, declared in one table (column_families.cc): each one's
// name and tuning. Every entity kind has its own column family, keyed as persist/keys.h describes.
//
// The names are persisted; do not change them. Cf values index the handle vector RocksStore gets
// from DB::Open and are not persisted.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <vector>

#include <rocksdb/db.h>

namespace contactd::persist {

enum class Cf : size_t {
  kDefault = 0,  // required by RocksDB; unused
  kMeta,         // counters and the format version
  kWorkspaces,
  kChatbots,
  kAttributes,
  kApiKeys,
  kContacts,
};
inline constexpr size_t kCfCount = 7;

// The column family's persisted name, e.g. "contacts".
const char* CfName(Cf cf);

// The descriptors to open the store with, in Cf order, each built from `base` plus its own
// tuning (write buffers, block size, merge operator, memtable). The contacts' memtable needs
// DBOptions::allow_concurrent_memtable_write = false (persist/append_memtable.h).
std::vector<rocksdb::ColumnFamilyDescriptor> CfDescriptors(
    const rocksdb::ColumnFamilyOptions& base);

}  // namespace contactd::persist
