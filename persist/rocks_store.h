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
// Thread-safety: Commit() may be called from any number of threads at once (and is not serialized
// by RocksStore). Load() is called once, before any Commit(). Flush() is for shutdown: call it once
// commits have stopped.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engine/storage.h"

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
  // fails (I/O error, disk full); the next Commit() first tries to resume the database.
  Status Commit(const Mutation& m) override;

  // Streams every stored entity into `sink` from one snapshot: counters, workspaces, chatbots,
  // attributes, API keys, then contacts in key order (grouped by chatbot). Returns kDataLoss,
  // naming the column family, when a stored key or value cannot be decoded.
  Status Load(LoadSink* sink) override;

  // Syncs the WAL, making every commit so far durable (needed at shutdown in kBuffered mode), and
  // flushes the memtables so a restart after a clean stop replays no WAL. After a failed write it
  // first resumes the database, and fails if that does not work.
  Status Flush() override;

  // True when this Open() created the database (the data directory had none).
  bool IsNew() const override { return is_new_; }

 private:
  RocksStore(RocksStoreOptions options, std::unique_ptr<rocksdb::DB> db,
             std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles);

  rocksdb::ColumnFamilyHandle* handle(Cf cf) const;
  Status AddOp(const Mutation::Op& op, rocksdb::WriteBatch* batch) const;
  // Checks the stored format version; on a new database writes it and flushes it to a table
  // file, so it never depends on the write-ahead log alone.
  Status CheckFormatVersion();

  const RocksStoreOptions options_;
  bool is_new_ = false;
  const std::unique_ptr<rocksdb::DB> db_;
  // Destroyed before db_ (declared after it), as RocksDB requires.
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles_;
  // Set when a write failed; the next Commit() calls DB::Resume() once before writing.
  std::atomic<bool> needs_resume_{false};
};

}  // namespace contactd::persist
