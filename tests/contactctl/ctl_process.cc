// Runs contactctl for tests; see tests/contactctl/ctl_process.h.
#include "tests/contactctl/ctl_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

extern char** environ;

namespace contactd::testing {

namespace {

using Clock = std::chrono::steady_clock;

// Everything execve needs, built before fork(): the child of a threaded process may only make
// async-signal-safe calls, so it must not allocate.
struct ExecArgs {
  explicit ExecArgs(const CtlRun& run) : binary(CtlBinaryPath()), args(run.args) {
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "CONTACTD_", 9) != 0) env.emplace_back(*e);
    }
    for (const auto& [name, value] : run.env)
      env.push_back(std::string(name).append("=").append(value));
    argv.reserve(args.size() + 2);
    argv.push_back(binary.data());
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    envp.reserve(env.size() + 1);
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
  }
  std::string binary;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

[[noreturn]] void Exec(const CtlRun& run, ExecArgs& exec) {
  if (!run.cwd.empty() && ::chdir(run.cwd.c_str()) != 0) _exit(126);
  ::execve(exec.binary.c_str(), exec.argv.data(), exec.envp.data());
  _exit(127);
}

// Waits for `pid` until `deadline`, killing it then; returns the exit code as CtlResult says.
int Reap(pid_t pid, Clock::time_point deadline) {
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return -1;
    if (Clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Reads `fds` into `outs` until every one reaches its end or the deadline passes. With `mu`, the
// outputs are appended to under it, and `appended` is notified after each append.
void Drain(std::vector<int> fds, std::vector<std::string*> outs, Clock::time_point deadline,
           std::mutex* mu = nullptr, std::condition_variable* appended = nullptr) {
  char buf[65536];
  while (!fds.empty() && Clock::now() < deadline) {
    std::vector<pollfd> pfds;
    pfds.reserve(fds.size());
    for (int fd : fds) pfds.push_back({fd, POLLIN, 0});
    if (::poll(pfds.data(), pfds.size(), 100) < 0 && errno != EINTR) break;
    for (size_t i = pfds.size(); i-- > 0;) {
      if (pfds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i], buf, sizeof buf);
      if (n > 0) {
        if (mu != nullptr) {
          std::lock_guard lock(*mu);
          outs[i]->append(buf, static_cast<size_t>(n));
        } else {
          outs[i]->append(buf, static_cast<size_t>(n));
        }
        if (appended != nullptr) appended->notify_all();
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {  // EIO: the pty's end
        ::close(fds[i]);
        fds.erase(fds.begin() + static_cast<ptrdiff_t>(i));
        outs.erase(outs.begin() + static_cast<ptrdiff_t>(i));
      }
    }
  }
  for (int fd : fds) ::close(fd);
}

CtlResult RunOnPty(const CtlRun& run, ExecArgs& exec) {
  CtlResult result;
  termios tio{};
  ::cfmakeraw(&tio);  // no "\n" -> "\r\n": every '\r' seen is contactctl's own
  winsize ws{};
  ws.ws_row = 24;
  ws.ws_col = 120;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, &tio, &ws);
  if (pid < 0) return result;
  if (pid == 0) Exec(run, exec);
  const auto deadline = Clock::now() + run.timeout;
  Drain({master}, {&result.out}, deadline);
  result.exit_code = Reap(pid, deadline);
  return result;
}

}  // namespace

std::string CtlBinaryPath() { return CONTACTCTL_BINARY; }

CtlResult RunCtl(const CtlRun& run) {
  ExecArgs exec(run);
  if (run.pty) return RunOnPty(run, exec);
  CtlResult result;
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    return result;
  }
  const pid_t pid = ::fork();
  if (pid < 0) return result;
  if (pid == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    Exec(run, exec);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  // The feeder ignores EPIPE (contactctl may stop reading early).
  signal(SIGPIPE, SIG_IGN);
  const auto deadline = Clock::now() + run.timeout;
  std::mutex mu;  // guards result.out and result.err while the feeder may read them, and `drained`
  std::condition_variable appended;
  bool drained = false;
  std::thread feeder([&, fd = in[1]] {
    for (size_t i = 0; i < run.stdin_parts.size(); ++i) {
      if (i > 0) std::this_thread::sleep_for(run.pause_between_parts);
      if (i > 0 && !run.next_part_after_stderr.empty()) {
        std::unique_lock lock(mu);
        appended.wait_until(lock, deadline, [&] {
          return drained || result.err.find(run.next_part_after_stderr) != std::string::npos;
        });
      }
      const std::string& part = run.stdin_parts[i];
      size_t done = 0;
      while (done < part.size()) {
        const ssize_t n = ::write(fd, part.data() + done, part.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<size_t>(n);
      }
    }
    ::close(fd);
  });
  Drain({out[0], err[0]}, {&result.out, &result.err}, deadline, &mu, &appended);
  {
    std::lock_guard lock(mu);
    drained = true;
  }
  appended.notify_all();
  result.exit_code = Reap(pid, deadline);
  feeder.join();
  return result;
}

}  // namespace contactd::testing
