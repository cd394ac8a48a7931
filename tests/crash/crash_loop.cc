// The cycles of the crash loop; see tests/crash/crash_loop.h.
#include "tests/crash/crash_loop.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>
#include <utility>

#include "tests/support/http_client.h"

namespace contactd::crash {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using testing::HttpClient;
using testing::HttpResult;

constexpr char kChatbot[] = "crash";

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// The q-quantile (0..1) of `v` (nearest rank), 0 when empty.
double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(rank, v.size() - 1)];
}

AckCounts Sum(const std::vector<std::unique_ptr<CrashClient>>& clients) {
  AckCounts s;
  for (const auto& c : clients) {
    const AckCounts& a = c->acked();
    s.upsert_batches += a.upsert_batches;
    s.upsert_items += a.upsert_items;
    s.created += a.created;
    s.updated += a.updated;
    s.deletes += a.deletes;
    s.patches += a.patches;
  }
  return s;
}

void Add(const VerifyStats& v, VerifyStats* total) {
  total->contacts += v.contacts;
  total->lookups += v.lookups;
  for (auto [from, to] : {std::pair{&v.upsert, &total->upsert}, std::pair{&v.del, &total->del},
                          std::pair{&v.patch, &total->patch}}) {
    to->applied += from->applied;
    to->not_applied += from->not_applied;
  }
}

std::string Tail(const std::string& s, size_t n) {
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

long long L(int64_t v) { return static_cast<long long>(v); }

// Creates the crash chatbot and its attributes.
bool DefineChatbot(uint16_t port, const std::string& key) {
  HttpClient http("127.0.0.1", port, std::chrono::seconds(30));
  auto post = [&](const std::string& target, const std::string& body) {
    HttpResult r =
        http.Request("POST", target, body,
                     {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}});
    if (r.status != 200) {
      std::printf("crash_loop: POST %s failed: HTTP %d %s\n", target.c_str(), r.status,
                  r.body.c_str());
    }
    return r.status == 200;
  };
  const std::string attrs = std::string("/api/v1/chatbots/") + kChatbot + "/custom-attributes";
  return post("/api/v1/chatbots",
              std::string("{\"id\":\"") + kChatbot + "\",\"name\":\"Crash\"}") &&
         post(attrs, R"({"name":"batch","type":"text"})") &&
         post(attrs, R"({"name":"n","type":"number"})") &&
         post(attrs, R"({"name":"vip","type":"boolean"})") &&
         post(attrs, R"({"name":"seen","type":"date"})") &&
         post(attrs, R"({"name":"note","type":"text"})");
}

}  // namespace

std::atomic<pid_t> CrashLoop::running_pid{-1};

CrashLoop::CrashLoop(const Options& options, std::string data_dir)
    : o_(options),
      data_dir_(std::move(data_dir)),
      server_(data_dir_,
              {"--threads", std::to_string(o_.server_threads), "--write-threads",
               std::to_string(o_.write_threads), "--shards", "2", "--durability", o_.durability}),
      rng_(o_.seed),
      started_(Clock::now()) {
  for (int i = 0; i < o_.clients; ++i) {
    clients_.push_back(std::make_unique<CrashClient>(i, o_, &shared_));
  }
}

void CrashLoop::PrintViolations() {
  for (const std::string& v : shared_.TakeViolations()) {
    std::printf("  VIOLATION: %s\n", v.c_str());
  }
  std::fflush(stdout);
}

bool CrashLoop::Start(double* ms) {
  const size_t before = server_.output().size();
  const auto t0 = Clock::now();
  const bool ok = server_.Start(std::chrono::milliseconds(o_.start_timeout_ms));
  *ms = MsSince(t0);
  running_pid = ok ? server_.pid() : -1;
  if (!ok) {
    shared_.Violation("the server did not start within " + std::to_string(o_.start_timeout_ms) +
                      " ms; its output:\n" + Tail(server_.output().substr(before), 8000));
  }
  return ok;
}

