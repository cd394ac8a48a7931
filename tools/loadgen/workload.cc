// Request plans and the closed-loop runner; see tools/loadgen/workload.h.
#include "tools/loadgen/workload.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "bench/datagen.h"
#include "tools/loadgen/http_connection.h"

namespace contactd::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

// The digits after `"<name>":` in a JSON body, or empty.
std::string JsonNumberAfter(const std::string& body, std::string_view name) {
  const std::string needle = "\"" + std::string(name) + "\":";
  const size_t at = body.find(needle);
  if (at == std::string::npos) return {};
  size_t end = at + needle.size();
  while (end < body.size() && body[end] >= '0' && body[end] <= '9') ++end;
  return body.substr(at + needle.size(), end - at - needle.size());
}

// The string after `"<name>":"` in a JSON body (cursors need no unescaping), or empty.
std::string JsonStringAfter(const std::string& body, std::string_view name) {
  const std::string needle = "\"" + std::string(name) + "\":\"";
  const size_t at = body.find(needle);
  if (at == std::string::npos) return {};
  const size_t end = body.find('"', at + needle.size());
  return end == std::string::npos ? std::string{}
                                  : body.substr(at + needle.size(), end - at - needle.size());
}

std::string UpsertBody(const bench::ContactGenerator& gen, uint64_t first, size_t count) {
  std::string body = "{\"contacts\":[";
  for (size_t i = 0; i < count; ++i) {
    if (i) body.push_back(',');
    body += bench::ToJson(gen.Make(first + i));
  }
  body += "]}";
  return body;
}

std::string SearchPath() { return ContactsPath() + "/search"; }

// `body` (a JSON object) with "cursor" added.
std::string WithCursor(std::string_view body, const std::string& cursor) {
  std::string out(body.substr(0, body.size() - 1));
  out += ",\"cursor\":\"" + cursor + "\"}";
  return out;
}

const bench::SearchScenario& ScenarioNamed(std::string_view name) {
  for (const bench::SearchScenario& s : bench::kSearchScenarios) {
    if (s.name == name) return s;
  }
  std::abort();  // kMixedSearches names scenarios of kSearchScenarios
}

bool Ok(int status) { return status >= 200 && status < 300; }

}  // namespace

std::string ContactsPath() {
  return "/api/v1/chatbots/" + std::string(bench::kChatbot) + "/contacts";
}

