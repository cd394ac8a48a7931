// FailedWrites: makes sure a write RocksStore answered with an error never comes back.
//
// A failed WAL sync (or a failed write after part of the WAL file reached the disk) can leave the
// failed batch's bytes in the write-ahead log. RocksDB then refuses every write (a "background
// error"), and reopening the database would replay that record: a request answered 503 ("nothing
// was applied") would appear after all. RocksStore therefore tags every batch with a unique token
// (a WriteBatch LogData blob, which is written to the WAL but never stored), records the tokens of
// failed batches here, and recovers by reopening the database with filter(): a WalFilter that
// drops every WAL record carrying a failed token. Once the reopened database has flushed its
// memtables, the WAL that held those records is obsolete and the tokens can be forgotten.
//
// Reopening fails while the disk still fails (it writes a new MANIFEST), and a crash then would
// replay the failed records without the filter. So before reopening, RocksStore also cuts each WAL
// file just before its first failed record (TruncateFailedRecords): failed records are always a
// WAL's last ones, because RocksDB accepts no write after a failed one.
//
// What is left: if the process dies between the failed write and the cut (before the caller got
// its answer), or the disk refuses even the cut, a restart replays the failed record. A power loss
// may undo a cut the disk could not sync.
//
// NoAutoRecoveryListener() vetoes RocksDB's own background recovery (Resume): in RocksDB 7.8 it
// keeps using the WAL file that failed when every memtable is empty, which trips an assertion and
// aborts the process. RocksStore's reopen replaces it.
//
// Thread-safety: every method may be called from any thread; the filter is called by DB::Open.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace rocksdb {
class Env;
class EventListener;
class WalFilter;
}  // namespace rocksdb

namespace contactd::persist {

class FailedWrites {
 public:
  FailedWrites();
  ~FailedWrites();
  FailedWrites(const FailedWrites&) = delete;
  FailedWrites& operator=(const FailedWrites&) = delete;

  // A token no other batch of this process carries (a random prefix per FailedWrites, then a
  // counter).
  std::string NextToken();
  // Records that the batch carrying `token` failed.
  void MarkFailed(const std::string& token);
  // Forgets every failed token (call once no WAL file can hold their records).
  void Clear();
  // How many failed tokens are recorded.
  size_t size() const;
  // True when `blob` is the token of a failed batch.
  bool IsFailed(std::string_view blob) const;

  // With the database closed: truncates every write-ahead log of the data directory `path` before
  // its first record that carries a failed token, when only such records follow. Returns how many
  // files it cut; files it cannot read or cut are left alone (the filter still drops the records).
  int TruncateFailedRecords(const std::string& path, rocksdb::Env* env) const;

  // The filter to reopen the database with; valid while this object lives.
  rocksdb::WalFilter* filter() const;

 private:
  class Filter;

  const uint64_t prefix_;
  std::atomic<uint64_t> next_{0};
  mutable std::mutex mu_;
  std::set<std::string, std::less<>> failed_;  // guarded by mu_
  std::unique_ptr<Filter> filter_;
};

// An event listener that turns off RocksDB's automatic recovery from background errors.
std::shared_ptr<rocksdb::EventListener> NoAutoRecoveryListener();

}  // namespace contactd::persist
