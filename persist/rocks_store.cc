#include "persist/rocks_store.h"

#include <type_traits>
#include <utility>

#include <rocksdb/db.h>
#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <rocksdb/snapshot.h>
#include <rocksdb/write_batch.h>

#include "engine/coding.h"
#include "persist/column_families.h"
#include "persist/db_options.h"
#include "persist/entity_codec.h"
#include "persist/keys.h"
#include "persist/log_tail_check.h"
#include "persist/max_merge.h"

namespace contactd::persist {
namespace {

constexpr size_t kMiB = size_t{1} << 20;
constexpr size_t kContactsReadahead = 4 * kMiB;
// How often a failing recovery is retried (RocksStore::Recover).
constexpr auto kRecoveryInterval = std::chrono::milliseconds(100);

std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

// RocksDB reports a held LOCK file as an I/O error on "<path>/LOCK": "Resource temporarily
// unavailable" from another process, "lock hold by current process" from this one.
bool IsLockError(const rocksdb::Status& s) {
  if (!s.IsIOError()) return false;
  const std::string msg = s.ToString();
  return msg.find("/LOCK") != std::string::npos &&
         (msg.find("lock") != std::string::npos || msg.find("Lock") != std::string::npos);
}

// A file the directory's own metadata names (a MANIFEST, an SST) is missing: damage, not a
// transient problem.
bool IsMissingDataFile(const std::string& path, const rocksdb::Status& s) {
  if (!s.IsPathNotFound()) return false;
  const std::string msg = s.ToString();
  return msg.find(path + "/MANIFEST-") != std::string::npos ||
         msg.find(".sst") != std::string::npos;
}

Status OpenError(const std::string& path, const rocksdb::Status& s) {
  if (s.IsCorruption() || IsMissingDataFile(path, s)) {
    return {Code::kDataLoss, "data directory " + path + " is corrupt: " + s.ToString()};
  }
  if (IsLockError(s)) {
    return {Code::kUnavailable, "data directory " + path + " is in use by another process"};
  }
  if (s.IsNoSpace()) {
    return {Code::kUnavailable,
            "cannot open data directory " + path + ": disk full (" + s.ToString() + ")"};
  }
  return {Code::kUnavailable, "cannot open data directory " + path + ": " + s.ToString()};
}

// The error of a failed write or flush: always kUnavailable, with RocksDB's reason.
Status WriteError(const std::string& path, const rocksdb::Status& s) {
  const std::string reason = s.IsNoSpace() ? "disk full (" + s.ToString() + ")" : s.ToString();
  return {Code::kUnavailable, "cannot write to data directory " + path + ": " + reason};
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 0xf]);
  }
  return out;
}

// What Load() needs to scan a column family: the database, its snapshot and where errors point.
struct ScanContext {
  rocksdb::DB* db;
  const rocksdb::Snapshot* snapshot;
  const std::string& path;
};

Status Corrupt(const std::string& path, Cf cf, const std::string& what) {
  return {Code::kDataLoss,
          "data directory " + path + " is corrupt: " + what + " in column family " + CfName(cf)};
}

// Keys hold numbers only (no personal data), so they may appear in messages.
std::string BadKey(std::string_view key) { return "an undecodable key " + Hex(key); }
std::string BadValue(std::string_view key) { return "an undecodable value (key " + Hex(key) + ")"; }

// Calls fn(key, value) for every entry of `cf` in key order; stops at the first error.
template <typename Fn>
Status Scan(const ScanContext& ctx, rocksdb::ColumnFamilyHandle* handle, Cf cf, size_t readahead,
            Fn&& fn) {
  const std::string end = KeySpaceEnd();
  const rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.snapshot = ctx.snapshot;
  ro.iterate_upper_bound = &upper;
  ro.fill_cache = false;  // read once at start-up: caching it would only evict
  ro.readahead_size = readahead;
  ro.adaptive_readahead = readahead > 0;
  std::unique_ptr<rocksdb::Iterator> it(ctx.db->NewIterator(ro, handle));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (Status s = fn(View(it->key()), View(it->value())); !s.ok()) return s;
  }
  const rocksdb::Status s = it->status();
  if (s.ok()) return {};
  if (s.IsCorruption()) return Corrupt(ctx.path, cf, s.ToString());
  return {Code::kUnavailable, "cannot read data directory " + ctx.path + " (column family " +
                                  std::string(CfName(cf)) + "): " + s.ToString()};
}

