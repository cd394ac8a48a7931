// pg_bench: PostgreSQL's side of the comparison harness (issue 4, bench/compare.sh).
//
// Runs the workloads of bench/scenarios.h against a PostgreSQL database (bench/pg/cluster.sh
// starts a throw-away one) through libpq and prints one RESULT line per scenario
// (bench/latency.h), system=postgresql:
//
//   upsert   recreate the table (--schema) and load N contacts, one INSERT … ON CONFLICT DO
//            UPDATE of kBatch rows per transaction, over K connections; then VACUUM ANALYZE
//   get      G gets by external_id over C client threads (--get-requests; default R)
//   <search> each kSearchScenarios entry: R page + count requests over C threads
//   mixed    G requests, 16 gets : 3 searches : 1 upsert of 10 new contacts, over C threads
//
//   pg_bench --conninfo "host=127.0.0.1 port=P dbname=contactd" --contacts N --connections K
//            --clients C --requests R [--get-requests G] [--schema bench/pg/schema.sql] [--only
//            A,B,…]
//            [--max-seconds S] [--skip-load]
//
// --only runs just the named scenarios (the load still runs unless --skip-load, printing its
// line only if `upsert` is named); --max-seconds stops issuing a scenario's requests after S
// seconds (the RESULT line then counts the requests done and says capped=1); --skip-load uses
// the table as it is (mixed adds contacts to it, so rerunning changes the totals).
//
// Thread-safety: single-threaded apart from RunParallel's workers.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <latch>
#include <thread>

#include "bench/pg/pg_bench.h"

namespace contactd::bench::pg {

bool Options::Selected(std::string_view scenario) const {
  if (only.empty()) return true;
  for (const std::string& name : only) {
    if (name == scenario) return true;
  }
  return false;
}

Run RunParallel(size_t threads, double max_seconds, const Worker& worker) {
  std::vector<Latencies> latencies(threads);
  std::vector<char> finished(threads, 0);
  std::latch go(1);
  Clock::time_point start, deadline;  // written before go opens
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      go.wait();
      finished[t] = worker(t, latencies[t], deadline);
    });
  }
  start = Clock::now();
  deadline = start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(max_seconds));
  go.count_down();
  for (std::thread& thread : pool) thread.join();

  Run run;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (size_t t = 0; t < threads; ++t) {
    run.latencies.Merge(latencies[t]);
    run.capped |= !finished[t];
  }
  return run;
}

size_t Share(size_t total, size_t threads, size_t t) {
  return total / threads + (t < total % threads ? 1 : 0);
}

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

namespace {

[[noreturn]] void Usage(const char* problem) {
  std::fprintf(
      stderr,
      "pg_bench: %s\n"
      "usage: pg_bench --conninfo CONNINFO --contacts N --connections K --clients C "
      "--requests R\n"
      "                [--get-requests G] [--schema FILE] [--only SCENARIO,...] [--max-seconds S] "
      "[--skip-load]\n",
      problem);
  std::exit(2);
}

size_t Count(const char* flag, const char* value) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(value, &end, 10);
  if (*value == '\0' || *end != '\0' || v == 0) {
    Usage((std::string(flag) + " wants a positive integer").c_str());
  }
  return static_cast<size_t>(v);
}

std::vector<std::string> SplitNames(std::string_view list) {
  std::vector<std::string> names;
  for (size_t start = 0; start <= list.size();) {
    const size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) names.emplace_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return names;
}

bool KnownScenario(std::string_view name) {
  if (name == "upsert" || name == "get" || name == "mixed") return true;
  for (const SearchScenario& s : kSearchScenarios) {
    if (s.name == name) return true;
  }
  return false;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const char* flag = argv[i];
    if (!std::strcmp(flag, "--skip-load")) {
      o.skip_load = true;
      continue;
    }
    if (i + 1 >= argc) Usage((std::string(flag) + " wants a value").c_str());
    const char* value = argv[++i];
    if (!std::strcmp(flag, "--conninfo")) {
      o.conninfo = value;
    } else if (!std::strcmp(flag, "--schema")) {
      o.schema = value;
    } else if (!std::strcmp(flag, "--only")) {
      o.only = SplitNames(value);
      for (const std::string& name : o.only) {
        if (!KnownScenario(name)) Usage(("no scenario " + name).c_str());
      }
    } else if (!std::strcmp(flag, "--max-seconds")) {
      o.max_seconds = std::strtod(value, nullptr);
      if (!(o.max_seconds > 0)) Usage("--max-seconds wants a positive number");
    } else if (!std::strcmp(flag, "--contacts")) {
      o.contacts = Count(flag, value);
    } else if (!std::strcmp(flag, "--connections")) {
      o.connections = Count(flag, value);
    } else if (!std::strcmp(flag, "--clients")) {
      o.clients = Count(flag, value);
    } else if (!std::strcmp(flag, "--requests")) {
      o.requests = Count(flag, value);
    } else if (!std::strcmp(flag, "--get-requests")) {
      o.get_requests = Count(flag, value);
    } else {
      Usage((std::string("unknown option ") + flag).c_str());
    }
  }
  return o;
}

// Checks the table holds the N contacts the scenarios expect (--skip-load).
void CheckLoaded(Session& session, const Options& options) {
  const char* params[] = {kChatbotParam.c_str()};
  const ResultPtr r = session.Query("SELECT count(*) FROM contacts WHERE chatbot_id = $1", params);
  const uint64_t have = std::strtoull(PQgetvalue(r.get(), 0, 0), nullptr, 10);
  if (have < options.contacts) {
    Fail("--skip-load", "the table has " + std::to_string(have) + " contacts, fewer than " +
                            std::to_string(options.contacts));
  }
  if (have > options.contacts) {
    std::fprintf(stderr, "pg_bench: warning: the table has %llu contacts, not %zu\n",
                 static_cast<unsigned long long>(have), options.contacts);
  }
}

int Main(int argc, char** argv) {
  const Options options = ParseArgs(argc, argv);
  if (options.connections > 90 || options.clients > 90) {
    Usage("--connections and --clients are at most 90 (the cluster's max_connections is 100)");
  }

  // One session per thread of the widest scenario, all opened before anything is timed.
  Sessions sessions;
  for (size_t i = 0; i < std::max(options.connections, options.clients); ++i) {
    sessions.push_back(std::make_unique<Session>(options.conninfo));
  }
  if (options.skip_load) {
    CheckLoaded(*sessions[0], options);
  } else {
    CreateSchema(*sessions[0], options.schema);
    LoadContacts(sessions, options);
  }
  if (options.Selected("get")) RunGets(sessions, options);
  RunSearches(sessions, options);
  if (options.Selected("mixed")) RunMixed(sessions, options);
  return 0;
}

}  // namespace
}  // namespace contactd::bench::pg

int main(int argc, char** argv) { return contactd::bench::pg::Main(argc, argv); }
