// crash_loop: kill -9 contactd again and again while clients write, and prove after every restart
// that nothing acknowledged was lost (issue 5, "Crash loop"). How a cycle works: crash_loop.h;
// the flags: crash_options.cc (crash_loop --help).
//
// Runs --cycles cycles, stopping after the first one with a violation, then a clean stop and
// restart; prints one line per cycle and a summary. Exit status 0 only if every check held (1 on
// a violation, 2 on a bad flag). The temporary data directory is removed on success and kept on
// a failure (or with --keep). SIGINT/SIGTERM kill the server before exiting.
//
// Thread-safety: main thread only (CrashLoop runs the client threads).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "tests/crash/crash_loop.h"
#include "tests/crash/crash_options.h"
#include "tests/support/server_process.h"

namespace contactd::crash {
namespace {

namespace fs = std::filesystem;

void OnSignal(int sig) {
  const pid_t pid = CrashLoop::running_pid.load();
  if (pid > 0) kill(pid, SIGKILL);
  _exit(128 + sig);
}

// Picks the data directory: --data-dir (absent or empty; never removed) or a fresh temporary one
// (`remove_root` is what to remove at the end).
bool PrepareDataDir(const Options& o, std::string* dir, std::string* remove_root) {
  std::error_code ec;
  if (!o.data_dir.empty()) {
    if (fs::exists(o.data_dir, ec) && !fs::is_empty(o.data_dir, ec)) {
      std::fprintf(stderr, "crash_loop: --data-dir %s is not empty\n", o.data_dir.c_str());
      return false;
    }
    *dir = o.data_dir;
    remove_root->clear();
    return true;
  }
  const char* base = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/contactd-crash-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::perror("crash_loop: mkdtemp");
    return false;
  }
  *dir = tmpl + "/data";
  *remove_root = tmpl;
  return true;
}

int Run(const Options& o) {
  std::string data_dir, remove_root;
  if (!PrepareDataDir(o, &data_dir, &remove_root)) return 1;
  std::printf(
      "crash_loop: %d cycles, seed %llu, %d clients, %s, kill every %d-%d ms\n  contactd %s\n"
      "  data %s\n",
      o.cycles, static_cast<unsigned long long>(o.seed), o.clients, o.durability.c_str(),
      o.min_interval_ms, o.max_interval_ms, testing::ServerProcess::BinaryPath().c_str(),
      data_dir.c_str());
  std::fflush(stdout);

  bool pass = false;
  {
    CrashLoop loop(o, data_dir);
    if (loop.SetUp()) {
      for (int cycle = 1; cycle <= o.cycles && loop.RunCycle(cycle); ++cycle) {
      }
      pass = loop.cycles_done() == o.cycles && loop.Finish();
    }
    loop.Shutdown();
    loop.PrintSummary();
  }
  std::printf("result: %s\n", pass ? "PASS" : "FAIL");
  // A sabotaged run is meant to fail: its directory is no evidence of anything.
  if ((pass || o.sabotage_wal) && !o.keep && !remove_root.empty()) {
    std::error_code ec;
    fs::remove_all(remove_root, ec);
  } else {
    std::printf("data directory kept: %s\n", data_dir.c_str());
  }
  std::fflush(stdout);
  return pass ? 0 : 1;
}

}  // namespace
}  // namespace contactd::crash

int main(int argc, char** argv) {
  std::string error;
  const std::optional<contactd::crash::Options> options =
      contactd::crash::ParseOptions(argc, argv, &error);
  if (!options) {
    if (error.empty()) {
      std::printf("%s", contactd::crash::Usage().c_str());
      return 0;
    }
    std::fprintf(stderr, "crash_loop: %s\n%s", error.c_str(), contactd::crash::Usage().c_str());
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = contactd::crash::OnSignal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return contactd::crash::Run(*options);
}
