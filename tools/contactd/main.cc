// contactd: the server binary. Wires persist/ (RocksDB), engine/ and net/ (HTTP) together.
//
// Start-up: parse flags (exit 2 on a bad one); raise the open-file limit to fit
// --max-connections (a warning if the hard limit is lower); open the data directory (exit 1 if it
// is corrupt or in use); start listening (requests get 503 until the data is loaded); rebuild
// memory from RocksDB and log how long it took; on an empty directory create the default workspace
// and the operator key; then serve. SIGINT/SIGTERM: stop accepting, finish in-flight requests,
// flush, exit 0.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>

#include "engine/engine.h"
#include "net/api.h"
#include "net/rate_limiter.h"
#include "net/router.h"
#include "net/server.h"
#include "persist/rocks_store.h"
#include "tools/contactd/options.h"

namespace contactd::server {
namespace {

void Log(const char* fmt, auto... args) {
  std::fprintf(stderr, "contactd: ");
  std::fprintf(stderr, fmt, args...);
  std::fputc('\n', stderr);
}

// Each connection needs a file descriptor: raise the soft limit towards the hard one so that
// --max-connections can be reached, and say so when it cannot.
void RaiseFileLimit(size_t max_connections) {
  constexpr rlim_t kSpare = 256;  // RocksDB files, the listener, logs
  const rlim_t wanted = static_cast<rlim_t>(max_connections) + kSpare;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = before;
  if (limit.rlim_cur < wanted) {
    Log("warning: the open-file limit (%llu) is below --max-connections + %llu; new connections "
        "beyond it wait in the listen queue",
        static_cast<unsigned long long>(limit.rlim_cur), static_cast<unsigned long long>(kSpare));
  }
}

void PrintBootstrap(const BootstrapResult& b, const Options& o) {
  if (b.given_key_ignored) {
    Log("--admin-key ignored: %s already has an operator key", o.data_dir.c_str());
  }
  if (!b.created) return;
  Log("created the default workspace in %s", o.data_dir.c_str());
  if (!b.operator_key.empty()) {
    std::printf(
        "contactd: operator key (admin of the default workspace), shown only this once:\n"
        "  %s\n",
        b.operator_key.c_str());
    std::fflush(stdout);
  }
}

int Serve(const Options& o) {
  RaiseFileLimit(o.max_connections);
  persist::RocksStoreOptions store_options;
  store_options.path = o.data_dir;
  store_options.durability =
      o.sync ? persist::RocksStoreOptions::kSync : persist::RocksStoreOptions::kBuffered;
  auto store = persist::RocksStore::Open(store_options);
  if (!store.ok()) {
    Log("cannot start: %s", store.status().message().c_str());
    return 1;
  }
  Engine engine(store->get(), EngineOptions{o.shards, nullptr});
  net::Api api(&engine);
  std::atomic<bool> ready{false};
  std::optional<net::RateLimiter> limiter;
  if (o.rate_limit > 0) {
    limiter.emplace(net::RateLimiterOptions{o.rate_limit, o.rate_burst});
  }
  net::Router router(
      api.Routes(), [&](std::string_view key) { return engine.Authenticate(key); }, &ready,
      limiter ? &*limiter : nullptr);

  net::ServerOptions server_options;
  server_options.host = o.host;
  server_options.port = o.port;
  server_options.threads = o.threads;
  server_options.blocking_threads = o.write_threads;
  server_options.stream_threads = o.stream_threads;
  server_options.stream_body_limit = o.max_import_body_bytes;
  server_options.body_limit = o.max_body_bytes;
  server_options.header_limit = o.max_header_bytes;
  server_options.read_timeout = o.read_timeout;
  server_options.idle_timeout = o.idle_timeout;
  server_options.header_timeout = o.header_timeout;
  server_options.max_connections = o.max_connections;
  net::HttpServer server(
      server_options, [&](const net::HttpRequest& r) { return router.Handle(r); },
      &net::Router::IsBlocking, &net::Router::IsStreaming);
  if (Status s = server.Start(); !s.ok()) {
    Log("cannot start: %s", s.message().c_str());
    return 1;
  }
  std::thread serving([&] { server.Run(); });

  auto stats = engine.Recover();
  auto boot = stats.ok() ? engine.Bootstrap(o.admin_key) : Result<BootstrapResult>(stats.status());
  if (!boot.ok()) {
    Log("cannot start: %s", boot.status().message().c_str());
    server.Stop();
    serving.join();
    return 1;
  }
  Log("loaded %zu contacts in %zu chatbots and %zu workspaces in %.3f s (search indexes %.3f s)",
      stats->contacts, stats->chatbots, stats->workspaces, stats->seconds, stats->index_seconds);
  PrintBootstrap(*boot, o);
  ready.store(true, std::memory_order_release);
  Log("listening on http://%s:%u (%s durability)", o.host.c_str(), unsigned{server.port()},
      o.sync ? "sync" : "buffered");

  serving.join();                // returns after SIGINT/SIGTERM and a drained shutdown
  std::signal(SIGINT, SIG_IGN);  // a second signal must not interrupt the final flush
  std::signal(SIGTERM, SIG_IGN);
  if (Status s = (*store)->Flush(); !s.ok()) {
    Log("flush at shutdown failed: %s", s.message().c_str());
    return 1;
  }
  Log("stopped");
  return 0;
}

}  // namespace
}  // namespace contactd::server

int main(int argc, char** argv) {
  using contactd::server::ParseOutcome;
  const ParseOutcome parsed = contactd::server::ParseOptions(argc, argv);
  switch (parsed.kind) {
    case ParseOutcome::Kind::kHelp:
      std::printf("%s", parsed.text.c_str());
      return 0;
    case ParseOutcome::Kind::kVersion:
      std::printf("contactd %s\n", CONTACTD_VERSION);
      return 0;
    case ParseOutcome::Kind::kError:
      std::fprintf(stderr, "contactd: %s\nTry 'contactd --help'.\n", parsed.text.c_str());
      return 2;
    case ParseOutcome::Kind::kRun:
      break;
  }
  return contactd::server::Serve(parsed.options);
}
