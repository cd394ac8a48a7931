// The trickle (slowloris) test of issue 5: with a connection cap C, 10×C attacking connections
// each send one byte per second of a header that never ends, and reopen (at their next tick)
// whenever the server closes them. Meanwhile a normal client sends requests the way real ones
// do: on a kept-alive connection, and on a fresh connection per request. Its p99 latency during
// the attack must stay within 2× its p99 without the attack, every normal request must succeed,
// and every attacking connection must be closed by the server within the header timeout (+ slack).
//
// The baseline p99 is measured both before and after the attack and the larger one is used (with a
// 1 ms floor, so that microseconds of loopback jitter cannot fail the test): CI machines and
// developer machines run other work, and bracketing the attack keeps a change of background load
// from being mistaken for the attack's effect. Work that comes and goes within the attack can still
// slow the client then, so the latency comparison has up to three attempts (each printed): an
// attack that really slows the client fails all three. Everything else must hold on every attempt.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "net/server.h"
#include "tests/net/test_server.h"
#include "tests/support/http_client.h"

namespace contactd::net {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the test helpers

constexpr size_t kCap = 8;
constexpr int kAttackers = 10 * kCap;
constexpr std::chrono::milliseconds kHeaderTimeout{2000};
// Detection of a close takes up to one poll interval here; the rest is for a loaded CI machine.
constexpr std::chrono::milliseconds kCloseSlack{1000};
constexpr std::chrono::milliseconds kAttackTime{6000};  // three header timeouts
constexpr int kBaselineRequests = 2000;                 // of each kind
constexpr size_t kMinDuringRequests = 2000;             // of each kind
constexpr int kLatencyAttempts = 3;                     // the latency comparison's, see the test

// What the attack saw.
struct AttackReport {
  int connections = 0;       // opened in all
  int closed_by_server = 0;  // EOF or reset from the server
  int answered_408 = 0;      // closed by the header timeout
  int evicted = 0;           // closed without a response: evicted at the cap
  int other = 0;             // closed with any other response (a 503 at the cap)
  std::chrono::milliseconds longest_life{0};
  int over_timeout = 0;  // lived longer than kHeaderTimeout + kCloseSlack
  int still_open_at_end = 0;
};

// kAttackers slots; each holds one connection that sends a byte of a never-ending header every
// second (the slots' ticks are spread over the second). A slot whose connection the server closed
// reconnects at its next tick. Stop() ends the
// reconnecting; the run then waits for the server to close what is still open.
class Attack {
 public:
  explicit Attack(uint16_t port) : port_(port) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Attack() {
    Stop();
    if (thread_.joinable()) thread_.join();
  }
  void Stop() { stopping_ = true; }
  AttackReport Finish() {
    Stop();
    thread_.join();
    return report_;
  }

 private:
  struct Slot {
    int fd = -1;
    Clock::time_point opened;
    Clock::time_point next_tick;
    size_t sent = 0;
    std::string received;
  };
  static constexpr std::string_view kPrefix = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";

  void Open(Slot& slot, Clock::time_point now) {
    slot.fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(slot.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(slot.fd);
      slot.fd = -1;
      return;
    }
    fcntl(slot.fd, F_SETFL, O_NONBLOCK);
    slot.opened = now;
    slot.sent = 0;
    slot.received.clear();
    ++report_.connections;
    SendByte(slot);
  }

  void SendByte(Slot& slot) {
    const char c = slot.sent < kPrefix.size() ? kPrefix[slot.sent] : 'a';
    if (send(slot.fd, &c, 1, MSG_NOSIGNAL) == 1) ++slot.sent;
  }

