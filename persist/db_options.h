// The RocksDB options a contactd data directory is opened with: the database options (durability
// checks, background jobs, WAL limits) and the column families with their compression and tuning.
// RocksStore::Open uses them, and so does bench/limits/rocks_write, so that the raw-RocksDB limit
// writes with exactly contactd's configuration.
//
// Thread-safety: pure functions; each call returns fresh options (each MakeCfDescriptors() call
// makes its own block cache and merge operator).
#pragma once

#include <vector>

#include <rocksdb/db.h>  // ColumnFamilyDescriptor
#include <rocksdb/env.h>
#include <rocksdb/options.h>

namespace contactd::persist {

// Compression for the write-heavy levels (LZ4 when built in, else Snappy, else none) and for the
// bottommost level, which holds most of the data and is rewritten least (ZSTD when built in).
void SetCompression(rocksdb::ColumnFamilyOptions* o);

// The database options. `env` is the environment RocksDB reads and writes through; null means the
// real file system.
rocksdb::DBOptions MakeDbOptions(rocksdb::Env* env = nullptr);

// The column families to open the store with, in Cf order (persist/column_families.h): each one's
// tuning on top of SetCompression().
std::vector<rocksdb::ColumnFamilyDescriptor> MakeCfDescriptors();

}  // namespace contactd::persist
