#include "persist/append_memtable.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include "tests/support/temp_dir.h"

namespace contactd::persist {
namespace {

// ---- The representation alone, with a comparator that counts its calls ----

// Entries are a one-byte length, then the key (as RocksDB's are a varint32 length, then the key).
class CountingComparator final : public rocksdb::MemTableRep::KeyComparator {
 public:
  int operator()(const char* a, const char* b) const override {
    ++calls;
    return decode_key(a).compare(decode_key(b));
  }
  int operator()(const char* a, const rocksdb::Slice& b) const override {
    ++calls;
    return decode_key(a).compare(b);
  }
  mutable int calls = 0;
};

class Entries {
 public:
  const char* Add(const std::string& key) {
    auto& e = store_.emplace_back(std::make_unique<std::string>(1, static_cast<char>(key.size())));
    e->append(key);
    return e->data();
  }

 private:
  std::vector<std::unique_ptr<std::string>> store_;
};

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%05d", i);
  return buf;
}

std::unique_ptr<rocksdb::MemTableRep> NewRep(const CountingComparator& compare) {
  AppendMemTableRepFactory factory;
  return std::unique_ptr<rocksdb::MemTableRep>(
      factory.CreateMemTableRep(compare, nullptr, nullptr, nullptr));
}

std::vector<std::string> Scan(rocksdb::MemTableRep* rep) {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::MemTableRep::Iterator> it(rep->GetIterator(nullptr));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.push_back(rocksdb::GetLengthPrefixedSlice(it->key()).ToString());
  }
  return out;
}

TEST(AppendMemTableTest, AscendingInsertsCompareOnceEachAndNeverSort) {
  CountingComparator compare;
  Entries entries;
  auto rep = NewRep(compare);
  for (int i = 0; i < 1000; ++i) rep->Insert(const_cast<char*>(entries.Add(Key(i))));
  EXPECT_EQ(compare.calls, 999);
  rep->MarkReadOnly();
  EXPECT_EQ(compare.calls, 999);  // nothing to sort
  const std::vector<std::string> keys = Scan(rep.get());
  ASSERT_EQ(keys.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(compare.calls, 999);  // a scan compares nothing either
}

TEST(AppendMemTableTest, KeysInAnyOrderAreReadInOrder) {
  CountingComparator compare;
  Entries entries;
  auto rep = NewRep(compare);
  std::vector<int> order(500);
  for (int i = 0; i < 500; ++i) order[i] = i * 2;  // even keys; odd ones are absent
  std::mt19937 rng(7);
  std::shuffle(order.begin() + 100, order.end(), rng);  // an ascending run, then any order
  for (int i : order) rep->Insert(const_cast<char*>(entries.Add(Key(i))));

  std::vector<std::string> want;
  for (int i = 0; i < 500; ++i) want.push_back(Key(i * 2));
  EXPECT_EQ(Scan(rep.get()), want);
  EXPECT_TRUE(rep->Contains(entries.Add(Key(998))));
  EXPECT_TRUE(rep->Contains(entries.Add(Key(0))));
  EXPECT_FALSE(rep->Contains(entries.Add(Key(501))));
  EXPECT_FALSE(rep->Contains(entries.Add(Key(1000))));

  std::unique_ptr<rocksdb::MemTableRep::Iterator> it(rep->GetIterator(nullptr));
  auto at = [&] { return rocksdb::GetLengthPrefixedSlice(it->key()).ToString(); };
  it->Seek(Key(501), nullptr);  // absent: the next one
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(at(), Key(502));
  it->Prev();
  EXPECT_EQ(at(), Key(500));
  it->SeekForPrev(Key(501), nullptr);  // absent: the one before
  EXPECT_EQ(at(), Key(500));
  it->SeekForPrev(Key(500), nullptr);  // present: itself
  EXPECT_EQ(at(), Key(500));
  it->SeekForPrev("a", nullptr);  // before the first
  EXPECT_FALSE(it->Valid());
  it->Seek("z", nullptr);  // after the last
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  EXPECT_EQ(at(), Key(998));
  it->SeekToFirst();
  EXPECT_EQ(at(), Key(0));
  it->Prev();
  EXPECT_FALSE(it->Valid());
}

TEST(AppendMemTableTest, AnIteratorKeepsItsPlaceWhenEarlierKeysArriveOutOfOrder) {
  CountingComparator compare;
  Entries entries;
  auto rep = NewRep(compare);
  for (int i = 0; i < 100; i += 2) rep->Insert(const_cast<char*>(entries.Add(Key(i))));
  std::unique_ptr<rocksdb::MemTableRep::Iterator> it(rep->GetIterator(nullptr));
  it->Seek(Key(50), nullptr);
  ASSERT_TRUE(it->Valid());
  // Odd keys now arrive, in descending order; the next step sorts them into place.
  for (int i = 99; i > 0; i -= 2) rep->Insert(const_cast<char*>(entries.Add(Key(i))));
  std::vector<std::string> seen;
  for (it->Next(); it->Valid(); it->Next()) {
    seen.push_back(rocksdb::GetLengthPrefixedSlice(it->key()).ToString());
  }
  std::vector<std::string> want;
  for (int i = 51; i < 100; ++i) want.push_back(Key(i));
  EXPECT_EQ(seen, want);
  it->Seek(Key(20), nullptr);
  for (int i = 101; i < 110; ++i) rep->Insert(const_cast<char*>(entries.Add(Key(i))));
  rep->Insert(const_cast<char*>(entries.Add(Key(-1).replace(0, 1, "a"))));  // before all
  it->Prev();
  EXPECT_EQ(rocksdb::GetLengthPrefixedSlice(it->key()).ToString(), Key(19));
}

// ---- Through RocksDB: every read path against a model ----

class AppendMemTableDbTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { db_.reset(); }

  void Open() {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.allow_concurrent_memtable_write = false;
    options.memtable_factory = std::make_shared<AppendMemTableRepFactory>();
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.str(), &db).ok());
    db_.reset(db);
  }

  void Put(const std::string& k, const std::string& v) {
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), k, v).ok());
    model_[k] = v;
  }
  void Delete(const std::string& k) {
    ASSERT_TRUE(db_->Delete(rocksdb::WriteOptions(), k).ok());
    model_.erase(k);
  }

  // Random puts, overwrites and deletes of keys 0..999, after an ascending run from `first`.
  void Write(int first, int count, std::mt19937* rng) {
    for (int i = first; i < first + count; ++i) Put(Key(i), "a" + std::to_string(i));
    std::uniform_int_distribution<int> key(0, 999);
    for (int i = 0; i < count; ++i) {
      const int k = key(*rng);
      if (k % 5 == 0) {
        Delete(Key(k));
      } else {
        Put(Key(k), "b" + std::to_string(i));
      }
    }
  }

  // Compares scans both ways, point reads and seeks with the model.
  void ExpectModel() {
    std::vector<std::pair<std::string, std::string>> want(model_.begin(), model_.end());
    std::vector<std::pair<std::string, std::string>> forward, backward;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      forward.emplace_back(it->key().ToString(), it->value().ToString());
    }
    ASSERT_TRUE(it->status().ok());
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      backward.emplace_back(it->key().ToString(), it->value().ToString());
    }
    std::reverse(backward.begin(), backward.end());
    EXPECT_EQ(forward, want);
    EXPECT_EQ(backward, want);
    for (int i = 0; i < 1200; i += 7) {
      std::string value;
      const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Key(i), &value);
      const auto m = model_.find(Key(i));
      if (m == model_.end()) {
        EXPECT_TRUE(s.IsNotFound()) << Key(i) << ": " << s.ToString();
      } else {
        EXPECT_TRUE(s.ok()) << Key(i) << ": " << s.ToString();
        EXPECT_EQ(value, m->second) << Key(i);
      }
      it->Seek(Key(i));
      const auto lower = model_.lower_bound(Key(i));
      ASSERT_EQ(it->Valid(), lower != model_.end()) << Key(i);
      if (it->Valid()) {
        EXPECT_EQ(it->key().ToString(), lower->first);
      }
      it->SeekForPrev(Key(i));
      auto upper = model_.upper_bound(Key(i));
      ASSERT_EQ(it->Valid(), upper != model_.begin()) << Key(i);
      if (it->Valid()) {
        EXPECT_EQ(it->key().ToString(), (--upper)->first);
      }
    }
  }

  contactd::testing::TempDir dir_;
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, std::string> model_;
};

