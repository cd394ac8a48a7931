// The log-format helpers behind contactd's recovery (persist/log_tail_check.h,
// persist/failed_writes.h): the CRC, walking records, telling a torn last record from a damaged
// length field, and cutting failed writes out of a real RocksDB write-ahead log.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/write_batch.h>

#include "persist/failed_writes.h"
#include "persist/log_tail_check.h"
#include "tests/fault/fault_fs.h"
#include "tests/support/temp_dir.h"

namespace contactd::persist {
namespace {

constexpr size_t kBlock = 32768;

// One physical record in RocksDB's legacy log format.
std::string Physical(uint8_t type, const std::string& payload) {
  const uint32_t crc = Crc32c(std::string(1, static_cast<char>(type)) + payload);
  const uint32_t masked = ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
  std::string out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(masked >> (8 * i)));
  out.push_back(static_cast<char>(payload.size() & 0xff));
  out.push_back(static_cast<char>(payload.size() >> 8));
  out.push_back(static_cast<char>(type));
  return out + payload;
}

TEST(LogFormatTest, Crc32cMatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32c("123456789"), 0xe3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(LogFormatTest, ReadsWholeAndFragmentedRecords) {
  const std::string big(40000, 'x');
  std::string file = Physical(1, "alpha") + Physical(1, "beta");
  // A record split over two blocks: kFirst fills the rest of block 0, kLast goes on in block 1.
  const size_t room = kBlock - file.size() - 7;
  file += Physical(2, big.substr(0, room));
  ASSERT_EQ(file.size(), kBlock);
  file += Physical(4, big.substr(room));
  const std::vector<LogRecord> records = ReadLogRecords(file);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].payload, "alpha");
  EXPECT_EQ(records[1].payload, "beta");
  EXPECT_EQ(records[2].payload, big);
  EXPECT_EQ(records[1].begin, 12u);
  EXPECT_EQ(records[2].end, file.size());
}

TEST(LogFormatTest, SoundTailIsFine) {
  const std::string file = Physical(1, "one") + Physical(1, "two") + Physical(1, "three");
  EXPECT_EQ(FindDamagedLogTail(file), "");
}

TEST(LogFormatTest, TornLastRecordIsNotDamage) {
  std::string file = Physical(1, "one") + Physical(1, std::string(300, 'p'));
  for (size_t cut : {1, 7, 50, 306}) {
    const std::string torn = file.substr(0, file.size() - cut);
    EXPECT_EQ(FindDamagedLogTail(torn), "") << "cut " << cut;
    EXPECT_EQ(ReadLogRecords(torn).size(), 1u) << "cut " << cut;
  }
}

TEST(LogFormatTest, DamagedLengthOfACompleteRecordIsFound) {
  const std::string head = Physical(1, "one");
  for (const std::string& tail : {Physical(1, std::string(300, 'p')), Physical(1, "")}) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x40}, uint8_t{0xff}}) {
      std::string file = head + tail;
      file[head.size() + 5] = static_cast<char>(file[head.size() + 5] ^ mask);  // length, high byte
      const size_t length = static_cast<uint8_t>(file[head.size() + 4]) |
                            size_t{static_cast<uint8_t>(file[head.size() + 5])} << 8;
      const std::string damage = FindDamagedLogTail(file);
      if (length > tail.size() - 7) {  // past the end: RocksDB alone would skip it silently
        EXPECT_NE(damage.find("offset " + std::to_string(head.size())), std::string::npos)
            << "mask " << int{mask} << ": '" << damage << "'";
      } else {  // shorter: the checksum no longer matches, RocksDB reports that itself
        EXPECT_EQ(damage, "") << "mask " << int{mask};
      }
    }
  }
  // The same damage in a record that is not the last one.
  std::string file = Physical(1, "one") + Physical(1, "two") + Physical(1, "three");
  file[5] = static_cast<char>(file[5] ^ 0x10);
  EXPECT_NE(FindDamagedLogTail(file), "");
}

// A real RocksDB WAL: a batch whose sync failed is cut out, the ones before it stay.
TEST(LogFormatTest, TruncateFailedRecordsCutsOnlyTheFailedTail) {
  contactd::testing::TempDir dir;
  const std::string path = dir.str() + "/db";
  auto fs = std::make_shared<fault::FaultFs>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  FailedWrites failed;
  rocksdb::Options options;
  options.create_if_missing = true;
  options.env = env.get();
  options.listeners.push_back(NoAutoRecoveryListener());
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  auto put = [&](const std::string& key) {
    rocksdb::WriteBatch batch;
    EXPECT_TRUE(batch.Put(key, "v").ok());
    const std::string token = failed.NextToken();
    EXPECT_TRUE(batch.PutLogData(token).ok());
    const rocksdb::Status s = db->Write(sync, &batch);
    if (!s.ok()) failed.MarkFailed(token);
    return s;
  };
  ASSERT_TRUE(put("kept1").ok());
  ASSERT_TRUE(put("kept2").ok());
  fs->Arm({fault::OpClass::kSync, 1, true, fault::ErrorKind::kIoError});
  ASSERT_FALSE(put("failed").ok());
  EXPECT_EQ(failed.size(), 1u);
  db->Close().PermitUncheckedError();
  db.reset();
  fs->Clear();

  EXPECT_EQ(failed.TruncateFailedRecords(path, env.get()), 1);
  EXPECT_EQ(failed.TruncateFailedRecords(path, env.get()), 0);  // nothing left to cut

  ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());  // no filter: the WAL alone
  db.reset(raw);
  std::string value;
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), "kept1", &value).ok());
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), "kept2", &value).ok());
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), "failed", &value).IsNotFound());
}

}  // namespace
}  // namespace contactd::persist
