// search_bench: engine-level search latency at scale (issue 3's benchmark).
//
// Loads N realistic contacts (bench/datagen.h) into one chatbot plus S small chatbots, then for
// each query class runs the query repeatedly and prints p50 and p99 latency with the exact total.
// Then restarts (Engine::Recover over the same stored records) and prints the search-index
// rebuild time and the engine's heap bytes per contact (records and indexes together, measured
// with mallinfo2 as bench/heap_bytes.h counts it, excluding MemoryStorage's copy of the records).
//
//   search_bench [--contacts N] [--small-chatbots S] [--small-size K] [--runs R] [--only TEXT]
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/datagen.h"
#include "bench/heap_bytes.h"
#include "engine/engine.h"
#include "engine/memory_storage.h"

namespace contactd::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kKey = "oc_live_benchmark_operator_key_0000";

struct Options {
  size_t contacts = 1'000'000;
  size_t small_chatbots = 1000;
  size_t small_size = 100;
  size_t runs = 500;
  std::string only;  // run only the query classes whose name contains this
};

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

void CreateChatbot(Engine& e, const Principal& p, const std::string& id) {
  ChatbotInput bot;
  bot.id = id;
  bot.name = id;
  Check(e.CreateChatbot(p, bot).status(), "create chatbot");
  for (const AttributeInput& a : GeneratedAttributes()) {
    Check(e.DefineAttribute(p, id, a).status(), "define attribute");
  }
}

void Load(Engine& e, const Principal& p, const std::string& chatbot, uint64_t seed, size_t n) {
  const ContactGenerator gen(seed);
  for (size_t first = 0; first < n; first += 1000) {
    std::vector<ContactInput> batch;
    for (const GeneratedContact& c : gen.Batch(first, std::min<size_t>(1000, n - first))) {
      batch.push_back(ToInput(c));
    }
    Check(e.UpsertContacts(p, chatbot, std::move(batch)).status(), "upsert");
  }
}

search::FilterInput Cond(std::string field, std::string op, std::vector<RawValue> values) {
  search::FilterInput f;
  f.field = std::move(field);
  f.op = std::move(op);
  f.values = std::move(values);
  f.value_given = !f.values.empty();
  return f;
}

search::FilterInput Group(bool is_or, std::vector<search::FilterInput> children) {
  search::FilterInput f;
  f.is_group = true;
  f.is_or = is_or;
  f.children = std::move(children);
  return f;
}

struct QueryClass {
  const char* name;
  search::SearchInput input;
};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--only")) o.only = argv[i + 1];
    const size_t v = std::strtoull(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--contacts")) o.contacts = v;
    if (!std::strcmp(argv[i], "--small-chatbots")) o.small_chatbots = v;
    if (!std::strcmp(argv[i], "--small-size")) o.small_size = v;
    if (!std::strcmp(argv[i], "--runs")) o.runs = v;
  }
  return o;
}