// DB::Write, with ThreadSanitizer's view of it corrected. Concurrent writes join a RocksDB write
// group whose leader copies the other threads' batches into the WAL. Debian's RocksDB is not
// instrumented, so TSan cannot see the hand-off and reports the leader's copy (an intercepted
// memcpy) as racing with the owner's building of its batch. Under TSan the accesses made inside
// DB::Write are therefore ignored; everything contactd does before and after it is still checked.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CONTACTD_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define CONTACTD_TSAN 1
#endif
#ifdef CONTACTD_TSAN
extern "C" void __tsan_ignore_thread_begin();
extern "C" void __tsan_ignore_thread_end();
rocksdb::Status WriteInGroup(rocksdb::DB* db, const rocksdb::WriteOptions& wo,
                             rocksdb::WriteBatch* batch) {
  __tsan_ignore_thread_begin();
  rocksdb::Status s = db->Write(wo, batch);
  __tsan_ignore_thread_end();
  return s;
}
#else
rocksdb::Status WriteInGroup(rocksdb::DB* db, const rocksdb::WriteOptions& wo,
                             rocksdb::WriteBatch* batch) {
  return db->Write(wo, batch);
}
#endif

// A little more than the bytes `m` takes in a write batch, so the batch's buffer is allocated once
// instead of doubling a dozen times for an import batch.
size_t BatchBytes(const Mutation& m) {
  constexpr size_t kPerOp = 32;  // tag, column family, lengths and key (16 bytes at most)
  size_t bytes = 64;             // the batch's header and the failed-write token (log data)
  for (const Mutation::Op& op : m.ops) {
    bytes += kPerOp;
    if (const auto* put = std::get_if<Mutation::PutContact>(&op)) bytes += put->record.size();
  }
  return bytes;
}

// Opens the database with contactd's options; `filter` (may be null) sees every WAL record
// replayed. RocksDB's automatic error recovery is off: RocksStore::Recover() replaces it.
rocksdb::Status OpenDb(const RocksStoreOptions& options, rocksdb::WalFilter* filter,
                       std::unique_ptr<rocksdb::DB>* db,
                       std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>>* handles) {
  rocksdb::DBOptions db_options = MakeDbOptions(options.env);
  db_options.listeners.push_back(NoAutoRecoveryListener());
  db_options.max_bgerror_resume_count = 0;
  db_options.wal_filter = filter;
  std::vector<rocksdb::ColumnFamilyHandle*> raw_handles;
  rocksdb::DB* raw_db = nullptr;
  const rocksdb::Status s =
      rocksdb::DB::Open(db_options, options.path, MakeCfDescriptors(), &raw_handles, &raw_db);
  if (!s.ok()) return s;
  db->reset(raw_db);
  handles->clear();
  for (rocksdb::ColumnFamilyHandle* h : raw_handles) handles->emplace_back(h);
  return s;
}

}  // namespace

RocksStore::RocksStore(RocksStoreOptions options, std::unique_ptr<rocksdb::DB> db,
                       std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles)
    : options_(std::move(options)), db_(std::move(db)), handles_(std::move(handles)) {}

RocksStore::~RocksStore() {
  handles_.clear();
  // Close() reports errors instead of hiding them in the destructor; there is nobody to tell.
  if (db_ != nullptr) db_->Close().PermitUncheckedError();
}

Result<std::unique_ptr<RocksStore>> RocksStore::Open(const RocksStoreOptions& options) {
  rocksdb::Env* env = options.env != nullptr ? options.env : rocksdb::Env::Default();
  const bool is_new = env->FileExists(options.path + "/CURRENT").IsNotFound();
  if (!is_new) {
    // Damage RocksDB would take for a torn write and skip without a word (log_tail_check.h).
    if (Status st = CheckLogTails(options.path, env); !st.ok()) return st;
  }
  std::unique_ptr<rocksdb::DB> db;
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles;
  const rocksdb::Status s = OpenDb(options, nullptr, &db, &handles);
  if (!s.ok()) return OpenError(options.path, s);
  std::unique_ptr<RocksStore> store(new RocksStore(options, std::move(db), std::move(handles)));
  store->is_new_ = is_new;
  if (Status st = store->CheckFormatVersion(); !st.ok()) return st;
  return store;
}

