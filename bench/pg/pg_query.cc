// pg_bench's read scenarios: `get`, each search of kSearchScenarios, and `mixed`.
//
// A search request is the page query (50 contacts) and the count query, prepared, back to back:
// contactd answers both in one request. The deep-cursor scenario pages with a keyset cursor
// positioned, before timing, after the first DeepRows(N) rows of the newest-first order.
//
// Thread-safety: see pg_bench.h; shared state between threads is atomic or read-only.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "bench/pg/pg_bench.h"

namespace contactd::bench::pg {
namespace {

constexpr std::string_view kColumns =
    "id, external_id, name, email, phonenumber, stripe_accounts, custom_attributes, created_at, "
    "updated_at";

// --- get ---

const std::string kGetName = "get";

void PrepareGet(Session& session) {
  session.Prepare(kGetName,
                  "SELECT " + std::string(kColumns) +
                      " FROM contacts WHERE chatbot_id = $1 AND external_id = $2",
                  2);
}

// `count` uniformly random external ids of the loaded contacts, deterministic in `salt`.
std::vector<std::string> RandomKeys(size_t contacts, size_t count, uint64_t salt) {
  const ContactGenerator generator(kSeed);
  std::vector<std::string> keys;
  keys.reserve(count);
  uint64_t state = Mix(salt);
  for (size_t i = 0; i < count; ++i) {
    state = Mix(state);
    keys.push_back(generator.Make(state % contacts).external_id);
  }
  return keys;
}

// True if the contact was found.
bool Get(Session& session, const std::string& external_id) {
  const char* params[] = {kChatbotParam.c_str(), external_id.c_str()};
  return PQntuples(session.Run(kGetName, params).get()) == 1;
}

// --- searches ---

struct SearchQuery {
  std::string_view name;
  std::string page_name, count_name;
  std::vector<std::string> page_values;  // $1 the chatbot; deep: $2, $3 the cursor
  size_t skipped = 0;                    // rows before the page (deep)
};

const SearchScenario& FindScenario(std::string_view name) {
  for (const SearchScenario& s : kSearchScenarios) {
    if (s.name == name) return s;
  }
  Fail("scenario", "no search scenario " + std::string(name));
}

// The deep cursor: created_at and id of the last of the first `rows` rows, newest first, so
// that the page after it starts at row `rows` (0-based), as contactd's does.
std::vector<std::string> DeepCursor(Session& session, size_t rows) {
  const char* params[] = {kChatbotParam.c_str()};
  const ResultPtr r = session.Query(
      "SELECT created_at, id FROM contacts WHERE chatbot_id = $1 ORDER BY " +
          std::string(kNewestOrder) + " OFFSET " + std::to_string(rows - 1) + " LIMIT 1",
      params);
  if (PQntuples(r.get()) != 1) Fail("cursor_deep", "fewer contacts than the cursor skips");
  return {PQgetvalue(r.get(), 0, 0), PQgetvalue(r.get(), 0, 1)};
}

// Prepares `scenario`'s statements on every session.
SearchQuery PrepareSearch(Sessions& sessions, size_t threads, const SearchScenario& scenario,
                          size_t contacts) {
  SearchQuery q;
  q.name = scenario.name;
  q.page_name = "page_" + std::string(scenario.name);
  q.count_name = "count_" + std::string(scenario.name);
  q.page_values = {kChatbotParam};
  const std::string where =
      " FROM contacts WHERE chatbot_id = $1 AND (" + std::string(scenario.sql_where) + ")";
  std::string page_where = where;
  if (scenario.deep) {
    q.skipped = DeepRows(contacts);
    for (std::string& v : DeepCursor(*sessions[0], q.skipped)) q.page_values.push_back(v);
    page_where += " AND (created_at, id) < ($2::timestamptz, $3::bigint)";
  }
  const std::string page_sql = "SELECT " + std::string(kColumns) + page_where + " ORDER BY " +
                               std::string(scenario.sql_order) + " LIMIT " +
                               std::to_string(kPerPage);
  for (size_t t = 0; t < threads; ++t) {
    sessions[t]->Prepare(q.page_name, page_sql, static_cast<int>(q.page_values.size()));
    sessions[t]->Prepare(q.count_name, "SELECT count(*)" + where, 1);
  }
  return q;
}

struct SearchOutcome {
  size_t rows = 0;
  uint64_t total = 0;
  bool ok = false;  // the page has the rows the total implies
};

SearchOutcome Search(Session& session, const SearchQuery& q) {
  std::vector<const char*> params;
  for (const std::string& v : q.page_values) params.push_back(v.c_str());
  SearchOutcome out;
  out.rows = static_cast<size_t>(PQntuples(session.Run(q.page_name, params).get()));
  const ResultPtr count = session.Run(q.count_name, std::span(params).first(1));
  out.total = std::strtoull(PQgetvalue(count.get(), 0, 0), nullptr, 10);
  const uint64_t rest = out.total > q.skipped ? out.total - q.skipped : 0;
  out.ok = out.rows == std::min<uint64_t>(kPerPage, rest);
  return out;
}

// Warns about `errors` failed checks, if any, and adds `key`=<errors> to the RESULT line.
void WarnErrors(std::string_view scenario, size_t errors, std::string_view what, std::string* extra,
                std::string_view key = "errors") {
  if (errors == 0) return;
  std::fprintf(stderr, "pg_bench: warning: %.*s: %zu %.*s\n", static_cast<int>(scenario.size()),
               scenario.data(), errors, static_cast<int>(what.size()), what.data());
  *extra += (extra->empty() ? "" : " ") + std::string(key) + "=" + std::to_string(errors);
}

void AddCapped(const Run& run, std::string* extra) {
  if (run.capped) *extra += (extra->empty() ? "" : " ") + std::string("capped=1");
}

void RunSearch(Sessions& sessions, const Options& options, const SearchScenario& scenario) {
  if (scenario.deep && DeepRows(options.contacts) == 0) {
    std::fprintf(stderr, "pg_bench: %.*s: skipped, too few contacts\n",
                 static_cast<int>(scenario.name.size()), scenario.name.data());
    return;
  }
  const size_t threads = options.clients;
  const SearchQuery q = PrepareSearch(sessions, threads, scenario, options.contacts);
  std::atomic<size_t> errors{0}, mismatches{0};
  std::atomic<uint64_t> first_total{UINT64_MAX};

  const Run run = RunParallel(
      threads, options.max_seconds, [&](size_t t, Latencies& latencies, Clock::time_point end) {
        for (size_t i = 0, n = Share(options.requests, threads, t); i < n; ++i) {
          const Clock::time_point start = Clock::now();
          if (start >= end) return false;
          const SearchOutcome out = Search(*sessions[t], q);
          latencies.Add(MicrosSince(start));
          if (!out.ok) errors.fetch_add(1);
          uint64_t expected = UINT64_MAX;
          if (!first_total.compare_exchange_strong(expected, out.total) && expected != out.total) {
            mismatches.fetch_add(1);
          }
        }
        return true;
      });

  const uint64_t total = first_total.load() == UINT64_MAX ? 0 : first_total.load();
  std::string extra = "total=" + std::to_string(total);
  WarnErrors(scenario.name, mismatches.load(), "requests counted a different total", &extra,
             "total_mismatches");
  WarnErrors(scenario.name, errors.load(), "pages with fewer rows than the total implies", &extra);
  AddCapped(run, &extra);
  const size_t ops = run.latencies.size();
  PrintResult(kSystem, scenario.name, run.seconds, ops, ops, run.latencies.Summarize(), extra);
}

// The request count of the get and mixed scenarios.
size_t GetRequests(const Options& o) { return o.get_requests ? o.get_requests : o.requests; }

}  // namespace

void RunGets(Sessions& sessions, const Options& options) {
  const size_t threads = options.clients;
  std::vector<std::vector<std::string>> keys(threads);
  for (size_t t = 0; t < threads; ++t) {
    PrepareGet(*sessions[t]);
    keys[t] = RandomKeys(options.contacts, Share(GetRequests(options), threads, t), 1000 + t);
  }
  std::atomic<size_t> missing{0};
  const Run run = RunParallel(threads, options.max_seconds,
                              [&](size_t t, Latencies& latencies, Clock::time_point end) {
                                for (const std::string& key : keys[t]) {
                                  const Clock::time_point start = Clock::now();
                                  if (start >= end) return false;
                                  if (!Get(*sessions[t], key)) missing.fetch_add(1);
                                  latencies.Add(MicrosSince(start));
                                }
                                return true;
                              });
  std::string extra;
  WarnErrors("get", missing.load(), "contacts not found", &extra);
  AddCapped(run, &extra);
  const size_t ops = run.latencies.size();
  PrintResult(kSystem, "get", run.seconds, ops, ops, run.latencies.Summarize(), extra);
}

void RunSearches(Sessions& sessions, const Options& options) {
  for (const SearchScenario& scenario : kSearchScenarios) {
    if (options.Selected(scenario.name)) RunSearch(sessions, options, scenario);
  }
}

void RunMixed(Sessions& sessions, const Options& options) {
  // Of every 20 requests of a thread: upsert at 19, searches at 5, 11 and 17, gets otherwise.
  // Threads start at different points of the cycle so the kinds interleave.
  enum Kind { kGet, kSearch, kUpsert };
  auto kind = [](size_t slot) {
    slot %= 20;
    return slot == 19 ? kUpsert : slot % 6 == 5 ? kSearch : kGet;
  };
  const size_t threads = options.clients;
  auto first_slot = [&](size_t t) { return t * 20 / threads; };

  std::vector<SearchQuery> searches;
  for (const std::string_view name : kMixedSearches) {
    searches.push_back(PrepareSearch(sessions, threads, FindScenario(name), options.contacts));
  }
  std::vector<std::vector<std::string>> keys(threads);
  size_t upserts = 0;
  for (size_t t = 0; t < threads; ++t) {
    PrepareGet(*sessions[t]);
    PrepareUpsert(*sessions[t], kMixedUpsertSize);
    const size_t n = Share(GetRequests(options), threads, t);
    keys[t] = RandomKeys(options.contacts, n, 2000 + t);
    for (size_t i = 0; i < n; ++i) upserts += kind(first_slot(t) + i) == kUpsert;
  }
  const ContactGenerator generator(kMixedSeed);
  std::vector<UpsertBatch> batches;
  for (size_t b = 0; b < upserts; ++b) {
    batches.push_back(MakeUpsertBatch(generator, b * kMixedUpsertSize, kMixedUpsertSize));
  }

  std::atomic<size_t> next_batch{0}, missing{0}, errors{0};
  const Run run = RunParallel(
      threads, options.max_seconds, [&](size_t t, Latencies& latencies, Clock::time_point end) {
        size_t search = 0;
        for (size_t i = 0; i < keys[t].size(); ++i) {
          const Clock::time_point start = Clock::now();
          if (start >= end) return false;
          switch (kind(first_slot(t) + i)) {
            case kGet:
              if (!Get(*sessions[t], keys[t][i])) missing.fetch_add(1);
              break;
            case kSearch:
              if (!Search(*sessions[t], searches[search++ % searches.size()]).ok) {
                errors.fetch_add(1);
              }
              break;
            case kUpsert:
              Upsert(*sessions[t], batches[next_batch.fetch_add(1)]);
              break;
          }
          latencies.Add(MicrosSince(start));
        }
        return true;
      });
  std::string extra = "upserted=" + std::to_string(next_batch.load() * kMixedUpsertSize);
  WarnErrors("mixed", missing.load(), "contacts not found", &extra);
  WarnErrors("mixed", errors.load(), "pages with fewer rows than the total implies", &extra);
  AddCapped(run, &extra);
  const size_t ops = run.latencies.size();
  PrintResult(kSystem, "mixed", run.seconds, ops, ops, run.latencies.Summarize(), extra);
}

}  // namespace contactd::bench::pg
