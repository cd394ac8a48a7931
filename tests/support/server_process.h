// ServerProcess: runs the real contactd binary for black-box tests.
//
// Start() launches it with --data-dir DIR --listen 127.0.0.1:0 (plus extra flags), waits until it
// logs "listening on http://127.0.0.1:PORT" (printed once data is loaded) and records the port and,
// on a first start, the operator key it prints. Kill() sends SIGKILL (a crash); Stop() sends
// SIGTERM and returns the exit code. Output is collected for failure messages.
//
// The child inherits the test's environment except CONTACTD_* variables (so a developer's shell
// cannot change what a test sees); SetEnv() adds variables of its own.
//
// Thread-safety: one test thread drives it; output is drained by internal threads.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace contactd::testing {

// Environment variables for a child process, as name and value.
using EnvVars = std::vector<std::pair<std::string, std::string>>;

class ServerProcess {
 public:
  // `data_dir` is reused across restarts; `extra_args` are appended to every start.
  explicit ServerProcess(std::string data_dir, std::vector<std::string> extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits until it is ready. Returns false (see output()) if it exited or
  // did not become ready within `timeout`.
  bool Start(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SIGKILL and reap.
  void Kill();
  // SIGTERM; returns the exit code (or 128 + signal), or nullopt if it did not exit in `timeout`.
  std::optional<int> Stop(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Waits for the process to exit by itself (after a signal the test sent to pid()); returns the
  // exit code as Stop() does, or nullopt if it did not exit in `timeout`.
  std::optional<int> Wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Environment variables added for every later start.
  void SetEnv(EnvVars env) { env_ = std::move(env); }

  bool running() const { return pid_ > 0; }
  // The running process's id (-1 when not running).
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  // The operator key printed on the first start of this data dir ("" if none was printed).
  const std::string& operator_key() const { return operator_key_; }
  // Everything the process wrote to stdout and stderr so far.
  std::string output() const;

  // Runs contactd with `args` to completion (for flag tests); returns exit code and output.
  static int RunToExit(const std::vector<std::string>& args, std::string* output,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30),
                       const EnvVars& env = {});

  // The contactd this build made, or $CONTACTD_TEST_BINARY when set (to test another build).
  static std::string BinaryPath();

 private:
  void Reap();

  std::string data_dir_;
  std::vector<std::string> extra_args_;
  EnvVars env_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string operator_key_;
  mutable std::mutex mu_;
  std::string output_;
  std::vector<std::thread> drains_;
};

}  // namespace contactd::testing
