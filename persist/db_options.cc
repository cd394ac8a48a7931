#include "persist/db_options.h"

#include <algorithm>
#include <cstddef>

#include <rocksdb/convenience.h>

#include "persist/column_families.h"

namespace contactd::persist {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

}  // namespace

void SetCompression(rocksdb::ColumnFamilyOptions* o) {
  const std::vector<rocksdb::CompressionType> have = rocksdb::GetSupportedCompressions();
  auto supported = [&](rocksdb::CompressionType t) {
    return std::find(have.begin(), have.end(), t) != have.end();
  };
  if (supported(rocksdb::kLZ4Compression)) {
    o->compression = rocksdb::kLZ4Compression;
  } else if (supported(rocksdb::kSnappyCompression)) {
    o->compression = rocksdb::kSnappyCompression;
  } else {
    o->compression = rocksdb::kNoCompression;
  }
  if (supported(rocksdb::kZSTD)) o->bottommost_compression = rocksdb::kZSTD;
}

rocksdb::DBOptions MakeDbOptions(rocksdb::Env* env) {
  rocksdb::DBOptions db;
  if (env != nullptr) db.env = env;
  db.create_if_missing = true;
  db.create_missing_column_families = true;
  db.paranoid_checks = true;
  // The contacts' memtable (persist/append_memtable.h) takes one insert at a time; a write group's
  // leader inserts the whole group.
  db.allow_concurrent_memtable_write = false;
  // A torn last record (a crash mid-write, never an acknowledged one) is dropped; any other damage
  // to the write-ahead log fails the open instead of silently starting from less data.
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db.IncreaseParallelism(2);  // sized for 2 cores: one flush and one compaction at a time
  db.max_background_jobs = 2;
  db.bytes_per_sync = 1 * kMiB;      // smooth SST writeback instead of one large fsync
  db.wal_bytes_per_sync = 1 * kMiB;  // likewise for the WAL in kBuffered mode
  // Bounds WAL replay at start-up: small column families are flushed once the WAL grows past it.
  db.max_total_wal_size = 256 * kMiB;
  db.keep_log_file_num = 4;
  db.max_log_file_size = 16 * kMiB;
  db.max_manifest_file_size = 64 * kMiB;
  return db;
}

std::vector<rocksdb::ColumnFamilyDescriptor> MakeCfDescriptors() {
  rocksdb::ColumnFamilyOptions base;
  SetCompression(&base);
  return CfDescriptors(base);
}

}  // namespace contactd::persist
