// rocks_write: the storage ceiling for contactd's bulk upsert (issue 4's comparison harness).
//
// Writes the exact bytes contactd writes for a bulk load straight into RocksDB, with nothing of
// contactd in the timed part: the same keys and values in the same batches, the same database and
// column-family options (persist/db_options.h) and the same durability.
//
// Before the timed part, an Engine over a capturing Storage loads N contacts of
// ContactGenerator(kSeed) into chatbot kChatbot, kBatch per UpsertContacts, exactly as contactd
// does for tools/loadgen's upsert scenario. Each commit that writes contacts is kept as it would
// reach RocksStore::Commit: its contact records (keys persist/keys.h ContactKey, values the record
// bytes) and its contact-id counter raise (a merge into the meta column family).
//
// The timed part opens a fresh RocksDB in --dir with contactd's column families, then K threads
// take batches in order from a shared counter and write each one as one WriteBatch and one
// DB::Write (WriteOptions.sync = --sync). Latency is per batch; the rate counts contacts.
//
//   rocks_write --dir D --contacts N --threads K [--sync 1|0]
//
// D must be absent or empty (it is created). Prints one RESULT line (bench/latency.h), system
// "limit", scenario "rocks_write", with bytes_per_record (key plus value, averaged).
//
// Thread-safety: single-threaded preparation; in the timed part the writer threads share only the
// batch counter and the database (DB::Write is thread-safe); latencies are per thread, merged
// after.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "bench/datagen.h"
#include "bench/latency.h"
#include "bench/scenarios.h"
#include "engine/engine.h"
#include "engine/storage.h"
#include "persist/column_families.h"
#include "persist/db_options.h"
#include "persist/keys.h"
#include "persist/max_merge.h"

namespace contactd::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kKey = "oc_live_benchmark_operator_key_0000";

struct Options {
  std::string dir;
  size_t contacts = 0;
  int threads = 1;
  bool sync = true;
};

// What one contact-writing commit puts into RocksDB.
struct Batch {
  std::vector<std::pair<std::string, std::string>> records;  // ContactKey, record bytes
  std::optional<uint64_t> counter;                           // Counter::kContactId raised to this
};

// A Storage that keeps the contact writes of every commit and accepts everything else.
class CapturingStorage final : public Storage {
 public:
  Status Commit(const Mutation& m) override {
    Batch batch;
    for (const Mutation::Op& op : m.ops) {
      if (const auto* put = std::get_if<Mutation::PutContact>(&op)) {
        batch.records.emplace_back(persist::ContactKey(put->workspace, put->chatbot, put->id),
                                   std::string(put->record));
      } else if (const auto* raise = std::get_if<Mutation::RaiseCounter>(&op)) {
        if (raise->counter == Counter::kContactId) batch.counter = raise->value;
      }
    }
    if (batch.records.empty()) return {};  // control plane: bootstrap, chatbot, attributes
    std::lock_guard lock(mu_);
    batches_.push_back(std::move(batch));
    return {};
  }
  Status Load(LoadSink*) override { return {}; }
  Status Flush() override { return {}; }
  Status Erase() override { return {}; }
  bool IsNew() const override { return true; }

  std::vector<Batch> TakeBatches() {
    std::lock_guard lock(mu_);
    return std::move(batches_);
  }

 private:
  std::mutex mu_;
  std::vector<Batch> batches_;
};

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "rocks_write: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

void Check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "rocks_write: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

// The batches contactd writes to load `n` contacts (see the file comment).
std::vector<Batch> Capture(size_t n) {
  CapturingStorage storage;
  {
    Engine engine(&storage, EngineOptions{});
    Check(engine.Recover().status(), "recover");
    Check(engine.Bootstrap(std::string(kKey)).status(), "bootstrap");
    const Principal admin = *engine.Authenticate(kKey);
    ChatbotInput bot;
    bot.id = std::string(kChatbot);
    bot.name = std::string(kChatbot);
    Check(engine.CreateChatbot(admin, bot).status(), "create chatbot");
    for (const AttributeInput& a : GeneratedAttributes()) {
      Check(engine.DefineAttribute(admin, kChatbot, a).status(), "define attribute");
    }
    const ContactGenerator gen(kSeed);
    for (size_t first = 0; first < n; first += kBatch) {
      std::vector<ContactInput> items;
      for (const GeneratedContact& c : gen.Batch(first, std::min(kBatch, n - first))) {
        items.push_back(ToInput(c));
      }
      Check(engine.UpsertContacts(admin, kChatbot, std::move(items)).status(), "upsert");
    }
  }
  return storage.TakeBatches();
}