bool CrashLoop::SetUp() {
  double ms = 0;
  if (!Start(&ms)) {
    PrintViolations();
    return false;
  }
  key_ = server_.operator_key();
  if (key_.empty() || !DefineChatbot(server_.port(), key_)) {
    std::printf("crash_loop: set-up failed; server output:\n%s\n",
                Tail(server_.output(), 4000).c_str());
    return false;
  }
  return true;
}

// Starts the server and SIGKILLs it after a random part of the last restart's time
// (ServerProcess::Start kills a server not ready by its timeout), or at once if it was ready
// sooner. A server that exits by itself before that is a violation.
std::string CrashLoop::KillDuringStart() {
  const double typical_ms = restart_ms_.empty() ? 1000.0 : restart_ms_.back();
  const int after =
      std::uniform_int_distribution<int>(1, std::max(2, static_cast<int>(typical_ms)))(rng_);
  const size_t before = server_.output().size();
  const auto t0 = Clock::now();
  ++start_kills_;
  if (server_.Start(std::chrono::milliseconds(after))) {
    server_.Kill();
    return "killed right after start-up (" + std::to_string(static_cast<int>(MsSince(t0))) +
           " ms); ";
  }
  const double elapsed = MsSince(t0);
  if (elapsed + 1 < after) {
    shared_.Violation("the server exited by itself during start-up after " +
                      std::to_string(static_cast<int>(elapsed)) + " ms; its output:\n" +
                      Tail(server_.output().substr(before), 8000));
  }
  return "killed during start-up after " + std::to_string(after) + " ms; ";
}

// --sabotage-wal: cuts the newest write-ahead log (the highest-numbered *.log) to half its length.
std::string CrashLoop::SabotageWal() const {
  std::error_code ec;
  fs::path newest;
  for (const auto& e : fs::directory_iterator(data_dir_, ec)) {
    if (e.path().extension() == ".log" &&
        (newest.empty() || e.path().filename() > newest.filename())) {
      newest = e.path();
    }
  }
  if (newest.empty()) return "sabotage: no write-ahead log found";
  const uintmax_t size = fs::file_size(newest, ec);
  fs::resize_file(newest, size / 2, ec);
  return "sabotage: cut " + newest.filename().string() + " from " + std::to_string(size) + " to " +
         std::to_string(size / 2) + " bytes" + (ec ? " (failed: " + ec.message() + ")" : "");
}

