// CrashLoop: the kill -9 / restart / verify cycles of the crash loop (issue 5, "Crash loop").
//
// Each cycle: K clients (CrashClient) write to one chatbot for a random 0.5-5 s; the server is
// then SIGKILLed; with --start-kill-percent odds it is started and killed again during its
// recovery; then it is restarted (a start that fails or times out is a violation) and the whole
// chatbot is read back and checked against the clients' models (Verify). Finish() stops the
// server cleanly (exit status 0 expected), starts and verifies it once more. Each step prints one
// line; Summary() prints the figures.
//
// Thread-safety: driven by one thread; the clients run on their own threads inside RunCycle().
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/crash/crash_client.h"
#include "tests/crash/crash_options.h"
#include "tests/crash/verifier.h"
#include "tests/support/server_process.h"

namespace contactd::crash {

class CrashLoop {
 public:
  // `data_dir` must be absent or empty.
  CrashLoop(const Options& options, std::string data_dir);

  // Starts the server on a fresh directory and defines the crash chatbot. False on failure
  // (printed).
  bool SetUp();
  // One cycle; false when it found a violation (printed) and the loop should stop.
  bool RunCycle(int cycle);
  // Clean stop, start, verification; false on a violation (printed).
  bool Finish();
  // Stops whatever server is still running.
  void Shutdown();
  void PrintSummary() const;

  int cycles_done() const { return cycles_done_; }
  int64_t violations() const { return shared_.violations(); }

  // The pid of the running server (-1 when none), for a signal handler.
  static std::atomic<pid_t> running_pid;

 private:
  bool Start(double* ms);
  std::string KillDuringStart();
  std::string SabotageWal() const;
  void PrintViolations();

  Options o_;
  std::string data_dir_;
  testing::ServerProcess server_;
  Shared shared_;
  std::string key_;
  std::vector<std::unique_ptr<CrashClient>> clients_;
  std::mt19937_64 rng_;
  std::vector<double> restart_ms_;
  std::vector<double> verify_ms_;
  VerifyStats verified_;
  int cycles_done_ = 0;
  int start_kills_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace contactd::crash
