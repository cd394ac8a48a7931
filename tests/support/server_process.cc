#include "tests/support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <regex>

extern char** environ;

namespace contactd::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct Child {
  pid_t pid = -1;
  int out_fd = -1;  // stdout and stderr, merged
};

// The child's environment: ours without CONTACTD_* variables, plus `env`.
std::vector<std::string> ChildEnvironment(const EnvVars& env) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "CONTACTD_", 9) != 0) out.emplace_back(*e);
  }
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

Child Spawn(const std::vector<std::string>& args, const EnvVars& env) {
  const std::vector<std::string> environment = ChildEnvironment(env);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits for `pid` up to `timeout`; returns its status or nullopt.
std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0) return std::nullopt;
    if (Clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::string ServerProcess::BinaryPath() {
  const char* other = std::getenv("CONTACTD_TEST_BINARY");
  return other != nullptr && *other != '\0' ? other : CONTACTD_BINARY;
}

ServerProcess::ServerProcess(std::string data_dir, std::vector<std::string> extra_args)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
  Reap();
}

std::string ServerProcess::output() const {
  std::lock_guard lock(mu_);
  return output_;
}

bool ServerProcess::Start(std::chrono::milliseconds timeout) {
  Reap();
  std::vector<std::string> args = {BinaryPath(), "--data-dir", data_dir_, "--listen",
                                   "127.0.0.1:0"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  size_t seen;
  {
    std::lock_guard lock(mu_);
    seen = output_.size();
  }
  Child child = Spawn(args, env_);
  if (child.pid <= 0) return false;
  pid_ = child.pid;
  drains_.emplace_back([this, fd = child.out_fd] {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      std::lock_guard lock(mu_);
      output_.append(buf, static_cast<size_t>(n));
    }
    close(fd);
  });
  static const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+))");
  static const std::regex kKey(R"(shown only this once:\s+(\S+))");
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    std::string out;
    {
      std::lock_guard lock(mu_);
      out = output_.substr(seen);
    }
    std::smatch m;
    if (std::regex_search(out, m, kListening)) {
      port_ = static_cast<uint16_t>(std::stoi(m[1]));
      if (std::regex_search(out, m, kKey)) operator_key_ = m[1];
      return true;
    }
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Kill();
  return false;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  WaitFor(pid_, std::chrono::seconds(30));
  pid_ = -1;
  Reap();
}

std::optional<int> ServerProcess::Stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, SIGTERM);
  auto status = WaitFor(pid_, timeout);
  if (!status) return std::nullopt;
  pid_ = -1;
  Reap();
  return ExitCode(*status);
}

std::optional<int> ServerProcess::Wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  auto status = WaitFor(pid_, timeout);
  if (!status) return std::nullopt;
  pid_ = -1;
  Reap();
  return ExitCode(*status);
}

void ServerProcess::Reap() {
  if (pid_ > 0) return;  // drains end when the process closes its output
  for (std::thread& t : drains_) t.join();
  drains_.clear();
}

int ServerProcess::RunToExit(const std::vector<std::string>& args, std::string* output,
                             std::chrono::milliseconds timeout, const EnvVars& env) {
  std::vector<std::string> full = {BinaryPath()};
  full.insert(full.end(), args.begin(), args.end());
  Child child = Spawn(full, env);
  if (child.pid <= 0) return -1;
  const auto deadline = Clock::now() + timeout;
  char buf[4096];
  while (true) {
    pollfd p{child.out_fd, POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      kill(child.pid, SIGKILL);
      break;
    }
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = read(child.out_fd, buf, sizeof buf);
    if (n <= 0) break;
    output->append(buf, static_cast<size_t>(n));
  }
  close(child.out_fd);
  auto status = WaitFor(child.pid, std::chrono::seconds(30));
  return status ? ExitCode(*status) : -1;
}

}  // namespace contactd::testing