TEST_F(AppendMemTableDbTest, ReadsMatchAModelInTheMemtableAfterAFlushAndAfterAReopen) {
  std::mt19937 rng(11);
  Write(0, 300, &rng);
  ExpectModel();  // all in the memtable, written in and out of order
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
  ExpectModel();  // flushed from the sorted memtable
  Write(300, 300, &rng);
  ExpectModel();  // a new memtable over the table file
  db_.reset();
  Open();  // replays the write-ahead log into a memtable
  ExpectModel();
}

TEST_F(AppendMemTableDbTest, AnIteratorReadsItsSnapshotWhileWritesArriveOutOfOrder) {
  for (int i = 0; i < 1000; i += 2) Put(Key(i), "even");
  const std::map<std::string, std::string> before = model_;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->Seek(Key(500));
  ASSERT_TRUE(it->Valid());
  std::vector<std::string> seen;
  int next_odd = 999;
  for (; it->Valid(); it->Next()) {
    seen.push_back(it->key().ToString());
    for (int j = 0; j < 5 && next_odd > 0; ++j, next_odd -= 2) Put(Key(next_odd), "odd");
  }
  ASSERT_TRUE(it->status().ok());
  std::vector<std::string> want;
  for (auto m = before.lower_bound(Key(500)); m != before.end(); ++m) want.push_back(m->first);
  EXPECT_EQ(seen, want);  // the odd keys came after the iterator's snapshot
  ExpectModel();
}

TEST_F(AppendMemTableDbTest, ScansWhileAWriterInsertsInAnyOrder) {
  std::atomic<bool> done{false};
  std::thread writer([&] {
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> key(0, 99999);
    for (int i = 0; i < 20000; ++i) {
      ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), Key(key(rng)), "v").ok());
    }
    done = true;
  });
  int scans = 0;
  while (!done || scans < 3) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    std::string last;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ASSERT_LT(last, it->key().ToString());
      last = it->key().ToString();
    }
    ASSERT_TRUE(it->status().ok());
    ++scans;
  }
  writer.join();
}

}  // namespace
}  // namespace contactd::persist
