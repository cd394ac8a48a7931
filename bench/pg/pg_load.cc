// pg_bench's bulk load: the schema, the multi-row upsert and the `upsert` scenario.
//
// Thread-safety: see pg_bench.h.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bench/pg/pg_bench.h"

namespace contactd::bench::pg {
namespace {

constexpr size_t kParamsPerRow = 6;  // external_id, name, email, phonenumber, 2 × jsonb

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      *out += escaped;
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// [{"label":"main","stripe_id":"cus_…"}], as contactd stores it.
std::string StripeAccountsJson(const GeneratedContact& c) {
  std::string out = R"([{"label":"main","stripe_id":)";
  AppendJsonString(&out, c.stripe_id);
  out += "}]";
  return out;
}

// {"plan":…,"ltv":12.34,"vip":true,"signup":"2021-03-04"}, as datagen's ToJson sends it.
std::string CustomAttributesJson(const GeneratedContact& c) {
  char ltv[32];
  std::snprintf(ltv, sizeof ltv, "%.2f", c.ltv);
  std::string out = R"({"plan":)";
  AppendJsonString(&out, c.plan);
  out += R"(,"ltv":)";
  out += ltv;
  out += R"(,"vip":)";
  out += c.vip ? "true" : "false";
  out += R"(,"signup":)";
  AppendJsonString(&out, c.signup);
  out += "}";
  return out;
}

std::string UpsertName(size_t rows) { return "upsert_" + std::to_string(rows); }

// INSERT … VALUES ($1, $2, …), ($1, $8, …) … ON CONFLICT … DO UPDATE: $1 is the chatbot.
std::string UpsertSql(size_t rows) {
  std::string sql =
      "INSERT INTO contacts (chatbot_id, external_id, name, email, phonenumber, stripe_accounts, "
      "custom_attributes) VALUES ";
  for (size_t r = 0; r < rows; ++r) {
    const size_t p = 2 + r * kParamsPerRow;
    sql += r ? ", " : "";
    sql += "($1, $" + std::to_string(p) + ", $" + std::to_string(p + 1) + ", $" +
           std::to_string(p + 2) + ", $" + std::to_string(p + 3) + ", $" + std::to_string(p + 4) +
           "::jsonb, $" + std::to_string(p + 5) + "::jsonb)";
  }
  sql +=
      " ON CONFLICT (chatbot_id, external_id) DO UPDATE SET name = EXCLUDED.name, "
      "email = EXCLUDED.email, phonenumber = EXCLUDED.phonenumber, "
      "stripe_accounts = EXCLUDED.stripe_accounts, "
      "custom_attributes = EXCLUDED.custom_attributes, updated_at = clock_timestamp()";
  return sql;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) Fail("schema", "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Setting(Session& session, const char* name) {
  const ResultPtr r = session.Exec(std::string("SHOW ") + name, PGRES_TUPLES_OK);
  return PQgetvalue(r.get(), 0, 0);
}

}  // namespace

UpsertBatch MakeUpsertBatch(const ContactGenerator& generator, uint64_t first, size_t count) {
  UpsertBatch batch;
  batch.rows = count;
  // Offsets into `text` first (it grows), pointers once it is complete; SIZE_MAX is NULL.
  std::vector<size_t> offsets;
  offsets.reserve(1 + count * kParamsPerRow);
  auto add = [&](std::string_view value) {
    offsets.push_back(batch.text.size());
    batch.text += value;
    batch.text.push_back('\0');
  };
  add(kChatbotParam);
  for (const GeneratedContact& c : generator.Batch(first, count)) {
    add(c.external_id);
    add(c.name);
    add(c.email);
    add(c.phone);
    if (c.stripe_id.empty()) {
      offsets.push_back(SIZE_MAX);
    } else {
      add(StripeAccountsJson(c));
    }
    add(CustomAttributesJson(c));
  }
  batch.params.reserve(offsets.size());
  for (const size_t o : offsets) {
    batch.params.push_back(o == SIZE_MAX ? nullptr : batch.text.data() + o);
  }
  return batch;
}

void PrepareUpsert(Session& session, size_t rows) {
  session.Prepare(UpsertName(rows), UpsertSql(rows), static_cast<int>(1 + rows * kParamsPerRow));
}

void Upsert(Session& session, const UpsertBatch& batch) {
  const ResultPtr r = session.Run(UpsertName(batch.rows), batch.params, PGRES_COMMAND_OK);
  if (std::strtoull(PQcmdTuples(r.get()), nullptr, 10) != batch.rows) {
    Fail("upsert", std::string("affected ") + PQcmdTuples(r.get()) + " rows, not " +
                       std::to_string(batch.rows));
  }
}

void CreateSchema(Session& session, const std::string& path) {
  const std::string schema = ReadFile(path);
  session.Exec("SET client_min_messages = warning");
  session.Exec("DROP TABLE IF EXISTS contacts");
  session.Exec(schema, PGRES_COMMAND_OK, "schema " + path);
}

void LoadContacts(Sessions& sessions, const Options& options) {
  Session& admin = *sessions[0];
  if (Setting(admin, "fsync") != "on" || Setting(admin, "synchronous_commit") != "on") {
    std::fprintf(stderr, "pg_bench: warning: fsync or synchronous_commit is off\n");
  }

  // Every batch's parameters, before timing.
  const ContactGenerator generator(kSeed);
  std::vector<UpsertBatch> batches;
  for (uint64_t first = 0; first < options.contacts; first += kBatch) {
    batches.push_back(
        MakeUpsertBatch(generator, first, std::min<size_t>(kBatch, options.contacts - first)));
  }
  const size_t threads = options.connections;
  for (size_t t = 0; t < threads; ++t) {
    for (const UpsertBatch& b : batches) PrepareUpsert(*sessions[t], b.rows);
  }

  std::atomic<size_t> next{0};
  const Run run = RunParallel(threads, 1e9, [&](size_t t, Latencies& latencies, Clock::time_point) {
    for (size_t i; (i = next.fetch_add(1)) < batches.size();) {
      const Clock::time_point start = Clock::now();
      Upsert(*sessions[t], batches[i]);
      latencies.Add(MicrosSince(start));
    }
    return true;
  });
  if (options.Selected("upsert")) {
    PrintResult(kSystem, "upsert", run.seconds, batches.size(), options.contacts,
                run.latencies.Summarize(),
                "connections=" + std::to_string(threads) + " batch=" + std::to_string(kBatch));
  }

  // Untimed: statistics, the visibility map and GIN pending lists as autovacuum would leave
  // them, and a checkpoint, so the measurements that follow do not pay for the load.
  admin.Exec("VACUUM (ANALYZE) contacts");
  admin.Exec("CHECKPOINT");
}

}  // namespace contactd::bench::pg
