// loadgen: the HTTP load generator of the comparison harness (issue 4).
//
// Drives a contactd (or the bare server of bench/limits) over N keep-alive connections with the
// scenarios of bench/scenarios.h and prints one RESULT line per scenario (bench/latency.h):
// throughput and latency p50/p90/p99/p99.9/max. Request bodies are generated before the timed part.
//
//   loadgen --url http://127.0.0.1:8080 --key KEY --scenarios setup,upsert,get,search,mixed
//           [--contacts N] [--connections K] [--clients C] [--requests R] [--max-seconds S]
//           [--path /x --label NAME --system limit]        (scenario "static": GET a fixed path)
//
// `upsert` loads contacts 0..N-1 over K connections (default 4); the other scenarios use C
// clients (default 4) and R requests each (default 2000). `search` runs every search scenario;
// one can also be named alone (e.g. q_3chars). `wait_ready` polls /healthz until it answers 200.
// Exit status: 0, 1 when a scenario had errors, 2 on a usage error.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "tools/loadgen/http_connection.h"
#include "tools/loadgen/workload.h"

namespace contactd::loadgen {
namespace {

struct Options {
  Endpoint endpoint;
  std::vector<std::string> scenarios;
  size_t contacts = 100'000;
  size_t connections = 4;
  size_t clients = 4;
  size_t requests = 2000;
  double max_seconds = 60;
  std::string path = "/";
  std::string label = "static";
  std::string system = "contactd";
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr, "loadgen: %s\nusage: see the header of tools/loadgen/main.cc\n",
               why.c_str());
  std::exit(2);
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= s.size();) {
    const size_t end = std::min(s.find(',', start), s.size());
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void ParseUrl(const std::string& url, Endpoint* e) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) Usage("--url must start with http://");
  const std::string rest = url.substr(scheme.size());
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos) Usage("--url needs a port");
  e->host = rest.substr(0, colon);
  e->port = static_cast<uint16_t>(std::strtoul(rest.c_str() + colon + 1, nullptr, 10));
  if (e->port == 0) Usage("bad port in --url");
}

size_t Count(const char* flag, const char* v) {
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (*end != '\0' || n == 0) Usage(std::string(flag) + " needs a positive number");
  return static_cast<size_t>(n);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) Usage(std::string(argv[i]) + " needs a value");
    const std::string flag = argv[i];
    const char* v = argv[i + 1];
    if (flag == "--url")
      ParseUrl(v, &o.endpoint);
    else if (flag == "--key")
      o.endpoint.key = v;
    else if (flag == "--scenarios")
      o.scenarios = SplitCommas(v);
    else if (flag == "--contacts")
      o.contacts = Count(argv[i], v);
    else if (flag == "--connections")
      o.connections = Count(argv[i], v);
    else if (flag == "--clients")
      o.clients = Count(argv[i], v);
    else if (flag == "--requests")
      o.requests = Count(argv[i], v);
    else if (flag == "--max-seconds")
      o.max_seconds = std::strtod(v, nullptr);
    else if (flag == "--path")
      o.path = v;
    else if (flag == "--label")
      o.label = v;
    else if (flag == "--system")
      o.system = v;
    else
      Usage("unknown flag " + flag);
  }
  if (o.endpoint.port == 0) Usage("--url is required");
  if (o.scenarios.empty()) Usage("--scenarios is required");
  return o;
}

// Runs one plan and prints its RESULT line; returns false when any request failed.
bool Measure(const Options& o, const std::string& scenario, const std::vector<Request>& plan,
             size_t connections) {
  const RunResult r = Run(o.endpoint, plan, connections, o.max_seconds);
  std::string extra;
  if (!r.total.empty()) extra += "total=" + r.total;
  if (r.errors)
    extra += (extra.empty() ? "" : " ") + std::string("errors=") + std::to_string(r.errors);
  if (r.reconnects)
    extra += (extra.empty() ? "" : " ") + std::string("reconnects=") + std::to_string(r.reconnects);
  bench::PrintResult(o.system, scenario, r.seconds, r.ops, r.items, r.latencies.Summarize(), extra);
  if (r.errors)
    std::fprintf(stderr, "loadgen: %s: first error: %s\n", scenario.c_str(), r.first_error.c_str());
  return r.errors == 0;
}

bool RunSearch(const Options& o, const bench::SearchScenario& s) {
  std::string cursor;
  if (s.deep) {
    cursor = WalkToDeepCursor(o.endpoint, o.contacts);
    if (cursor.rfind("error: ", 0) == 0) {
      std::fprintf(stderr, "loadgen: %s: %s\n", std::string(s.name).c_str(), cursor.c_str());
      return false;
    }
  }
  return Measure(o, std::string(s.name), SearchPlan(s, o.requests, cursor), o.clients);
}

// Polls GET /healthz until it answers 200 (the server has loaded its data) or --max-seconds pass.
bool WaitReady(const Options& o) {
  const auto give_up = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(o.max_seconds * 1000));
  while (std::chrono::steady_clock::now() < give_up) {
    HttpConnection conn(o.endpoint.host, o.endpoint.port, "");
    if (conn.Send("GET", "/healthz").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::fprintf(stderr, "loadgen: not ready after %.0f s\n", o.max_seconds);
  return false;
}

int Main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  bool ok = true;
  for (const std::string& name : o.scenarios) {
    if (name == "wait_ready") {
      if (!WaitReady(o)) return 1;
    } else if (name == "setup") {
      if (std::string error = Setup(o.endpoint); !error.empty()) {
        std::fprintf(stderr, "loadgen: setup: %s\n", error.c_str());
        return 1;
      }
    } else if (name == "upsert") {
      ok &= Measure(o, name, UpsertPlan(o.contacts), o.connections);
    } else if (name == "get") {
      ok &= Measure(o, name, GetPlan(o.contacts, o.requests), o.clients);
    } else if (name == "mixed") {
      ok &= Measure(o, name, MixedPlan(o.contacts, o.requests), o.clients);
    } else if (name == "static") {
      ok &= Measure(o, o.label, StaticPlan(o.path, o.requests), o.clients);
    } else {
      bool known = false;
      for (const bench::SearchScenario& s : bench::kSearchScenarios) {
        if (name != "search" && name != s.name) continue;
        known = true;
        ok &= RunSearch(o, s);
      }
      if (!known) Usage("unknown scenario " + name);
    }
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace contactd::loadgen

int main(int argc, char** argv) { return contactd::loadgen::Main(argc, argv); }
