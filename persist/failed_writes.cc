#include "persist/failed_writes.h"

#include <random>

#include <rocksdb/listener.h>
#include <rocksdb/wal_filter.h>
#include <rocksdb/write_batch.h>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include "engine/coding.h"
#include "persist/log_tail_check.h"

namespace contactd::persist {
namespace {

constexpr std::string_view kTokenTag = "contactd.commit:";
constexpr size_t kTokenSize = kTokenTag.size() + 16;

// Finds the LogData blobs of a batch read back from the WAL.
class TokenFinder final : public rocksdb::WriteBatch::Handler {
 public:
  explicit TokenFinder(const FailedWrites* failed) : failed_(failed) {}
  void LogData(const rocksdb::Slice& blob) override {
    if (failed_->IsFailed(std::string_view(blob.data(), blob.size()))) found = true;
  }
  // Entries other than LogData are of no interest; the defaults of Handler accept them.
  rocksdb::Status PutCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  bool found = false;

 private:
  const FailedWrites* failed_;
};

class NoAutoRecovery final : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "contactd.NoAutoRecovery"; }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status /*bg_error*/,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

}  // namespace

class FailedWrites::Filter final : public rocksdb::WalFilter {
 public:
  explicit Filter(const FailedWrites* failed) : failed_(failed) {}
  const char* Name() const override { return "contactd.DropFailedWrites"; }
  WalProcessingOption LogRecordFound(unsigned long long /*log_number*/,
                                     const std::string& /*log_file_name*/,
                                     const rocksdb::WriteBatch& batch,
                                     rocksdb::WriteBatch* /*new_batch*/,
                                     bool* /*batch_changed*/) override {
    if (failed_->size() == 0) return WalProcessingOption::kContinueProcessing;
    TokenFinder finder(failed_);
    // A batch that cannot be iterated is left to RocksDB, which reports it.
    if (!batch.Iterate(&finder).ok()) return WalProcessingOption::kContinueProcessing;
    return finder.found ? WalProcessingOption::kIgnoreCurrentRecord
                        : WalProcessingOption::kContinueProcessing;
  }
  WalProcessingOption LogRecord(const rocksdb::WriteBatch& /*batch*/,
                                rocksdb::WriteBatch* /*new_batch*/,
                                bool* /*batch_changed*/) const override {
    return WalProcessingOption::kContinueProcessing;  // unused: LogRecordFound is overridden
  }

 private:
  const FailedWrites* failed_;
};

FailedWrites::FailedWrites()
    : prefix_(std::random_device{}() * 0x100000001ull ^ std::random_device{}()),
      filter_(std::make_unique<Filter>(this)) {}

FailedWrites::~FailedWrites() = default;

rocksdb::WalFilter* FailedWrites::filter() const { return filter_.get(); }

std::string FailedWrites::NextToken() {
  std::string token(kTokenTag);
  coding::PutBig64(&token, prefix_);
  coding::PutBig64(&token, next_.fetch_add(1, std::memory_order_relaxed));
  return token;
}

void FailedWrites::MarkFailed(const std::string& token) {
  std::lock_guard lock(mu_);
  failed_.insert(token);
}

void FailedWrites::Clear() {
  std::lock_guard lock(mu_);
  failed_.clear();
}

size_t FailedWrites::size() const {
  std::lock_guard lock(mu_);
  return failed_.size();
}

bool FailedWrites::IsFailed(std::string_view blob) const {
  if (blob.size() != kTokenSize || !blob.starts_with(kTokenTag)) return false;
  std::lock_guard lock(mu_);
  return failed_.find(blob) != failed_.end();
}

int FailedWrites::TruncateFailedRecords(const std::string& path, rocksdb::Env* env) const {
  if (size() == 0) return 0;
  std::vector<std::string> children;
  if (!env->GetChildren(path, &children).ok()) return 0;
  int cut = 0;
  for (const std::string& name : children) {
    if (name.size() <= 4 || !name.ends_with(".log") ||
        name.find_first_not_of("0123456789") != name.size() - 4) {
      continue;
    }
    const std::string file = path + "/" + name;
    std::string contents;
    if (!rocksdb::ReadFileToString(env, file, &contents).ok()) continue;
    const std::vector<LogRecord> records = ReadLogRecords(contents);
    auto carries_failed = [&](const LogRecord& r) {
      for (size_t at = r.payload.find(kTokenTag); at != std::string::npos;
           at = r.payload.find(kTokenTag, at + 1)) {
        if (IsFailed(std::string_view(r.payload).substr(at, kTokenSize))) return true;
      }
      return false;
    };
    size_t first_failed = records.size();
    for (size_t i = 0; i < records.size(); ++i) {
      if (carries_failed(records[i])) {
        first_failed = i;
        break;
      }
    }
    if (first_failed == records.size()) continue;
    bool only_failed_after = true;
    for (size_t i = first_failed; i < records.size(); ++i) {
      only_failed_after = only_failed_after && carries_failed(records[i]);
    }
    if (!only_failed_after) continue;
    // FileSystem::Truncate is not implemented for POSIX; a reopened writable file's is.
    std::unique_ptr<rocksdb::FSWritableFile> out;
    if (!env->GetFileSystem()
             ->ReopenWritableFile(file, rocksdb::FileOptions(), &out, nullptr)
             .ok()) {
      continue;
    }
    const bool ok = out->Truncate(records[first_failed].begin, rocksdb::IOOptions(), nullptr).ok();
    // Best effort: a disk that fails syncs still keeps the cut in the page cache, which is what a
    // crash of the process (not of the machine) leaves behind.
    if (ok) out->Fsync(rocksdb::IOOptions(), nullptr).PermitUncheckedError();
    if (out->Close(rocksdb::IOOptions(), nullptr).ok() && ok) ++cut;
  }
  return cut;
}

std::shared_ptr<rocksdb::EventListener> NoAutoRecoveryListener() {
  return std::make_shared<NoAutoRecovery>();
}

}  // namespace contactd::persist
