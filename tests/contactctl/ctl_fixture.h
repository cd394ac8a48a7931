// The fixture of contactctl's black-box tests: one real contactd per suite (ChatbotSuite, a fresh
// chatbot per test), a temporary directory per test for files, and Ctl(), which runs contactctl
// with --url and --key of that server.
//
// Thread-safety: one test thread.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/contactctl/ctl_process.h"
#include "tests/integration/it_helpers.h"

namespace contactd::testing {

template <class Suite>
class CtlSuite : public ChatbotSuite<Suite> {
 protected:
  static std::string url() { return "http://127.0.0.1:" + std::to_string(Suite::port()); }

  // contactctl --url URL --key KEY args...
  CtlResult Ctl(std::vector<std::string> args, CtlRun run = {}) {
    run.args = {"--url", url(), "--key", Suite::operator_key()};
    run.args.insert(run.args.end(), args.begin(), args.end());
    if (run.cwd.empty()) run.cwd = tmp_.str();
    return RunCtl(run);
  }

  // Writes `content` to a file of the test's directory; returns its path.
  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = tmp_.str() + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  TempDir tmp_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

inline std::string Describe(const CtlResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out + "\n--- stderr:\n" +
         r.err;
}

// Lines of `text` (without their "\n").
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace contactd::testing
