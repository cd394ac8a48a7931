// Engine benchmarks (Google Benchmark), reporting items/s:
//   BM_UpsertNew      bulk upsert of 1000 new contacts per call, engine only (storage discards)
//   BM_UpsertChanged  bulk upsert of 1000 existing contacts, each changed, engine only
//   BM_GetById        get by external_id from a chatbot of 1M contacts, engine only; also reports
//                     heap bytes per contact (records + indexes)
//   BM_ExportAll      export (references to every record, in search order) of a chatbot of 1M
//                     contacts, engine only; arg 0: default order (created_at desc), 1: by name
//   BM_UpsertRocks    bulk upsert through RocksDB, sync or buffered, 1-8 writer threads (group
//                     commit shares one fsync among concurrent writers)
//   BM_SortColumnNewRows  1M new rows into one sort column, 1000 per SetMany(), as an import
//                     adds them; random, ascending or three keys
//   BM_TableInsert    1M contacts into a contact table, 1000 at a time as Engine::ApplyBatch
//                     inserts them; arg 1: with the index slots prefetched 8 ahead, as it does
//   BM_FoldContacts   the search fold of the generated names and emails (about half the names
//                     have an accented Latin letter); arg 0: FoldTo() as the index calls it,
//                     1: utf8proc alone
// Threads of one benchmark write to one shared chatbot, the hard case for the write path.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <memory>
#include <mutex>
#include <random>
#include <span>
#include <vector>

#include "bench/datagen.h"
#include "bench/heap_bytes.h"
#include "engine/contact_table.h"
#include "engine/engine.h"
#include "engine/memory_storage.h"
#include "engine/record.h"
#include "engine/search/fold.h"
#include "engine/search/search_index.h"
#include "engine/search/sort_column.h"
#include "persist/rocks_store.h"
#include "tests/support/temp_dir.h"

namespace contactd::bench {
namespace {

constexpr size_t kBatch = 1000;

// An engine with one chatbot that has the generated attributes.
struct Fixture {
  explicit Fixture(Storage* storage) : engine(storage, EngineOptions{}) {
    Check(engine.Recover().status());
    auto boot = engine.Bootstrap(std::string("oc_live_benchmark_operator_key_0000"));
    Check(boot.status());
    admin = *engine.Authenticate("oc_live_benchmark_operator_key_0000");
    ChatbotInput bot;
    bot.id = "bench";
    bot.name = "bench";
    Check(engine.CreateChatbot(admin, bot).status());
    for (const AttributeInput& a : GeneratedAttributes()) {
      Check(engine.DefineAttribute(admin, "bench", a).status());
    }
  }
  static void Check(const Status& s) {
    if (!s.ok()) {
      std::fprintf(stderr, "benchmark setup failed: %s\n", s.ToString().c_str());
      std::abort();
    }
  }
  void Upsert(std::vector<ContactInput> batch) {
    auto r = engine.UpsertContacts(admin, "bench", std::move(batch));
    if (!r.ok()) Check(r.status());
  }
  // Upserts a copy of `batch`, copying outside the timed region (the HTTP path hands the engine
  // a freshly decoded batch it owns).
  void TimedUpsert(benchmark::State& state, const std::vector<ContactInput>& batch) {
    state.PauseTiming();
    std::vector<ContactInput> copy = batch;
    state.ResumeTiming();
    Upsert(std::move(copy));
  }

