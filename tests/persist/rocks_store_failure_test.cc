// RocksStore when things go wrong: corrupt or locked data directories, undecodable entries, a
// newer format version, and writes failing underneath it (injected through a FileSystem wrapper).
// None of these may crash; each must come back as the documented Status.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include "engine/coding.h"
#include "persist/keys.h"
#include "persist/rocks_store.h"
#include "tests/persist/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace contactd::persist {
namespace {

using testing::LoadEvents;
using testing::OpenStore;

Mutation SomeData() {
  return {{Mutation::PutWorkspace{{.no = 1, .id = "ws_1", .name = "W", .created_at = 1}},
           Mutation::PutChatbot{{.workspace = 1, .no = 1, .id = "cb_1", .name = "B"}},
           Mutation::RaiseCounter{Counter::kWorkspaceNo, 2}}};
}

// A data directory holding SomeData(), closed.
std::string MakeDataDir(const contactd::testing::TempDir& dir, bool flush_to_sst) {
  const std::string path = dir.str() + "/data";
  {
    std::unique_ptr<RocksStore> store = OpenStore(path);
    EXPECT_TRUE(store->Commit(SomeData()).ok());
  }
  if (flush_to_sst) testing::RawDb(path).FlushAll();
  return path;
}

void Overwrite(const std::string& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Opens `path` and, if that works, loads it: one of the two must report the damage.
void ExpectDamageReported(const std::string& path) {
  Result<std::unique_ptr<RocksStore>> store = RocksStore::Open({.path = path});
  if (!store.ok()) {
    const Status s = store.status();
    EXPECT_TRUE(s.code() == Code::kDataLoss || s.code() == Code::kUnavailable) << s.ToString();
    EXPECT_NE(s.message().find(path), std::string::npos) << s.ToString();
    return;
  }
  testing::EventSink sink;
  const Status s = (*store)->Load(&sink);
  EXPECT_EQ(s.code(), Code::kDataLoss) << s.ToString();
}

TEST(RocksStoreFailureTest, GarbageCurrentFile) {
  contactd::testing::TempDir dir;
  const std::string path = MakeDataDir(dir, false);
  Overwrite(path + "/CURRENT", "\x01garbage without newline");
  Result<std::unique_ptr<RocksStore>> store = RocksStore::Open({.path = path});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kDataLoss) << store.status().ToString();
  EXPECT_EQ(store.status().message().rfind("data directory " + path + " is corrupt: ", 0), 0u);
}

TEST(RocksStoreFailureTest, CurrentNamingAMissingManifest) {
  contactd::testing::TempDir dir;
  const std::string path = MakeDataDir(dir, false);
  Overwrite(path + "/CURRENT", "MANIFEST-999999\n");
  Result<std::unique_ptr<RocksStore>> store = RocksStore::Open({.path = path});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kDataLoss) << store.status().ToString();
}

TEST(RocksStoreFailureTest, GarbageManifest) {
  contactd::testing::TempDir dir;
  const std::string path = MakeDataDir(dir, false);
  const std::vector<std::string> manifests = testing::FilesContaining(path, "MANIFEST-");
  ASSERT_FALSE(manifests.empty());
  for (const std::string& m : manifests) {
    Overwrite(m, std::string(std::filesystem::file_size(m), '\x5a'));
  }
  ExpectDamageReported(path);
}

TEST(RocksStoreFailureTest, TruncatedSst) {
  contactd::testing::TempDir dir;
  const std::string path = MakeDataDir(dir, true);
  const std::vector<std::string> ssts = testing::FilesContaining(path, ".sst");
  ASSERT_FALSE(ssts.empty());
  for (const std::string& f : ssts) {
    std::filesystem::resize_file(f, std::filesystem::file_size(f) / 2);
  }
  Result<std::unique_ptr<RocksStore>> store = RocksStore::Open({.path = path});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kDataLoss) << store.status().ToString();
}

TEST(RocksStoreFailureTest, GarbageInsideSst) {
  contactd::testing::TempDir dir;
  const std::string path = MakeDataDir(dir, true);
  const std::vector<std::string> ssts = testing::FilesContaining(path, ".sst");
  ASSERT_FALSE(ssts.empty());
  for (const std::string& f : ssts) {
    std::fstream file(f, std::ios::binary | std::ios::in | std::ios::out);
    file.seekp(0);
    file << std::string(std::min<uintmax_t>(64, std::filesystem::file_size(f)), '\xa5');
  }
  ExpectDamageReported(path);
}