RunResult Run(const Endpoint& endpoint, const std::vector<Request>& plan, size_t connections,
              double max_seconds) {
  RunResult result;
  std::atomic<size_t> next{0};
  std::mutex mu;
  const auto start = Clock::now();
  const auto deadline = max_seconds > 0 ? start + std::chrono::duration_cast<Clock::duration>(
                                                      std::chrono::duration<double>(max_seconds))
                                        : Clock::time_point::max();
  auto client = [&] {
    HttpConnection conn(endpoint.host, endpoint.port, endpoint.key);
    bench::Latencies latencies;
    latencies.Reserve(plan.size() / connections + 1);
    uint64_t ops = 0, items = 0, errors = 0;
    std::string first_error, total;
    for (size_t i; (i = next.fetch_add(1)) < plan.size() && Clock::now() < deadline;) {
      const Request& r = plan[i];
      const auto t0 = Clock::now();
      HttpReply reply = conn.Send(r.method, r.target, r.body);
      latencies.Add(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      ++ops;
      items += r.items;
      if (!Ok(reply.status)) {
        if (errors++ == 0) first_error = std::to_string(reply.status) + " " + reply.body;
        continue;
      }
      if (std::string t = JsonNumberAfter(reply.body, "total"); !t.empty()) total = std::move(t);
    }
    std::lock_guard lock(mu);
    result.latencies.Merge(latencies);
    result.ops += ops;
    result.items += items;
    result.errors += errors;
    result.reconnects += conn.connects() > 1 ? conn.connects() - 1 : 0;
    if (result.first_error.empty()) result.first_error = first_error.substr(0, 300);
    if (!total.empty()) result.total = total;
  };
  std::vector<std::thread> threads;
  for (size_t c = 0; c < connections; ++c) threads.emplace_back(client);
  for (std::thread& t : threads) t.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

std::string Setup(const Endpoint& endpoint) {
  HttpConnection conn(endpoint.host, endpoint.port, endpoint.key);
  const std::string bot(bench::kChatbot);
  HttpReply r =
      conn.Send("POST", "/api/v1/chatbots", "{\"id\":\"" + bot + "\",\"name\":\"" + bot + "\"}");
  if (!Ok(r.status) && r.status != 409)
    return "create chatbot: " + std::to_string(r.status) + " " + r.body;
  for (const AttributeInput& a : bench::GeneratedAttributes()) {
    r = conn.Send("POST", "/api/v1/chatbots/" + bot + "/custom-attributes",
                  "{\"name\":\"" + *a.name + "\",\"type\":\"" + *a.type + "\"}");
    if (!Ok(r.status) && r.status != 409) {
      return "define attribute " + *a.name + ": " + std::to_string(r.status) + " " + r.body;
    }
  }
  return {};
}

std::vector<Request> UpsertPlan(size_t contacts) {
  const bench::ContactGenerator gen(bench::kSeed);
  std::vector<Request> plan;
  for (size_t first = 0; first < contacts; first += bench::kBatch) {
    const size_t n = std::min(bench::kBatch, contacts - first);
    plan.push_back({"POST", ContactsPath(), UpsertBody(gen, first, n), n});
  }
  return plan;
}

std::vector<Request> GetPlan(size_t contacts, size_t requests) {
  std::mt19937_64 rng(42);
  std::vector<Request> plan;
  plan.reserve(requests);
  const std::string prefix = ContactsPath() + "/u" + std::to_string(bench::kSeed) + "-";
  for (size_t i = 0; i < requests; ++i) {
    plan.push_back({"GET", prefix + std::to_string(rng() % contacts), {}, 1});
  }
  return plan;
}

std::vector<Request> SearchPlan(const bench::SearchScenario& scenario, size_t requests,
                                const std::string& cursor) {
  const std::string body =
      cursor.empty() ? std::string(scenario.body) : WithCursor(scenario.body, cursor);
  return std::vector<Request>(requests, Request{"POST", SearchPath(), body, 1});
}

std::vector<Request> MixedPlan(size_t contacts, size_t requests) {
  const bench::ContactGenerator fresh(bench::kMixedSeed);
  const std::vector<Request> gets = GetPlan(contacts, requests);
  std::vector<Request> plan;
  plan.reserve(requests);
  uint64_t next_new = 0;
  size_t searches = 0;
  for (size_t i = 0; i < requests; ++i) {
    const size_t slot = i % 20;
    if (slot < 16) {
      plan.push_back(gets[i]);
    } else if (slot < 19) {
      const auto& names = bench::kMixedSearches;
      const bench::SearchScenario& s = ScenarioNamed(names[searches++ % std::size(names)]);
      plan.push_back({"POST", SearchPath(), std::string(s.body), 1});
    } else {
      plan.push_back(
          {"POST", ContactsPath(), UpsertBody(fresh, next_new, bench::kMixedUpsertSize), 1});
      next_new += bench::kMixedUpsertSize;
    }
  }
  return plan;
}

std::vector<Request> StaticPlan(const std::string& path, size_t requests) {
  return std::vector<Request>(requests, Request{"GET", path, {}, 1});
}

std::string WalkToDeepCursor(const Endpoint& endpoint, size_t contacts) {
  HttpConnection conn(endpoint.host, endpoint.port, endpoint.key);
  std::string cursor;
  for (size_t behind = 0; behind < bench::DeepRows(contacts);) {
    const size_t page = std::min<size_t>(1000, bench::DeepRows(contacts) - behind);
    std::string body = "{\"per_page\":" + std::to_string(page) + "}";
    if (!cursor.empty()) body = WithCursor(body, cursor);
    HttpReply r = conn.Send("POST", SearchPath(), body);
    if (!Ok(r.status)) return "error: walk: " + std::to_string(r.status) + " " + r.body;
    cursor = JsonStringAfter(r.body, "next_cursor");
    if (cursor.empty()) return "error: walk: no next_cursor after " + std::to_string(behind);
    behind += page;
  }
  return cursor;
}

}  // namespace contactd::loadgen