  Engine engine;
  Principal admin;
};

std::vector<ContactInput> MakeBatch(uint64_t seed, uint64_t first, const char* name_suffix = "");

// `batches` batches of new contacts for one thread (its own seed), generated before timing.
std::vector<std::vector<ContactInput>> MakeWork(const benchmark::State& state, int batches,
                                                uint64_t seed_base = 1) {
  std::vector<std::vector<ContactInput>> work;
  for (int i = 0; i < batches; ++i) {
    work.push_back(MakeBatch(static_cast<uint64_t>(state.thread_index()) + seed_base,
                             static_cast<uint64_t>(i) * kBatch));
  }
  return work;
}

std::vector<ContactInput> MakeBatch(uint64_t seed, uint64_t first, const char* name_suffix) {
  std::vector<ContactInput> batch;
  batch.reserve(kBatch);
  for (const GeneratedContact& c : ContactGenerator(seed).Batch(first, kBatch)) {
    ContactInput in = ToInput(c);
    if (*name_suffix) in.name.value += name_suffix;
    batch.push_back(std::move(in));
  }
  return batch;
}

// Shared state of a multi-threaded benchmark, built by thread 0 before the timed loop. Threads
// only meet at the loop's start, so code before the loop may touch shared state in thread 0 only.
std::unique_ptr<MemoryStorage> g_storage;
std::unique_ptr<Fixture> g_fixture;

void SetUpShared(const benchmark::State& state) {
  if (state.thread_index() != 0) return;
  g_storage = std::make_unique<MemoryStorage>();
  g_storage->set_keep_data(false);  // engine only: commits are accepted and discarded
  g_fixture = std::make_unique<Fixture>(g_storage.get());
}

void TearDownShared(const benchmark::State& state) {
  if (state.thread_index() != 0) return;
  g_fixture.reset();
  g_storage.reset();
}

void BM_UpsertNew(benchmark::State& state) {
  const std::vector<std::vector<ContactInput>> work = MakeWork(state, 200);
  SetUpShared(state);
  size_t i = 0;
  for (auto _ : state) g_fixture->TimedUpsert(state, work[i++ % work.size()]);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  TearDownShared(state);
}
BENCHMARK(BM_UpsertNew)->Iterations(200)->Threads(1)->Threads(2)->UseRealTime();

// As BM_UpsertNew, but each thread writes its own chatbot: no write contention at all.
void BM_UpsertNewOwnChatbot(benchmark::State& state) {
  const std::vector<std::vector<ContactInput>> work = MakeWork(state, 200);
  SetUpShared(state);
  if (state.thread_index() == 0) {  // the other threads wait at the loop's start
    for (int t = 0; t < state.threads(); ++t) {
      ChatbotInput bot;
      bot.id = bot.name = "own" + std::to_string(t);
      Fixture::Check(g_fixture->engine.CreateChatbot(g_fixture->admin, bot).status());
      for (const AttributeInput& a : GeneratedAttributes()) {
        Fixture::Check(g_fixture->engine.DefineAttribute(g_fixture->admin, *bot.id, a).status());
      }
    }
  }
  const std::string chatbot = "own" + std::to_string(state.thread_index());
  size_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<ContactInput> copy = work[i++ % work.size()];
    state.ResumeTiming();
    Fixture::Check(
        g_fixture->engine.UpsertContacts(g_fixture->admin, chatbot, std::move(copy)).status());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  TearDownShared(state);
}
BENCHMARK(BM_UpsertNewOwnChatbot)->Iterations(200)->Threads(2)->UseRealTime();

void BM_UpsertChanged(benchmark::State& state) {
  const uint64_t seed = static_cast<uint64_t>(state.thread_index()) + 1;
  const int batches = 50;
  std::vector<std::vector<ContactInput>> a, b;
  for (int i = 0; i < batches; ++i) {
    a.push_back(MakeBatch(seed, static_cast<uint64_t>(i) * kBatch, " A"));
    b.push_back(MakeBatch(seed, static_cast<uint64_t>(i) * kBatch, " B"));
  }
  SetUpShared(state);
  if (state.thread_index() == 0) {  // untimed; the other threads wait at the loop's start
    for (int t = 0; t < state.threads(); ++t) {
      for (int k = 0; k < batches; ++k) {
        g_fixture->Upsert(
            MakeBatch(static_cast<uint64_t>(t) + 1, static_cast<uint64_t>(k) * kBatch, " A"));
      }
    }
  }
  size_t i = 0;
  for (auto _ : state) {
    const size_t k = i++;
    g_fixture->TimedUpsert(state, (k / batches) % 2 == 0 ? b[k % batches] : a[k % batches]);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  TearDownShared(state);
}
BENCHMARK(BM_UpsertChanged)->Iterations(200)->Threads(1)->Threads(2)->UseRealTime();

void BM_GetById(benchmark::State& state) {
  const size_t contacts = 1'000'000;
  static std::unique_ptr<Fixture> fixture;
  static std::unique_ptr<MemoryStorage> storage;
  static double bytes_per_contact = 0;
  if (state.thread_index() == 0 && !fixture) {
    storage = std::make_unique<MemoryStorage>();
    storage->set_keep_data(false);
    const size_t before = HeapBytesInUse();
    fixture = std::make_unique<Fixture>(storage.get());
    for (size_t first = 0; first < contacts; first += kBatch) {
      fixture->Upsert(MakeBatch(7, first));
    }
    malloc_trim(0);
    bytes_per_contact = static_cast<double>(HeapBytesInUse() - before) / contacts;
  }
  std::mt19937_64 rng(42 + static_cast<uint64_t>(state.thread_index()));
  std::vector<std::string> ids;
  for (int i = 0; i < 4096; ++i)
    ids.push_back(ContactGenerator(7).Make(rng() % contacts).external_id);
  size_t i = 0;
  for (auto _ : state) {
    for (size_t k = 0; k < kBatch; ++k) {
      auto r = fixture->engine.GetContact(fixture->admin, "bench", ids[i++ % ids.size()]);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.counters["heap_bytes_per_contact"] =
      benchmark::Counter(bytes_per_contact, benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_GetById)->Threads(1)->Threads(2)->UseRealTime();

void BM_ExportAll(benchmark::State& state) {
  const size_t contacts = 1'000'000;
  static std::unique_ptr<MemoryStorage> storage;
  static std::unique_ptr<Fixture> fixture;
  if (!fixture) {
    storage = std::make_unique<MemoryStorage>();
    storage->set_keep_data(false);
    fixture = std::make_unique<Fixture>(storage.get());
    for (size_t first = 0; first < contacts; first += kBatch) {
      fixture->Upsert(MakeBatch(9, first));
    }
  }
  search::SearchInput in;
  if (state.range(0) == 1) in.sort.push_back({"name", false, "sort"});
  for (auto _ : state) {
    auto r = fixture->engine.ExportContacts(fixture->admin, "bench", in);
    Fixture::Check(r.status());
    if (r->records.size() != contacts) std::abort();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * contacts));
}
BENCHMARK(BM_ExportAll)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Durable upserts through RocksDB. range(0): 1 = sync, 0 = buffered.
void BM_UpsertRocks(benchmark::State& state) {
  static std::unique_ptr<testing::TempDir> dir;
  static std::unique_ptr<persist::RocksStore> store;
  static std::unique_ptr<Fixture> fixture;
  const std::vector<std::vector<ContactInput>> work = MakeWork(state, 40, 100);
  if (state.thread_index() == 0) {
    dir = std::make_unique<testing::TempDir>();
    persist::RocksStoreOptions options;
    options.path = dir->str() + "/data";
    options.durability =
        state.range(0) ? persist::RocksStoreOptions::kSync : persist::RocksStoreOptions::kBuffered;
    auto opened = persist::RocksStore::Open(options);
    Fixture::Check(opened.status());
    store = std::move(*opened);
    fixture = std::make_unique<Fixture>(store.get());
  }
  size_t i = 0;
  for (auto _ : state) fixture->TimedUpsert(state, work[i++ % work.size()]);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  if (state.thread_index() == 0) {
    fixture.reset();
    store.reset();
    dir.reset();
  }
}
BENCHMARK(BM_UpsertRocks)
    ->ArgName("sync")
    ->Arg(1)
    ->Arg(0)
    ->Iterations(40)
    ->Threads(1)
    ->Threads(2)
    ->Threads(8)
    ->UseRealTime();

// One sort column (as each of a chatbot's sortable fields has) filled with 1M new rows in batches
// of 1000, as an import fills it; arg 0: random keys (names, emails), 1: ascending keys
// (created_at), 2: three keys (a boolean and its absence, a plan).
void BM_SortColumnNewRows(benchmark::State& state) {
  constexpr search::Row kRows = 1'000'000;
  std::vector<search::SortColumn::Change> changes(kRows);
  std::mt19937_64 rng(5);
  for (search::Row row = 0; row < kRows; ++row) {
    const uint64_t key = state.range(0) == 0 ? rng() : state.range(0) == 1 ? row : rng() % 3;
    changes[row] = {row, key};
  }
  for (auto _ : state) {
    search::SortColumn column(search::kBucketRows);
    for (size_t i = 0; i < kRows; i += kBatch) {
      column.SetMany(std::span(changes).subspan(i, kBatch));
    }
    benchmark::DoNotOptimize(column.bucket_count());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}
BENCHMARK(BM_SortColumnNewRows)->ArgName("keys")->Arg(0)->Arg(1)->Arg(2)->Iterations(3);

// Engine::ApplyBatch's table loop: 1M generated contacts inserted 1,000 at a time into the
// contact table, with (arg 1) or without (arg 0) the index slots prefetched 8 contacts ahead.
void BM_TableInsert(benchmark::State& state) {
  constexpr size_t kContacts = 1'000'000;
  constexpr size_t kAhead = 8;
  std::vector<Record> records;
  std::vector<ContactTable::KeyHashes> hashes;
  records.reserve(kContacts);
  hashes.reserve(kContacts);
  ContactGenerator generator(7);
  for (size_t i = 0; i < kContacts; ++i) {
    const GeneratedContact g = generator.Make(i);
    Contact c;
    c.id = i + 1;
    c.external_id = g.external_id;
    if (!g.email.empty()) c.email = g.email;
    records.push_back(Record::Encode(c));
    hashes.push_back(ContactTable::HashesOf(records.back().view()));
  }
  for (auto _ : state) {
    ContactTable table;
    for (size_t first = 0; first < kContacts; first += kBatch) {
      for (size_t i = first; i < first + kBatch; ++i) {
        if (state.range(0) == 1 && i + kAhead < first + kBatch) {
          table.PrefetchIndexes(hashes[i + kAhead]);
        }
        table.Insert(records[i], hashes[i]);  // a copy of a record is a reference
      }
    }
    benchmark::DoNotOptimize(table.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kContacts));
}
BENCHMARK(BM_TableInsert)->ArgName("prefetch")->Arg(0)->Arg(1)->Iterations(3);

// The fold of 100k generated contacts' names and emails, as SearchIndex::EntryOf folds them.
void BM_FoldContacts(benchmark::State& state) {
  const std::vector<GeneratedContact> contacts = ContactGenerator(1).Batch(0, 100'000);
  const auto fold = state.range(0) == 0 ? &search::FoldTo : &search::FoldToWithoutTable;
  std::string out;
  for (auto _ : state) {
    for (const GeneratedContact& c : contacts) {
      out.clear();
      fold(c.name, &out);
      fold(c.email, &out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * contacts.size()));
}
BENCHMARK(BM_FoldContacts)->ArgName("utf8proc")->Arg(0)->Arg(1);

}  // namespace
}  // namespace contactd::bench

BENCHMARK_MAIN();
