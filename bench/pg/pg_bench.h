// pg_bench's parts, shared by its files: the options, the parallel timed runner, and the
// scenarios (bench/scenarios.h) as PostgreSQL statements.
//
//   pg_load.cc   the schema, the upsert statement and the bulk-load scenario
//   pg_query.cc  get, the searches and the mixed workload
//   pg_bench.cc  options and the order of the scenarios
//
// Every scenario prepares its statements and builds its parameters before the timed part, then
// runs its threads, one Session each, and prints its RESULT line (bench/latency.h).
//
// Thread-safety: RunParallel gives each thread its own index; Sessions are not shared between
// threads (sessions[t] belongs to thread t).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/datagen.h"
#include "bench/latency.h"
#include "bench/pg/pg_client.h"
#include "bench/scenarios.h"

namespace contactd::bench::pg {

using Clock = std::chrono::steady_clock;
inline constexpr std::string_view kSystem = "postgresql";
// kChatbot as a NUL-terminated parameter value.
inline const std::string kChatbotParam(kChatbot);

struct Options {
  std::string conninfo = "host=127.0.0.1 port=5432 dbname=contactd";
  size_t contacts = 100'000;  // N
  size_t connections = 8;     // K: the bulk load's connections
  size_t clients = 8;         // C: the other scenarios' client threads
  size_t requests = 10'000;   // R: per search scenario, over all clients
  size_t get_requests = 0;    // G: of the get and mixed scenarios; 0: R
  std::string schema = "bench/pg/schema.sql";
  std::vector<std::string> only;  // scenario names to run; empty: all
  double max_seconds = 60;        // per scenario: no new requests after this
  bool skip_load = false;         // use the table as it is

  bool Selected(std::string_view scenario) const;
};

using Sessions = std::vector<std::unique_ptr<Session>>;

// The timed part of a scenario: the wall time and every request's latency.
struct Run {
  double seconds = 0;
  Latencies latencies;
  bool capped = false;  // some thread stopped at the deadline
};

// What a thread does: requests until done or Clock::now() >= deadline, adding each one's
// latency to `latencies`; returns false if it stopped at the deadline.
using Worker = std::function<bool(size_t thread, Latencies& latencies, Clock::time_point deadline)>;

// Runs worker(0) … worker(threads - 1) on as many threads, started together; the deadline is
// max_seconds after the start.
Run RunParallel(size_t threads, double max_seconds, const Worker& worker);

// Thread t's share of `total` items split over `threads`.
size_t Share(size_t total, size_t threads, size_t t);

// Microseconds since `start`.
double MicrosSince(Clock::time_point start);

// SplitMix64: deterministic per-thread random numbers.
uint64_t Mix(uint64_t x);

// --- pg_load.cc ---

// The upsert of one batch of contacts: its statement's parameters, built before timing.
struct UpsertBatch {
  size_t rows = 0;
  std::string text;                 // the parameter values, each ending in '\0'
  std::vector<const char*> params;  // into `text`; nullptr for NULL
};
UpsertBatch MakeUpsertBatch(const ContactGenerator& generator, uint64_t first, size_t count);
// Prepares the upsert of `rows` contacts on `session` (named "upsert_<rows>").
void PrepareUpsert(Session& session, size_t rows);
// Runs it: one statement, one transaction.
void Upsert(Session& session, const UpsertBatch& batch);

// Drops `contacts` and runs the schema file.
void CreateSchema(Session& session, const std::string& path);
// Loads contacts 0 … N-1 of kSeed over sessions[0 … K-1], prints the upsert RESULT line if
// selected, then VACUUM ANALYZEs and checkpoints (untimed).
void LoadContacts(Sessions& sessions, const Options& options);

// --- pg_query.cc ---

void RunGets(Sessions& sessions, const Options& options);
void RunSearches(Sessions& sessions, const Options& options);
void RunMixed(Sessions& sessions, const Options& options);

}  // namespace contactd::bench::pg
