// RocksStore: the RocksDB implementation of engine/storage.h, the store behind a contactd data
// directory.
//
// Each entity kind has its own column family (persist/column_families.h), keyed tenant first as
// persist/keys.h describes; values are persist/entity_codec.h encodings, contact records as the
// engine encodes them (engine/record.h) and counters as 8-byte big-endian numbers merged with
// persist/max_merge.h. One Mutation is one WriteBatch and one DB::Write: all of it or none of it.
// Deleting a workspace or chatbot drops its descendants with range deletes in that same batch.
//
// Durability: kSync writes with WriteOptions.sync, so Commit() returns after the WAL is on disk;
// concurrent commits join one RocksDB write group and share one fsync (group commit). kBuffered
// leaves the WAL in the OS page cache: a commit survives a crash of the process but not of the
// machine until Flush().
//
// Failed writes (persist/failed_writes.h): a Commit() that fails returns kUnavailable and is never
// applied, not even by a later restart. Every batch carries a token in the WAL; after a failure
// RocksStore closes the database and reopens it with a WAL filter that drops the failed batches'
// records, then flushes, so the WAL file that held them is deleted. It tries that at once (before
// the failing Commit() returns) and again on later calls, at most every 100 ms, until the disk
// works. RocksDB's own recovery (Resume) is not used: in RocksDB 7.8 it can abort the process.
// Opening a data directory first checks the tails of its WALs and MANIFEST for damage RocksDB
// would silently skip (persist/log_tail_check.h).
//
// Thread-safety: Commit() may be called from any number of threads at once (and is not serialized
// by RocksStore; they share db_mu_, which a recovery takes exclusively). Load() is called once,
// before any Commit(). Flush() is for shutdown: call it once commits have stopped.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "engine/shared_mutex.h"
#include "engine/storage.h"
#include "persist/failed_writes.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Env;
class WriteBatch;
}  // namespace rocksdb

namespace contactd::persist {

enum class Cf : size_t;

struct RocksStoreOptions {
  std::string path;  // the data directory; created when missing
  enum Durability { kSync, kBuffered } durability = kSync;
  // The environment RocksDB reads and writes through; null means the real file system. Tests set
  // it to inject I/O failures.
  rocksdb::Env* env = nullptr;
};

class RocksStore final : public contactd::Storage {
 public:
  // Opens (creating when missing) the data directory. Returns kDataLoss when the directory is
  // corrupt, kUnavailable when it is in use by another process or cannot be opened, and
  // kFailedPrecondition when it holds a format version this build cannot read.
  static Result<std::unique_ptr<RocksStore>> Open(const RocksStoreOptions& options);

  ~RocksStore() override;
  RocksStore(const RocksStore&) = delete;
  RocksStore& operator=(const RocksStore&) = delete;

  // Writes `m` as one atomic batch. Returns kUnavailable, with RocksDB's reason, when the write
  // fails (I/O error, disk full) or the database is still recovering from an earlier failure; the
  // failed batch is never applied (see "Failed writes" above).
  Status Commit(const Mutation& m) override;

  // Streams every stored entity into `sink` from one snapshot: counters, workspaces, chatbots,
  // attributes, API keys, then contacts in key order (grouped by chatbot). Returns kDataLoss,
  // naming the column family, when a stored key or value cannot be decoded.
  Status Load(LoadSink* sink) override;

  // Syncs the WAL, making every commit so far durable (needed at shutdown in kBuffered mode), and
  // flushes the memtables so a restart after a clean stop replays no WAL. After a failed write it
  // first recovers the database, and fails if that does not work.
  Status Flush() override;

  // Erasure (engine/storage.h): flushes every memtable, so that the write-ahead log files holding
  // deleted data become obsolete; compacts every column family down to the last level with a
  // forced rewrite, so that deletes meet the values they delete and both are dropped; then deletes
  // the obsolete WAL and table files at once. Keys never hold personal data (persist/keys.h), so
  // the MANIFEST's key ranges reveal nothing. Does nothing when no write happened since the last
  // erasure. One erasure runs at a time; commits continue meanwhile.
  Status Erase() override;

  // True when this Open() created the database (the data directory had none).
  bool IsNew() const override { return is_new_; }

 private:
  RocksStore(RocksStoreOptions options, std::unique_ptr<rocksdb::DB> db,
             std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles);

  rocksdb::ColumnFamilyHandle* handle(Cf cf) const;
  Status AddOp(const Mutation::Op& op, rocksdb::WriteBatch* batch) const;
  // After a failed write: reopens the database without the failed batches (see above). Returns OK
  // when there is nothing to recover. Takes db_mu_ exclusively; call it without holding db_mu_.
  Status Recover();
  Status Reopen();  // Recover()'s work, with db_mu_ held exclusively
  // Checks the stored format version; on a new database writes it and flushes it to a table
  // file, so it never depends on the write-ahead log alone.
  Status CheckFormatVersion();

  const RocksStoreOptions options_;
  bool is_new_ = false;
  // Replaced by Recover() (null while a reopen failed); guarded by db_mu_, as handles_ is.
  SharedMutex db_mu_;
  std::unique_ptr<rocksdb::DB> db_;
  // Destroyed before db_ (declared after it), as RocksDB requires.
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles_;
  // Set when a write failed: the database must be reopened (Recover()) before the next write.
  std::atomic<bool> needs_resume_{false};
  FailedWrites failed_writes_;
  // The last recovery attempt and its result; guarded by db_mu_ (exclusive).
  std::chrono::steady_clock::time_point last_recovery_;
  Status last_recovery_error_;
  // Serializes Erase(); guards erased_through_.
  std::mutex erase_mu_;
  // The sequence number the last complete erasure covered (0: none yet).
  uint64_t erased_through_ = 0;
};

}  // namespace contactd::persist
