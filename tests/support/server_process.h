// ServerProcess: runs the real contactd binary for black-box tests.
//
// Start() launches it with --data-dir DIR --listen 127.0.0.1:0 (plus extra flags), waits until it
// logs "listening on http://127.0.0.1:PORT" (printed once data is loaded) and records the port and,
// on a first start, the operator key it prints. Kill() sends SIGKILL (a crash); Stop() sends
// SIGTERM and returns the exit code. Output is collected for failure messages.
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
#include <vector>

namespace contactd::testing {

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

  bool running() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  // The operator key printed on the first start of this data dir ("" if none was printed).
  const std::string& operator_key() const { return operator_key_; }
  // Everything the process wrote to stdout and stderr so far.
  std::string output() const;

  // Runs contactd with `args` to completion (for flag tests); returns exit code and output.
  static int RunToExit(const std::vector<std::string>& args, std::string* output,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

  static std::string BinaryPath();

 private:
  void Reap();

  std::string data_dir_;
  std::vector<std::string> extra_args_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string operator_key_;
  mutable std::mutex mu_;
  std::string output_;
  std::vector<std::thread> drains_;
};

}  // namespace contactd::testing