Status RocksStore::CheckFormatVersion() {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handle(Cf::kMeta), FormatVersionKey(), &value);
  if (s.IsNotFound()) {
    if (!is_new_) {
      return {Code::kDataLoss, "data directory " + options_.path +
                                   " is damaged: it has a database but no contactd format "
                                   "version (its write-ahead log may be corrupt)"};
    }
    std::string v;
    coding::PutBig32(&v, kFormatVersion);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = db_->Put(wo, handle(Cf::kMeta), FormatVersionKey(), v);
    if (s.ok()) s = db_->Flush(rocksdb::FlushOptions(), handle(Cf::kMeta));
    return s.ok() ? Status() : WriteError(options_.path, s);
  }
  if (!s.ok()) return OpenError(options_.path, s);
  if (value.size() != 4) return Corrupt(options_.path, Cf::kMeta, "a malformed format version");
  const uint32_t version = coding::GetBig32(value.data());
  if (version != kFormatVersion) {
    return {Code::kFailedPrecondition,
            "data directory " + options_.path + " has format version " + std::to_string(version) +
                "; this build reads format version " + std::to_string(kFormatVersion)};
  }
  return {};
}

rocksdb::ColumnFamilyHandle* RocksStore::handle(Cf cf) const {
  return handles_[static_cast<size_t>(cf)].get();
}

Status RocksStore::AddOp(const Mutation::Op& op, rocksdb::WriteBatch* b) const {
  const rocksdb::Status s = std::visit(
      [&](const auto& o) -> rocksdb::Status {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, Mutation::PutWorkspace>) {
          return b->Put(handle(Cf::kWorkspaces), WorkspaceKey(o.workspace.no),
                        EncodeWorkspace(o.workspace));
        } else if constexpr (std::is_same_v<T, Mutation::DeleteWorkspace>) {
          const KeyRange r = WorkspaceRange(o.workspace);
          for (Cf cf : {Cf::kChatbots, Cf::kAttributes, Cf::kApiKeys, Cf::kContacts}) {
            if (rocksdb::Status d = b->DeleteRange(handle(cf), r.begin, r.end); !d.ok()) return d;
          }
          return b->Delete(handle(Cf::kWorkspaces), WorkspaceKey(o.workspace));
        } else if constexpr (std::is_same_v<T, Mutation::PutChatbot>) {
          return b->Put(handle(Cf::kChatbots), ChatbotKey(o.chatbot.workspace, o.chatbot.no),
                        EncodeChatbot(o.chatbot));
        } else if constexpr (std::is_same_v<T, Mutation::DeleteChatbot>) {
          const KeyRange r = ChatbotRange(o.workspace, o.chatbot);
          for (Cf cf : {Cf::kAttributes, Cf::kContacts}) {
            if (rocksdb::Status d = b->DeleteRange(handle(cf), r.begin, r.end); !d.ok()) return d;
          }
          return b->Delete(handle(Cf::kChatbots), ChatbotKey(o.workspace, o.chatbot));
        } else if constexpr (std::is_same_v<T, Mutation::PutApiKey>) {
          return b->Put(handle(Cf::kApiKeys), ApiKeyKey(o.key.workspace, o.key.no),
                        EncodeApiKey(o.key));
        } else if constexpr (std::is_same_v<T, Mutation::DeleteApiKey>) {
          return b->Delete(handle(Cf::kApiKeys), ApiKeyKey(o.workspace, o.key));
        } else if constexpr (std::is_same_v<T, Mutation::PutAttribute>) {
          return b->Put(handle(Cf::kAttributes), AttributeKey(o.workspace, o.chatbot, o.def.no),
                        EncodeAttrDef(o.def));
        } else if constexpr (std::is_same_v<T, Mutation::PutContact>) {
          return b->Put(handle(Cf::kContacts), ContactKey(o.workspace, o.chatbot, o.id),
                        rocksdb::Slice(o.record.data(), o.record.size()));
        } else if constexpr (std::is_same_v<T, Mutation::DeleteContact>) {
          return b->Delete(handle(Cf::kContacts), ContactKey(o.workspace, o.chatbot, o.id));
        } else if constexpr (std::is_same_v<T, Mutation::RaiseCounter>) {
          return b->Merge(handle(Cf::kMeta), CounterKey(o.counter), EncodeCounterValue(o.value));
        }
      },
      op);
  if (s.ok()) return {};
  return {Code::kInternal, "cannot build a write batch: " + s.ToString()};
}

