#include "tests/fault/fault_fs.h"

#include <utility>

namespace contactd::fault {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// A writable file whose appends count as kWrite and whose syncs count as kSync.
class FaultWritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultWritableFile(std::unique_ptr<rocksdb::FSWritableFile> target, FaultFs* fs)
      : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(OpClass::kWrite, "append"); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(OpClass::kWrite, "append"); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(OpClass::kWrite, "positioned append"); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(OpClass::kWrite, "positioned append"); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg);
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(OpClass::kSync, "sync"); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Sync(options, dbg);
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(OpClass::kSync, "fsync"); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Fsync(options, dbg);
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(OpClass::kSync, "range sync"); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg);
  }

 private:
  FaultFs* fs_;
};

// A directory whose fsyncs count as kSync.
class FaultDirectory final : public rocksdb::FSDirectoryWrapper {
 public:
  FaultDirectory(std::unique_ptr<rocksdb::FSDirectory> target, FaultFs* fs)
      : FSDirectoryWrapper(std::move(target)), fs_(fs) {}

  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Check(OpClass::kSync, "directory fsync"); !s.ok()) return s;
    return FSDirectoryWrapper::Fsync(options, dbg);
  }
  IOStatus FsyncWithDirOptions(const IOOptions& options, IODebugContext* dbg,
                               const rocksdb::DirFsyncOptions& dir_options) override {
    if (IOStatus s = fs_->Check(OpClass::kSync, "directory fsync"); !s.ok()) return s;
    return FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options);
  }

 private:
  FaultFs* fs_;
};

}  // namespace

FaultFs::FaultFs(std::shared_ptr<rocksdb::FileSystem> target)
    : FileSystemWrapper(std::move(target)) {}

void FaultFs::Arm(const FaultSpec& spec) {
  std::lock_guard lock(mu_);
  spec_ = spec;
  armed_ = true;
  fired_ = false;
  seen_ = 0;
}

void FaultFs::Clear() {
  std::lock_guard lock(mu_);
  armed_ = false;
}

bool FaultFs::Fired() const {
  std::lock_guard lock(mu_);
  return fired_;
}

uint64_t FaultFs::count(OpClass op) const {
  return op == OpClass::kWrite ? writes_.load() : syncs_.load();
}

std::string FaultFs::Describe(const FaultSpec& spec) {
  return std::string(spec.op == OpClass::kWrite ? "write" : "sync") + " #" +
         std::to_string(spec.nth) + (spec.persistent ? " persistent " : " once ") +
         (spec.error == ErrorKind::kNoSpace ? "no-space" : "I/O error");
}

IOStatus FaultFs::Check(OpClass op, const char* what) {
  (op == OpClass::kWrite ? writes_ : syncs_).fetch_add(1);
  std::lock_guard lock(mu_);
  if (!armed_ || op != spec_.op) return IOStatus::OK();
  ++seen_;
  const bool fail = spec_.persistent ? seen_ >= spec_.nth : seen_ == spec_.nth;
  if (!fail) return IOStatus::OK();
  fired_ = true;
  injected_.fetch_add(1);
  const std::string msg = std::string("injected fault: ") + what + " (" + Describe(spec_) + ")";
  return spec_.error == ErrorKind::kNoSpace ? IOStatus::NoSpace(msg) : IOStatus::IOError(msg);
}

IOStatus FaultFs::WrapWritable(IOStatus s, std::unique_ptr<rocksdb::FSWritableFile>* result) {
  if (s.ok()) *result = std::make_unique<FaultWritableFile>(std::move(*result), this);
  return s;
}

IOStatus FaultFs::NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                  std::unique_ptr<rocksdb::FSWritableFile>* result,
                                  IODebugContext* dbg) {
  if (IOStatus s = Check(OpClass::kWrite, "create file"); !s.ok()) return s;
  return WrapWritable(target()->NewWritableFile(name, options, result, dbg), result);
}

IOStatus FaultFs::ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                     std::unique_ptr<rocksdb::FSWritableFile>* result,
                                     IODebugContext* dbg) {
  if (IOStatus s = Check(OpClass::kWrite, "reopen file"); !s.ok()) return s;
  return WrapWritable(target()->ReopenWritableFile(name, options, result, dbg), result);
}

IOStatus FaultFs::ReuseWritableFile(const std::string& name, const std::string& old_name,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    IODebugContext* dbg) {
  if (IOStatus s = Check(OpClass::kWrite, "reuse file"); !s.ok()) return s;
  return WrapWritable(target()->ReuseWritableFile(name, old_name, options, result, dbg), result);
}

IOStatus FaultFs::NewDirectory(const std::string& name, const IOOptions& options,
                               std::unique_ptr<rocksdb::FSDirectory>* result, IODebugContext* dbg) {
  IOStatus s = target()->NewDirectory(name, options, result, dbg);
  if (s.ok()) *result = std::make_unique<FaultDirectory>(std::move(*result), this);
  return s;
}

IOStatus FaultFs::RenameFile(const std::string& src, const std::string& target_name,
                             const IOOptions& options, IODebugContext* dbg) {
  if (IOStatus s = Check(OpClass::kWrite, "rename"); !s.ok()) return s;
  return target()->RenameFile(src, target_name, options, dbg);
}

IOStatus FaultFs::GetFreeSpace(const std::string& path, const IOOptions& options,
                               uint64_t* free_space, IODebugContext* dbg) {
  {
    std::lock_guard lock(mu_);
    if (armed_ && spec_.persistent && spec_.error == ErrorKind::kNoSpace && fired_) {
      *free_space = 0;
      return IOStatus::OK();
    }
  }
  return target()->GetFreeSpace(path, options, free_space, dbg);
}

}  // namespace contactd::fault