  // Reads what the server sent; true if it closed the connection.
  bool ClosedByServer(Slot& slot) {
    char buf[1024];
    while (true) {
      ssize_t n = recv(slot.fd, buf, sizeof(buf), 0);
      if (n > 0) {
        slot.received.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
      return true;  // EOF, or a reset
    }
  }

  void OnClosed(Slot& slot, Clock::time_point now) {
    const auto life = std::chrono::duration_cast<std::chrono::milliseconds>(now - slot.opened);
    ++report_.closed_by_server;
    if (slot.received.rfind("HTTP/1.1 408 ", 0) == 0) {
      ++report_.answered_408;
    } else if (slot.received.empty()) {
      ++report_.evicted;
    } else {
      ++report_.other;
    }
    report_.longest_life = std::max(report_.longest_life, life);
    if (life > kHeaderTimeout + kCloseSlack) ++report_.over_timeout;
    close(slot.fd);
    slot.fd = -1;
  }

  void Run() {
    // Independent attackers: slot i opens at i/kAttackers s, then ticks once a second.
    std::vector<Slot> slots(kAttackers);
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < kAttackers; ++i) slots[i].next_tick = start + i * 1000ms / kAttackers;
    // After Stop(): at most one header timeout (+ slack) for the last ones to be closed.
    Clock::time_point give_up = Clock::time_point::max();
    while (true) {
      const Clock::time_point now = Clock::now();
      if (stopping_ && give_up == Clock::time_point::max()) {
        give_up = now + kHeaderTimeout + 2 * kCloseSlack;
      }
      std::vector<pollfd> fds;
      std::vector<Slot*> polled;
      for (Slot& slot : slots) {
        if (slot.fd >= 0) {
          fds.push_back({slot.fd, POLLIN, 0});
          polled.push_back(&slot);
        }
      }
      if (stopping_ && (fds.empty() || now >= give_up)) break;
      poll(fds.data(), fds.size(), 20);
      const Clock::time_point after = Clock::now();
      for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents != 0 && ClosedByServer(*polled[i])) OnClosed(*polled[i], after);
      }
      for (Slot& slot : slots) {
        if (after < slot.next_tick) continue;
        slot.next_tick += 1000ms;
        if (slot.fd >= 0) {
          SendByte(slot);
        } else if (!stopping_) {
          Open(slot, after);
        }
      }
    }
    for (Slot& slot : slots) {
      if (slot.fd < 0) continue;
      ++report_.still_open_at_end;
      close(slot.fd);
    }
  }

  const uint16_t port_;
  std::atomic<bool> stopping_{false};
  AttackReport report_;  // written by the attack thread; read after join
  std::thread thread_;
};

struct Latencies {
  std::vector<double> kept_alive_ms;
  std::vector<double> fresh_ms;
  int failures = 0;
  std::string first_failure;
};

// One request on the kept-alive client and one on a fresh connection, timed.
void MeasureOnce(uint16_t port, HttpClient& kept_alive, Latencies* out) {
  auto timed = [&](HttpClient& client, std::vector<double>* into, bool close) {
    const Clock::time_point start = Clock::now();
    HttpResult r = close ? client.Request("GET", "/ping", "", {{"Connection", "close"}})
                         : client.Request("GET", "/ping");
    into->push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (r.status != 200) {
      if (out->failures++ == 0) out->first_failure = std::to_string(r.status) + " " + r.body;
    }
  };
  timed(kept_alive, &out->kept_alive_ms, false);
  HttpClient fresh("127.0.0.1", port);
  timed(fresh, &out->fresh_ms, true);
}

double P99(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t rank = (v.size() * 99 + 99) / 100;  // ceil(0.99 n)
  return v[std::min(v.size(), rank) - 1];
}

