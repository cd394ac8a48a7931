// FaultFs: a RocksDB FileSystem wrapper for fault-injection tests. It passes everything through to
// the real file system, counts the write-like operations RocksDB performs, and fails the Nth one
// once or persistently (until Clear()), as a plain I/O error or as "no space left on device" (a
// full disk, which RocksDB handles differently: it may recover by itself).
//
// What counts, by class:
//   kWrite  data reaching a file or the directory tree: FSWritableFile::Append and PositionedAppend
//           (every overload), creating a writable file (NewWritableFile, ReopenWritableFile,
//           ReuseWritableFile) and RenameFile (how RocksDB installs CURRENT and OPTIONS files).
//   kSync   making data durable: FSWritableFile::Sync, Fsync and RangeSync, and FSDirectory::Fsync
//           and FsyncWithDirOptions (directory syncs after creating or renaming files).
// Not counted, never failed: reads, Flush() of a writable file (RocksDB buffers above the file
// system, so a flush is an Append here), Close(), Truncate(), deletions, locks and directory
// listing. A failing Append or PositionedAppend writes nothing; a failing sync leaves the bytes
// written before it in the file (in the page cache), as a real failed fsync may.
//
// While a no-space fault is failing operations persistently, GetFreeSpace() reports 0 bytes, so
// RocksDB's disk-full recovery (SstFileManager) sees a full disk too.
//
// Use: auto fs = std::make_shared<FaultFs>(rocksdb::FileSystem::Default());
//      std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
//      RocksStoreOptions{.path = ..., .env = env.get()};  fs->Arm({...});
//
// Thread-safety: every method may be called from any thread (RocksDB calls the file system from its
// write and background threads while the test arms and clears faults).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <rocksdb/file_system.h>

namespace contactd::fault {

enum class OpClass { kWrite, kSync };
enum class ErrorKind { kIoError, kNoSpace };

struct FaultSpec {
  OpClass op = OpClass::kWrite;
  uint64_t nth = 1;         // the first counted operation of class `op` to fail, from 1
  bool persistent = false;  // false: only the Nth fails; true: the Nth and every later one
  ErrorKind error = ErrorKind::kIoError;
};

class FaultFs final : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultFs(std::shared_ptr<rocksdb::FileSystem> target);
  const char* Name() const override { return "contactd.FaultFs"; }

  // Starts counting operations of spec.op from zero and fails as the spec says. Replaces any fault
  // armed before.
  void Arm(const FaultSpec& spec);
  // Stops failing: the disk works again.
  void Clear();
  // True once the armed fault has failed at least one operation.
  bool Fired() const;
  // Operations failed since construction (every Arm() included).
  uint64_t injected() const { return injected_.load(); }
  // Operations of `op` passed through or failed since construction.
  uint64_t count(OpClass op) const;
  // A short name for the fault (e.g. "sync #2 persistent I/O error"), for test messages.
  static std::string Describe(const FaultSpec& spec);

  // Returns the injected error when the next operation of class `op` must fail, else OK. Called
  // by the file wrappers; `what` names the operation in the message.
  rocksdb::IOStatus Check(OpClass op, const char* what);

  // FileSystem overrides: wrap files and directories, count creations and renames.
  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& target,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* free_space, rocksdb::IODebugContext* dbg) override;

 private:
  rocksdb::IOStatus WrapWritable(rocksdb::IOStatus s,
                                 std::unique_ptr<rocksdb::FSWritableFile>* result);

  mutable std::mutex mu_;  // guards spec_, armed_, seen_, fired_
  FaultSpec spec_;
  bool armed_ = false;
  bool fired_ = false;
  uint64_t seen_ = 0;  // operations of spec_.op since Arm()
  std::atomic<uint64_t> injected_{0};
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> syncs_{0};
};

}  // namespace contactd::fault