int Main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  MemoryStorage storage;
  auto engine = std::make_unique<Engine>(&storage, EngineOptions{});
  Check(engine->Recover().status(), "recover");
  Check(engine->Bootstrap(std::string(kKey)).status(), "bootstrap");
  const Principal admin = *engine->Authenticate(kKey);

  const auto load_start = Clock::now();
  CreateChatbot(*engine, admin, "big");
  Load(*engine, admin, "big", 7, o.contacts);
  for (size_t i = 0; i < o.small_chatbots; ++i) {
    const std::string id = "small" + std::to_string(i);
    CreateChatbot(*engine, admin, id);
    Load(*engine, admin, id, 1000 + i, o.small_size);
  }
  const double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();
  const size_t total_contacts = o.contacts + o.small_chatbots * o.small_size;
  std::printf("loaded %zu contacts (%zu in one chatbot + %zu chatbots of %zu) in %.1f s\n",
              total_contacts, o.contacts, o.small_chatbots, o.small_size, load_s);

  // The queries. Values are picked to hit the generated data (bench/datagen.cc).
  std::vector<QueryClass> classes;
  auto add = [&](const char* name, auto&& setup) {
    QueryClass c{name, {}};
    c.input.per_page = 50;
    setup(c.input);
    classes.push_back(std::move(c));
  };
  add("newest page", [](search::SearchInput&) {});
  add("cursor page 10,000 deep", [](search::SearchInput&) {});
  add("q 1 char (a)", [](search::SearchInput& in) { in.q = "a"; });
  add("q 3 chars (gar)", [](search::SearchInput& in) { in.q = "gar"; });
  add("q 6 chars (garcia)", [](search::SearchInput& in) { in.q = "garcia"; });
  add("email domain (email ~ yahoo.com)", [](search::SearchInput& in) {
    in.filter = Cond("email", "~", {RawValue::String("yahoo.com")});
  });
  add("phone digits (q 4155)", [](search::SearchInput& in) { in.q = "4155"; });
  add("attr equality, sorted by another (plan = pro, by ltv desc)", [](search::SearchInput& in) {
    in.filter = Cond("custom_attributes.plan", "=", {RawValue::String("pro")});
    in.sort.push_back({"custom_attributes.ltv", true, "sort"});
  });
  add("number range (100 <= ltv < 200)", [](search::SearchInput& in) {
    in.filter = Group(false, {Cond("custom_attributes.ltv", ">=", {RawValue::Int(100)}),
                              Cond("custom_attributes.ltv", "<", {RawValue::Int(200)})});
  });
  add("AND/OR ((plan IN [pro, enterprise] AND vip) OR (signup >= 2024-01-01 AND name ~ mar))",
      [](search::SearchInput& in) {
        in.filter = Group(
            true,
            {Group(false, {Cond("custom_attributes.plan", "IN",
                                {RawValue::String("pro"), RawValue::String("enterprise")}),
                           Cond("custom_attributes.vip", "=", {RawValue::Bool(true)})}),
             Group(false, {Cond("custom_attributes.signup", ">=", {RawValue::String("2024-01-01")}),
                           Cond("name", "~", {RawValue::String("mar")})})});
      });

  // Follow cursors 10,000 pages deep for the second class.
  {
    search::SearchInput in;
    in.per_page = 50;
    for (int page = 0; page < 10'000; ++page) {
      auto r = engine->Search(admin, "big", in);
      Check(r.status(), "walk cursors");
      if (!r->next_cursor) break;
      in.cursor = r->next_cursor;
    }
    classes[1].input = in;
  }

  std::printf("\n%-88s %10s %10s %10s\n", "query (per_page 50, exact total)", "p50 us", "p99 us",
              "total");
  for (const QueryClass& c : classes) {
    if (std::string_view(c.name).find(o.only) == std::string_view::npos) continue;
    std::vector<double> us;
    uint64_t total = 0;
    for (size_t run = 0; run < o.runs; ++run) {
      const auto start = Clock::now();
      auto r = engine->Search(admin, "big", c.input);
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
      Check(r.status(), c.name);
      total = r->total;
    }
    std::printf("%-88s %10.0f %10.0f %10llu\n", c.name, Percentile(us, 0.5), Percentile(us, 0.99),
                static_cast<unsigned long long>(total));
  }

  // Restart: a second engine over the same stored records. Its heap growth is the memory the
  // engine holds (records and indexes); MemoryStorage's own copy stays out of the count.
  engine.reset();
  malloc_trim(0);
  const size_t heap_storage = HeapBytesInUse();
  Engine restarted(&storage, EngineOptions{});
  const auto start = Clock::now();
  auto stats = restarted.Recover();
  const double recover_s = std::chrono::duration<double>(Clock::now() - start).count();
  Check(stats.status(), "recover");
  malloc_trim(0);
  const size_t heap_engine = HeapBytesInUse() - heap_storage;
  std::printf(
      "\nrestart: %zu contacts loaded in %.2f s; search indexes rebuilt in %.2f s "
      "(%.2f M contacts/s)\n",
      stats->contacts, recover_s, stats->index_seconds,
      static_cast<double>(stats->contacts) / stats->index_seconds / 1e6);
  std::printf("engine heap bytes per contact after restart (records + indexes): %.0f\n",
              static_cast<double>(heap_engine) / static_cast<double>(total_contacts));
  return 0;
}

}  // namespace
}  // namespace contactd::bench

int main(int argc, char** argv) { return contactd::bench::Main(argc, argv); }