TEST(RocksStoreFailureTest, MissingSst) {
  contactd::testing::TempDir dir;
  const std::string path = MakeDataDir(dir, true);
  const std::vector<std::string> ssts = testing::FilesContaining(path, ".sst");
  ASSERT_FALSE(ssts.empty());
  std::filesystem::remove(ssts.front());
  Result<std::unique_ptr<RocksStore>> store = RocksStore::Open({.path = path});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kDataLoss) << store.status().ToString();
}

TEST(RocksStoreFailureTest, UncreatableDirectoryIsUnavailable) {
  contactd::testing::TempDir dir;
  const std::string path = dir.str() + "/no/such/parent";
  Result<std::unique_ptr<RocksStore>> store = RocksStore::Open({.path = path});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kUnavailable) << store.status().ToString();
  EXPECT_EQ(store.status().message().rfind("cannot open data directory " + path + ": ", 0), 0u);
}

TEST(RocksStoreFailureTest, SecondOpenInThisProcessIsRefused) {
  contactd::testing::TempDir dir;
  const std::string path = dir.str() + "/data";
  std::unique_ptr<RocksStore> first = OpenStore(path);
  ASSERT_NE(first, nullptr);
  Result<std::unique_ptr<RocksStore>> second = RocksStore::Open({.path = path});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable);
  EXPECT_EQ(second.status().message(), "data directory " + path + " is in use by another process");
  // The first store is unaffected.
  EXPECT_TRUE(first->Commit(SomeData()).ok());
}

TEST(RocksStoreFailureTest, DirectoryLockedByAnotherProcessIsRefused) {
  contactd::testing::TempDir dir;
  const std::string path = MakeDataDir(dir, false);
  int ready[2], done[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(done), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Holds the LOCK file the way RocksDB does (fcntl), until the parent is done.
    const int fd = open((path + "/LOCK").c_str(), O_RDWR);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    char c = fd >= 0 && fcntl(fd, F_SETLK, &lock) == 0 ? 'y' : 'n';
    (void)!write(ready[1], &c, 1);
    (void)!read(done[0], &c, 1);
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  Result<std::unique_ptr<RocksStore>> store = RocksStore::Open({.path = path});
  (void)!write(done[1], &c, 1);
  int status = 0;
  waitpid(child, &status, 0);
  for (int fd : {ready[0], ready[1], done[0], done[1]}) close(fd);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kUnavailable);
  EXPECT_EQ(store.status().message(), "data directory " + path + " is in use by another process");
}

TEST(RocksStoreFailureTest, UndecodableEntriesAreDataLossNamingTheColumnFamily) {
  struct Case {
    Cf cf;
    std::string key, value, name;
  };
  const std::vector<Case> cases = {
      {Cf::kWorkspaces, WorkspaceKey(5), "\x07garbage", "workspaces"},
      {Cf::kChatbots, "short", "", "chatbots"},
      {Cf::kAttributes, AttributeKey(1, 1, 1), "", "attributes"},
      {Cf::kApiKeys, ApiKeyKey(1, 1), "\x01", "apikeys"},
      {Cf::kContacts, "\x01\x02", "record", "contacts"},
      {Cf::kMeta, CounterKey(Counter::kKeyNo) + "x", "", "meta"},
  };
  for (const Case& c : cases) {
    contactd::testing::TempDir dir;
    const std::string path = MakeDataDir(dir, false);
    {
      testing::RawDb raw(path);
      ASSERT_TRUE(raw.db()->Put(rocksdb::WriteOptions(), raw.cf(c.cf), c.key, c.value).ok());
    }
    std::unique_ptr<RocksStore> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    testing::EventSink sink;
    const Status s = store->Load(&sink);
    EXPECT_EQ(s.code(), Code::kDataLoss) << c.name;
    EXPECT_NE(s.message().find("column family " + c.name), std::string::npos) << s.ToString();
  }
}

TEST(RocksStoreFailureTest, NewerFormatVersionIsRefused) {
  contactd::testing::TempDir dir;
  const std::string path = MakeDataDir(dir, false);
  {
    testing::RawDb raw(path);
    std::string v;
    coding::PutBig32(&v, kFormatVersion + 1);
    ASSERT_TRUE(
        raw.db()->Put(rocksdb::WriteOptions(), raw.cf(Cf::kMeta), FormatVersionKey(), v).ok());
  }
  Result<std::unique_ptr<RocksStore>> store = RocksStore::Open({.path = path});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kFailedPrecondition) << store.status().ToString();
}