// One measurement: the normal client before, during and after an attack. Checks what must hold
// on every attempt (every normal request succeeds, the server closes every attacking connection in
// time) and returns whether the latencies stayed within 2× of the baseline.
bool AttackOnce(const TestServer& server, HttpClient& kept_alive, int attempt) {
  Latencies before;
  for (int i = 0; i < kBaselineRequests; ++i) MeasureOnce(server.port(), kept_alive, &before);

  Latencies during;
  AttackReport report;
  {
    Attack attack(server.port());
    const Clock::time_point start = Clock::now();
    // At least kAttackTime, and enough requests for a meaningful p99 even on a slow (sanitizer)
    // build; bounded so that a broken server fails instead of hanging.
    while ((Since(start) < kAttackTime || during.kept_alive_ms.size() < kMinDuringRequests) &&
           Since(start) < 10 * kAttackTime) {
      MeasureOnce(server.port(), kept_alive, &during);
    }
    report = attack.Finish();  // returns once the server closed every attacking connection
  }
  Latencies after;
  for (int i = 0; i < kBaselineRequests; ++i) MeasureOnce(server.port(), kept_alive, &after);

  const double floor_ms = 1.0;
  const double kept_before = P99(before.kept_alive_ms), kept_during = P99(during.kept_alive_ms);
  const double fresh_before = P99(before.fresh_ms), fresh_during = P99(during.fresh_ms);
  const double kept_after = P99(after.kept_alive_ms), fresh_after = P99(after.fresh_ms);
  std::printf(
      "slowloris attempt %d: cap %zu, %d attacking slots, header timeout %lld ms\n"
      "  kept-alive p99: %.3f ms before, %.3f ms after (%zu requests each), %.3f ms during (%zu "
      "requests)\n"
      "  fresh-connection p99: %.3f ms before, %.3f ms after (%zu requests each), %.3f ms during "
      "(%zu requests)\n"
      "  attack: %d connections opened, %d closed by the server (%d evicted, %d with 408 at the "
      "header timeout, %d otherwise), longest lived %lld ms, %d open at the end\n",
      attempt, kCap, kAttackers, static_cast<long long>(kHeaderTimeout.count()), kept_before,
      kept_after, before.kept_alive_ms.size(), kept_during, during.kept_alive_ms.size(),
      fresh_before, fresh_after, before.fresh_ms.size(), fresh_during, during.fresh_ms.size(),
      report.connections, report.closed_by_server, report.evicted, report.answered_408,
      report.other, static_cast<long long>(report.longest_life.count()), report.still_open_at_end);

  EXPECT_EQ(before.failures, 0) << before.first_failure;
  EXPECT_EQ(during.failures, 0) << during.first_failure;
  EXPECT_EQ(after.failures, 0) << after.first_failure;
  EXPECT_GE(during.kept_alive_ms.size(), kMinDuringRequests) << "too few for a meaningful p99";

  // The attack really held more connections than the cap, for the whole time.
  EXPECT_GE(report.connections, kAttackers + static_cast<int>(kAttackTime / 1000ms));
  EXPECT_EQ(report.still_open_at_end, 0);
  EXPECT_EQ(report.closed_by_server, report.connections);
  EXPECT_EQ(report.over_timeout, 0) << "longest " << report.longest_life.count() << " ms";
  EXPECT_GT(report.answered_408, 0) << "the header timeout never fired";

  return kept_during <= 2 * std::max({kept_before, kept_after, floor_ms}) &&
         fresh_during <= 2 * std::max({fresh_before, fresh_after, floor_ms});
}

TEST(SlowlorisTest, TenTimesTheCapOfTricklersDoNotSlowANormalClient) {
  ServerOptions options = TestOptions();
  options.threads = 2;
  options.max_connections = kCap;
  options.header_timeout = kHeaderTimeout;
  options.read_timeout = 5000ms;
  options.idle_timeout = 5000ms;
  TestServer server(options);
  HttpClient kept_alive = server.Client();

  // A burst of other work on a shared 2-core machine can slow the client during one attack only;
  // an attack that really slows it does so on every attempt.
  bool within_2x = false;
  for (int attempt = 1; attempt <= kLatencyAttempts && !within_2x; ++attempt) {
    within_2x = AttackOnce(server, kept_alive, attempt);
    if (HasFailure()) return;
  }
  EXPECT_TRUE(within_2x) << "the p99 during the attack was over 2x the p99 without it on all "
                         << kLatencyAttempts << " attempts (figures above)";
}

}  // namespace
}  // namespace contactd::net