int Usage() {
  std::fprintf(stderr, "usage: rocks_write --dir D --contacts N --threads K [--sync 1|0]\n");
  return 2;
}

int Main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) return Usage();
    const char* flag = argv[i];
    const char* value = argv[i + 1];
    if (!std::strcmp(flag, "--dir")) {
      o.dir = value;
      continue;
    }
    char* end = nullptr;
    const unsigned long long v = std::strtoull(value, &end, 10);
    if (*value == '\0' || *end != '\0') return Usage();
    if (!std::strcmp(flag, "--contacts") && v >= 1) {
      o.contacts = v;
    } else if (!std::strcmp(flag, "--threads") && v >= 1 && v <= 1024) {
      o.threads = static_cast<int>(v);
    } else if (!std::strcmp(flag, "--sync") && v <= 1) {
      o.sync = v == 1;
    } else {
      return Usage();
    }
  }
  if (o.dir.empty() || o.contacts == 0) return Usage();

  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(o.dir, ec) && !fs::is_empty(o.dir, ec)) {
    std::fprintf(stderr, "rocks_write: %s is not empty; give an absent or empty directory\n",
                 o.dir.c_str());
    return 2;
  }
  fs::create_directories(o.dir, ec);
  if (ec) {
    std::fprintf(stderr, "rocks_write: cannot create %s: %s\n", o.dir.c_str(),
                 ec.message().c_str());
    return 1;
  }

  // Preparation (untimed): the records contactd would write.
  const auto prep_start = Clock::now();
  const std::vector<Batch> batches = Capture(o.contacts);
  uint64_t records = 0, bytes = 0;
  for (const Batch& b : batches) {
    records += b.records.size();
    for (const auto& [key, value] : b.records) bytes += key.size() + value.size();
  }
  std::fprintf(stderr, "prepared %llu records in %zu batches in %.1f s\n",
               static_cast<unsigned long long>(records), batches.size(),
               std::chrono::duration<double>(Clock::now() - prep_start).count());
  if (records != o.contacts) {
    std::fprintf(stderr, "rocks_write: expected %zu records, captured %llu\n", o.contacts,
                 static_cast<unsigned long long>(records));
    return 1;
  }

  // A fresh database with contactd's options and column families.
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  Check(rocksdb::DB::Open(persist::MakeDbOptions(), o.dir, persist::MakeCfDescriptors(), &handles,
                          &raw_db),
        "open");
  std::unique_ptr<rocksdb::DB> db(raw_db);
  rocksdb::ColumnFamilyHandle* const contacts =
      handles[static_cast<size_t>(persist::Cf::kContacts)];
  rocksdb::ColumnFamilyHandle* const meta = handles[static_cast<size_t>(persist::Cf::kMeta)];
  const std::string counter_key = persist::CounterKey(Counter::kContactId);

  // Timed part.
  std::atomic<size_t> next{0};
  std::vector<Latencies> latencies(static_cast<size_t>(o.threads));
  auto writer = [&](Latencies* lat) {
    lat->Reserve(batches.size() / static_cast<size_t>(o.threads) + 1);
    rocksdb::WriteOptions wo;
    wo.sync = o.sync;
    for (size_t i = next.fetch_add(1, std::memory_order_relaxed); i < batches.size();
         i = next.fetch_add(1, std::memory_order_relaxed)) {
      const Batch& b = batches[i];
      const auto start = Clock::now();
      rocksdb::WriteBatch wb;
      for (const auto& [key, value] : b.records) Check(wb.Put(contacts, key, value), "put");
      if (b.counter) {
        Check(wb.Merge(meta, counter_key, persist::EncodeCounterValue(*b.counter)), "merge");
      }
      Check(db->Write(wo, &wb), "write");
      lat->Add(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
  };
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 1; t < o.threads; ++t) threads.emplace_back(writer, &latencies[t]);
  writer(&latencies[0]);
  for (std::thread& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();

  Latencies all;
  for (const Latencies& l : latencies) all.Merge(l);
  for (rocksdb::ColumnFamilyHandle* h : handles) Check(db->DestroyColumnFamilyHandle(h), "close");
  Check(db->Close(), "close");

  char extra[128];
  std::snprintf(extra, sizeof(extra), "bytes_per_record=%.1f threads=%d sync=%d",
                static_cast<double>(bytes) / static_cast<double>(records), o.threads,
                o.sync ? 1 : 0);
  PrintResult("limit", "rocks_write", secs, batches.size(), records, all.Summarize(), extra);
  return 0;
}

}  // namespace
}  // namespace contactd::bench

int main(int argc, char** argv) { return contactd::bench::Main(argc, argv); }