Status RocksStore::Commit(const Mutation& m) {
  // A failed write leaves RocksDB refusing writes (a background error): recover first.
  if (needs_resume_.load(std::memory_order_acquire)) {
    if (Status s = Recover(); !s.ok()) return s;
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.durability == RocksStoreOptions::kSync;
  // The token lets a recovery drop this batch from the WAL if the write fails (failed_writes.h).
  const std::string token = failed_writes_.NextToken();
  rocksdb::Status s;
  {
    std::shared_lock lock(db_mu_);  // handles_ and db_ stay put until the write is done
    if (db_ == nullptr) {
      return {Code::kUnavailable, "cannot write to data directory " + options_.path +
                                      ": still recovering from a failed write"};
    }
    rocksdb::WriteBatch batch(BatchBytes(m));
    for (const Mutation::Op& op : m.ops) {
      if (Status st = AddOp(op, &batch); !st.ok()) return st;
    }
    if (s = batch.PutLogData(token); !s.ok()) {
      return {Code::kInternal, "cannot build a write batch: " + s.ToString()};
    }
    s = WriteInGroup(db_.get(), wo, &batch);
  }
  if (s.ok()) return {};
  failed_writes_.MarkFailed(token);
  needs_resume_.store(true, std::memory_order_release);
  // Recover at once: when the disk works again, the failed record is gone before the caller hears
  // of the failure, so a crash from now on cannot bring it back.
  (void)Recover();
  return WriteError(options_.path, s);
}

Status RocksStore::Recover() {
  std::unique_lock lock(db_mu_);
  if (!needs_resume_.load(std::memory_order_acquire)) return {};
  const auto now = std::chrono::steady_clock::now();
  if (!last_recovery_error_.ok() && now - last_recovery_ < kRecoveryInterval) {
    return last_recovery_error_;
  }
  last_recovery_ = now;
  last_recovery_error_ = Reopen();
  if (last_recovery_error_.ok()) needs_resume_.store(false, std::memory_order_release);
  return last_recovery_error_;
}

Status RocksStore::Reopen() {
  handles_.clear();
  if (db_ != nullptr) {
    db_->Close().PermitUncheckedError();  // it reports the earlier failure
    db_.reset();
  }
  // If the reopen fails (the disk still fails), a crash must not replay the failed records either.
  failed_writes_.TruncateFailedRecords(
      options_.path, options_.env != nullptr ? options_.env : rocksdb::Env::Default());
  std::unique_ptr<rocksdb::DB> db;
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> handles;
  if (rocksdb::Status s = OpenDb(options_, failed_writes_.filter(), &db, &handles); !s.ok()) {
    return WriteError(options_.path, s);  // the disk still fails: report it as a write would
  }
  db_ = std::move(db);
  handles_ = std::move(handles);
  // Flushing makes the WAL that held the failed records obsolete (RocksDB deletes it), so the
  // tokens can be forgotten.
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (const auto& h : handles_) all.push_back(h.get());
  if (rocksdb::Status s = db_->Flush(rocksdb::FlushOptions(), all); !s.ok()) {
    return WriteError(options_.path, s);
  }
  failed_writes_.Clear();
  return {};
}

Status RocksStore::Load(LoadSink* sink) {
  std::shared_lock lock(db_mu_);
  rocksdb::ManagedSnapshot snapshot(db_.get());
  const ScanContext ctx{db_.get(), snapshot.snapshot(), options_.path};
  const std::string& path = options_.path;

  Status s = Scan(ctx, handle(Cf::kMeta), Cf::kMeta, 0, [&](auto key, auto value) -> Status {
    uint8_t counter;
    if (key == FormatVersionKey()) return {};
    if (!DecodeCounterKey(key, &counter)) return Corrupt(path, Cf::kMeta, BadKey(key));
    if (counter < static_cast<uint8_t>(Counter::kContactId) ||
        counter > static_cast<uint8_t>(Counter::kKeyNo)) {
      return {};  // a counter added by a later version
    }
    uint64_t v;
    if (!DecodeCounterValue(value, &v)) return Corrupt(path, Cf::kMeta, BadValue(key));
    return sink->OnCounter(static_cast<Counter>(counter), v);
  });
  if (!s.ok()) return s;

  s = Scan(ctx, handle(Cf::kWorkspaces), Cf::kWorkspaces, 0, [&](auto key, auto value) -> Status {
    Workspace ws;
    if (!DecodeWorkspaceKey(key, &ws.no)) return Corrupt(path, Cf::kWorkspaces, BadKey(key));
    if (!DecodeWorkspace(value, &ws)) return Corrupt(path, Cf::kWorkspaces, BadValue(key));
    return sink->OnWorkspace(std::move(ws));
  });
  if (!s.ok()) return s;

  s = Scan(ctx, handle(Cf::kChatbots), Cf::kChatbots, 0, [&](auto key, auto value) -> Status {
    ChatbotInfo cb;
    if (!DecodeChatbotKey(key, &cb.workspace, &cb.no)) {
      return Corrupt(path, Cf::kChatbots, BadKey(key));
    }
    if (!DecodeChatbot(value, &cb)) return Corrupt(path, Cf::kChatbots, BadValue(key));
    return sink->OnChatbot(std::move(cb));
  });
  if (!s.ok()) return s;

  s = Scan(ctx, handle(Cf::kAttributes), Cf::kAttributes, 0, [&](auto key, auto value) -> Status {
    WorkspaceNo ws;
    ChatbotNo chatbot;
    AttrDef def;
    if (!DecodeAttributeKey(key, &ws, &chatbot, &def.no)) {
      return Corrupt(path, Cf::kAttributes, BadKey(key));
    }
    if (!DecodeAttrDef(value, &def)) return Corrupt(path, Cf::kAttributes, BadValue(key));
    return sink->OnAttribute(ws, chatbot, std::move(def));
  });
  if (!s.ok()) return s;

  s = Scan(ctx, handle(Cf::kApiKeys), Cf::kApiKeys, 0, [&](auto key, auto value) -> Status {
    ApiKeyInfo k;
    if (!DecodeApiKeyKey(key, &k.workspace, &k.no)) {
      return Corrupt(path, Cf::kApiKeys, BadKey(key));
    }
    if (!DecodeApiKey(value, &k)) return Corrupt(path, Cf::kApiKeys, BadValue(key));
    return sink->OnApiKey(std::move(k));
  });
  if (!s.ok()) return s;

  // Key order is [workspace][chatbot][id]: contacts arrive grouped by chatbot.
  return Scan(ctx, handle(Cf::kContacts), Cf::kContacts, kContactsReadahead,
              [&](auto key, auto value) -> Status {
                WorkspaceNo ws;
                ChatbotNo chatbot;
                ContactId id;
                if (!DecodeContactKey(key, &ws, &chatbot, &id)) {
                  return Corrupt(path, Cf::kContacts, BadKey(key));
                }
                return sink->OnContact(ws, chatbot, id, value);
              });
}

Status RocksStore::Flush() {
  // After a failed write the WAL must not be touched until the database has recovered (RocksDB
  // treats syncing a WAL file that saw an error as a bug).
  if (Status r = Recover(); !r.ok()) return r;
  std::shared_lock lock(db_mu_);
  if (db_ == nullptr) return WriteError(options_.path, rocksdb::Status::Aborted("not open"));
  if (rocksdb::Status s = db_->FlushWAL(/*sync=*/true); !s.ok()) {
    return WriteError(options_.path, s);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (const auto& h : handles_) all.push_back(h.get());
  if (rocksdb::Status s = db_->Flush(rocksdb::FlushOptions(), all); !s.ok()) {
    return WriteError(options_.path, s);
  }
  return {};
}

Status RocksStore::Erase() {
  std::lock_guard lock(erase_mu_);
  if (Status r = Recover(); !r.ok()) return r;  // after a failed write (see Commit())
  std::shared_lock db_lock(db_mu_);
  if (db_ == nullptr) return WriteError(options_.path, rocksdb::Status::Aborted("not open"));
  const uint64_t sequence = db_->GetLatestSequenceNumber();
  if (sequence == erased_through_) return {};  // nothing written since the last erasure
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (const auto& h : handles_) all.push_back(h.get());
  rocksdb::FlushOptions flush;
  flush.allow_write_stall = true;
  if (rocksdb::Status s = db_->Flush(flush, all); !s.ok()) return WriteError(options_.path, s);

  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  compact.exclusive_manual_compaction = false;  // background compactions may go on meanwhile
  for (rocksdb::ColumnFamilyHandle* h : all) {
    if (rocksdb::Status s = db_->CompactRange(compact, h, nullptr, nullptr); !s.ok()) {
      return WriteError(options_.path, s);
    }
  }
  // Each job deletes the files it made obsolete as it ends; a forced purge (re-enabling file
  // deletions with force) also removes any that another job was still holding.
  if (rocksdb::Status s = db_->DisableFileDeletions(); !s.ok()) {
    return WriteError(options_.path, s);
  }
  if (rocksdb::Status s = db_->EnableFileDeletions(/*force=*/true); !s.ok()) {
    return WriteError(options_.path, s);
  }
  erased_through_ = sequence;
  return {};
}

}  // namespace contactd::persist