bool CrashLoop::RunCycle(int cycle) {
  const AckCounts before = Sum(clients_);
  const int run_ms =
      std::uniform_int_distribution<int>(o_.min_interval_ms, o_.max_interval_ms)(rng_);
  std::atomic<bool> killing{false};
  std::vector<std::thread> threads;
  for (auto& c : clients_) {
    threads.emplace_back([&, client = c.get(), port = server_.port()] {
      client->Run(port, key_, kChatbot, killing);
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(run_ms));
  killing = true;
  running_pid = -1;
  server_.Kill();
  for (std::thread& t : threads) t.join();
  const AckCounts acked = Sum(clients_);
  int in_flight = 0;
  for (const auto& c : clients_) in_flight += c->in_flight() ? 1 : 0;
  if (o_.sabotage_wal) std::printf("%s\n", SabotageWal().c_str());

  std::string start_kill;
  if (std::uniform_int_distribution<int>(0, 99)(rng_) < o_.start_kill_percent) {
    start_kill = KillDuringStart();
  }
  double start_ms = 0;
  if (!Start(&start_ms)) {
    std::printf("cycle %d/%d: %sthe server did not restart\n", cycle, o_.cycles,
                start_kill.c_str());
    PrintViolations();
    return false;
  }
  restart_ms_.push_back(start_ms);
  const auto v0 = Clock::now();
  VerifyStats v;
  Verify(server_.port(), key_, kChatbot, clients_, &shared_, &v);
  verify_ms_.push_back(MsSince(v0));
  Add(v, &verified_);
  const bool ok = shared_.violations() == 0;
  std::printf(
      "cycle %d/%d: ran %d ms; acked %lld upserts (%lld items), %lld deletes, %lld patches; "
      "in flight %d: upsert %lld applied/%lld not, delete %lld/%lld, patch %lld/%lld; "
      "%srestart %.0f ms; verified %lld contacts in %.0f ms: %s\n",
      cycle, o_.cycles, run_ms, L(acked.upsert_batches - before.upsert_batches),
      L(acked.upsert_items - before.upsert_items), L(acked.deletes - before.deletes),
      L(acked.patches - before.patches), in_flight, L(v.upsert.applied), L(v.upsert.not_applied),
      L(v.del.applied), L(v.del.not_applied), L(v.patch.applied), L(v.patch.not_applied),
      start_kill.c_str(), start_ms, L(v.contacts), verify_ms_.back(), ok ? "ok" : "VIOLATION");
  PrintViolations();
  if (ok) cycles_done_ = cycle;
  return ok;
}

bool CrashLoop::Finish() {
  running_pid = -1;
  const std::optional<int> code = server_.Stop(std::chrono::seconds(60));
  double ms = 0;
  if (code != 0) {
    shared_.Violation("clean stop (SIGTERM) exited with " +
                      (code ? std::to_string(*code) : std::string("a timeout")) +
                      "; its output:\n" + Tail(server_.output(), 4000));
  } else if (Start(&ms)) {
    VerifyStats v;
    Verify(server_.port(), key_, kChatbot, clients_, &shared_, &v);
    std::printf("clean stop and restart: restart %.0f ms; verified %lld contacts: %s\n", ms,
                L(v.contacts), shared_.violations() == 0 ? "ok" : "VIOLATION");
  }
  PrintViolations();
  return shared_.violations() == 0;
}

void CrashLoop::Shutdown() {
  running_pid = -1;
  if (server_.running() && server_.Stop(std::chrono::seconds(60)) != 0) server_.Kill();
}

void CrashLoop::PrintSummary() const {
  const AckCounts a = Sum(clients_);
  const VerifyStats& v = verified_;
  std::printf(
      "\nsummary (seed %llu, %d clients, --durability %s, kill every %d-%d ms, batches of %d):\n"
      "  cycles survived        %d of %d (%.1f min)\n"
      "  kills during start-up  %d\n"
      "  acknowledged upserts   %lld batches, %lld items (%lld creates, %lld updates)\n"
      "  acknowledged deletes   %lld\n"
      "  acknowledged patches   %lld\n"
      "  contacts verified      %lld (summed over %zu verifications), plus %lld single GETs\n"
      "  in flight at a kill    upserts %lld applied, %lld not; deletes %lld applied, %lld not; "
      "patches %lld applied, %lld not\n"
      "  restart time           p50 %.0f ms, p95 %.0f ms, max %.0f ms\n"
      "  verification time      p50 %.0f ms, max %.0f ms\n"
      "  violations             %lld\n",
      static_cast<unsigned long long>(o_.seed), o_.clients, o_.durability.c_str(),
      o_.min_interval_ms, o_.max_interval_ms, o_.batch_size, cycles_done_, o_.cycles,
      MsSince(started_) / 60000.0, start_kills_, L(a.upsert_batches), L(a.upsert_items),
      L(a.created), L(a.updated), L(a.deletes), L(a.patches), L(v.contacts), verify_ms_.size(),
      L(v.lookups), L(v.upsert.applied), L(v.upsert.not_applied), L(v.del.applied),
      L(v.del.not_applied), L(v.patch.applied), L(v.patch.not_applied), Quantile(restart_ms_, 0.5),
      Quantile(restart_ms_, 0.95), Quantile(restart_ms_, 1.0), Quantile(verify_ms_, 0.5),
      Quantile(verify_ms_, 1.0), L(shared_.violations()));
  std::fflush(stdout);
}

}  // namespace contactd::crash