// A file system whose writable files fail while `fault` is set: with "no space" or a plain I/O
// error.
class FaultyFs final : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFs(std::shared_ptr<rocksdb::FileSystem> target)
      : FileSystemWrapper(std::move(target)) {}
  const char* Name() const override { return "FaultyFs"; }

  enum Fault { kNone, kNoSpace, kIoError };
  std::atomic<Fault> fault{kNone};

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok()) *result = std::make_unique<File>(std::move(*result), this);
    return s;
  }

  rocksdb::IOStatus Error() const {
    return fault == kNoSpace ? rocksdb::IOStatus::NoSpace("injected")
                             : rocksdb::IOStatus::IOError("injected");
  }

 private:
  class File final : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> target, FaultyFs* fs)
        : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (fs_->fault != kNone) return fs_->Error();
      return FSWritableFileOwnerWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (fs_->fault != kNone) return fs_->Error();
      return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (fs_->fault != kNone) return fs_->Error();
      return FSWritableFileOwnerWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (fs_->fault != kNone) return fs_->Error();
      return FSWritableFileOwnerWrapper::Fsync(options, dbg);
    }

   private:
    FaultyFs* fs_;
  };
};

TEST(RocksStoreFailureTest, FullDiskFailsCommitsCleanlyAndRecovers) {
  contactd::testing::TempDir dir;
  const std::string path = dir.str() + "/data";
  auto fs = std::make_shared<FaultyFs>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  {
    Result<std::unique_ptr<RocksStore>> opened = RocksStore::Open({.path = path, .env = env.get()});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    RocksStore& store = **opened;
    ASSERT_TRUE(store.Commit(SomeData()).ok());

    fs->fault = FaultyFs::kNoSpace;
    const Mutation lost{
        {Mutation::PutWorkspace{{.no = 2, .id = "ws_2", .name = "", .created_at = 0}}}};
    for (int i = 0; i < 3; ++i) {
      const Status s = store.Commit(lost);
      EXPECT_EQ(s.code(), Code::kUnavailable);
      EXPECT_NE(s.message().find("disk full"), std::string::npos) << s.ToString();
    }
    EXPECT_EQ(store.Flush().code(), Code::kUnavailable);

    fs->fault = FaultyFs::kNone;
    const Mutation kept{
        {Mutation::PutWorkspace{{.no = 3, .id = "ws_3", .name = "", .created_at = 0}}}};
    Status s = store.Commit(kept);
    for (int i = 0; i < 300 && !s.ok(); ++i) {  // RocksDB's own recovery retries every 5 s
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      s = store.Commit(kept);
    }
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(store.Flush().ok());
  }
  std::unique_ptr<RocksStore> store = OpenStore(path);
  ASSERT_NE(store, nullptr);
  const std::vector<std::string> events = LoadEvents(store.get());
  std::string all;
  for (const std::string& e : events) all += e + "\n";
  EXPECT_NE(all.find("workspace 1 ws_1"), std::string::npos) << all;
  EXPECT_NE(all.find("workspace 3 ws_3"), std::string::npos) << all;
  EXPECT_EQ(all.find("workspace 2 ws_2"), std::string::npos) << all;
}

TEST(RocksStoreFailureTest, IoErrorsNeverCrash) {
  contactd::testing::TempDir dir;
  const std::string path = dir.str() + "/data";
  auto fs = std::make_shared<FaultyFs>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  for (auto durability : {RocksStoreOptions::kSync, RocksStoreOptions::kBuffered}) {
    {
      Result<std::unique_ptr<RocksStore>> opened =
          RocksStore::Open({.path = path, .durability = durability, .env = env.get()});
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      RocksStore& store = **opened;
      ASSERT_TRUE(store.Commit(SomeData()).ok());
      fs->fault = FaultyFs::kIoError;
      for (int i = 0; i < 3; ++i) {
        const Status s = store.Commit(SomeData());
        // Buffered commits only reach the OS cache; the first failing call may be Flush().
        if (durability == RocksStoreOptions::kSync) {
          EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
          EXPECT_NE(s.message().find("injected"), std::string::npos) << s.ToString();
        }
      }
      EXPECT_EQ(store.Flush().code(), Code::kUnavailable);
      EXPECT_EQ(store.Commit(SomeData()).code(), Code::kUnavailable);
      fs->fault = FaultyFs::kNone;
      (void)store.Commit(SomeData());  // may or may not have recovered; must not crash
      (void)store.Flush();
    }
    // Opening without the fault sees what was committed before it.
    std::unique_ptr<RocksStore> store = OpenStore(path);
    ASSERT_NE(store, nullptr);
    EXPECT_GE(LoadEvents(store.get()).size(), 3u);
  }
}

}  // namespace
}  // namespace contactd::persist
