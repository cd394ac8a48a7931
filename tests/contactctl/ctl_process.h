// Runs the contactctl binary for its black-box tests: with pipes (stdout and stderr apart, stdin
// fed in parts with pauses, like a slow producer) or on a pseudo-terminal (forkpty), so the
// progress display can be seen both ways.
//
// The child inherits the test's environment without CONTACTD_* variables (a developer's shell
// cannot change what a test sees), plus the variables the test gives.
//
// Thread-safety: RunCtl is reentrant.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace contactd::testing {

struct CtlRun {
  std::vector<std::string> args;  // after the program name
  std::vector<std::pair<std::string, std::string>> env;
  std::string cwd;                       // "" keeps the test's
  std::vector<std::string> stdin_parts;  // written to stdin in order, then it is closed
  std::chrono::milliseconds pause_between_parts{0};
  // If set, each part after the first waits (after the pause) until stderr shows this text, or
  // the timeout has passed: a producer that stalls until contactctl has shown something, however
  // long that takes on a loaded machine.
  std::string next_part_after_stderr;
  bool pty = false;  // stdin, stdout and stderr on a pseudo-terminal (stdin_parts ignored)
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

struct CtlResult {
  int exit_code = -1;  // 128 + signal when killed; -1 when it timed out
  std::string out;     // stdout (everything, with a pty)
  std::string err;     // stderr (empty with a pty)
};

CtlResult RunCtl(const CtlRun& run);

// The contactctl this build made.
std::string CtlBinaryPath();

}  // namespace contactd::testing
