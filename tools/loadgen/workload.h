// The load generator's workloads: request plans built before the timed part, and the closed-loop
// runner that sends a plan over N keep-alive connections and measures every request.
//
// A plan is the exact list of requests of one scenario (bench/scenarios.h describes them); the
// runner's connections take the next request from a shared counter, so every request is sent
// once, whatever the number of connections.
//
// Thread-safety: plans are immutable once built; Run() starts and joins its own threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/latency.h"
#include "bench/scenarios.h"

namespace contactd::loadgen {

struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string key;  // API key sent as a Bearer token; empty sends none
};

struct Request {
  std::string method;
  std::string target;
  std::string body;
  uint64_t items = 1;  // what the rate counts: contacts for bulk upserts, else 1
};

struct RunResult {
  double seconds = 0;
  uint64_t ops = 0;
  uint64_t items = 0;
  uint64_t errors = 0;      // non-2xx responses and failed exchanges
  std::string first_error;  // status and body of the first one
  std::string total;        // the "total" of the last search response, when there was one
  int reconnects = 0;       // connections opened beyond one per client
  bench::Latencies latencies;
};

// Sends `plan` over `connections` keep-alive connections, each request once; stops issuing new
// requests after `max_seconds` (0: no limit).
RunResult Run(const Endpoint& endpoint, const std::vector<Request>& plan, size_t connections,
              double max_seconds);

// The contacts path of the benchmark chatbot: /api/v1/chatbots/bench/contacts.
std::string ContactsPath();

// Creates the benchmark chatbot and its custom attributes; existing ones are kept. Returns an
// error message, or empty on success.
std::string Setup(const Endpoint& endpoint);

// Bulk upserts of contacts [0, contacts) of bench::kSeed, kBatch per request.
std::vector<Request> UpsertPlan(size_t contacts);
// `requests` gets of uniformly random loaded contacts.
std::vector<Request> GetPlan(size_t contacts, size_t requests);
// `requests` copies of one search; `cursor` continues after a position when not empty.
std::vector<Request> SearchPlan(const bench::SearchScenario& scenario, size_t requests,
                                const std::string& cursor);
// The mixed workload of bench/scenarios.h.
std::vector<Request> MixedPlan(size_t contacts, size_t requests);
// `requests` GETs of a fixed path (the bare server's ceiling).
std::vector<Request> StaticPlan(const std::string& path, size_t requests);

// Follows cursors (1000 per page) until bench::DeepRows(contacts) rows are behind, and returns
// the cursor of that position, or an error message prefixed with "error: ".
std::string WalkToDeepCursor(const Endpoint& endpoint, size_t contacts);

}  // namespace contactd::loadgen
