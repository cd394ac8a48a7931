// Latency samples and the one result line every comparison tool prints.
//
// Each measuring tool (tools/loadgen, bench/pg, bench/bare_server's load, bench/rocks_write)
// prints, per scenario, one machine-readable line that bench/compare.sh collects:
//
//   RESULT system=<contactd|postgresql|limit> scenario=<name> ops=<n> items=<n> secs=<s>
//          rate=<items/s> p50_us=<> p90_us=<> p99_us=<> p999_us=<> max_us=<> [key=value ...]
//
// (one line; wrapped here). `ops` counts timed operations (requests, transactions, batches),
// `items` what the rate counts (contacts for bulk loads, requests otherwise).
//
// Thread-safety: a Latencies is used by one thread; merge per-thread ones after the timed part.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace contactd::bench {

struct LatencySummary {
  size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;  // microseconds
};

class Latencies {
 public:
  void Reserve(size_t n) { us_.reserve(n); }
  void Add(double microseconds) { us_.push_back(microseconds); }
  void Merge(const Latencies& other) { us_.insert(us_.end(), other.us_.begin(), other.us_.end()); }
  size_t size() const { return us_.size(); }

  LatencySummary Summarize() const {
    LatencySummary s;
    if (us_.empty()) return s;
    std::vector<double> v = us_;
    std::sort(v.begin(), v.end());
    auto at = [&](double p) {
      return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
    };
    s.count = v.size();
    s.p50 = at(0.5);
    s.p90 = at(0.9);
    s.p99 = at(0.99);
    s.p999 = at(0.999);
    s.max = v.back();
    return s;
  }

 private:
  std::vector<double> us_;
};

// Prints the RESULT line (see above) and a human-readable line to stderr. `extra` is appended
// as is: space-separated key=value pairs such as "total=1234".
inline void PrintResult(std::string_view system, std::string_view scenario, double seconds,
                        uint64_t ops, uint64_t items, const LatencySummary& l,
                        std::string_view extra = {}) {
  const double rate = seconds > 0 ? static_cast<double>(items) / seconds : 0;
  std::printf(
      "RESULT system=%.*s scenario=%.*s ops=%llu items=%llu secs=%.3f rate=%.0f p50_us=%.0f "
      "p90_us=%.0f p99_us=%.0f p999_us=%.0f max_us=%.0f%s%.*s\n",
      static_cast<int>(system.size()), system.data(), static_cast<int>(scenario.size()),
      scenario.data(), static_cast<unsigned long long>(ops), static_cast<unsigned long long>(items),
      seconds, rate, l.p50, l.p90, l.p99, l.p999, l.max, extra.empty() ? "" : " ",
      static_cast<int>(extra.size()), extra.data());
  std::fflush(stdout);
  std::fprintf(stderr, "%-10.*s %-16.*s %9.0f/s  p50 %7.0f  p99 %7.0f  max %8.0f us  %.*s\n",
               static_cast<int>(system.size()), system.data(), static_cast<int>(scenario.size()),
               scenario.data(), rate, l.p50, l.p99, l.max, static_cast<int>(extra.size()),
               extra.data());
}

}  // namespace contactd::bench
