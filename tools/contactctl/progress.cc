// Progress bar and plain progress lines; see tools/contactctl/progress.h.
#include "tools/contactctl/progress.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <utility>

namespace contactd::ctl {

namespace {

constexpr auto kBarInterval = std::chrono::milliseconds(100);
constexpr int kBarWidth = 24;

std::string Duration(double seconds) {
  const auto s = static_cast<uint64_t>(std::llround(std::max(seconds, 0.0)));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60,
                  s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRIu64 ":%02" PRIu64, s / 60, s % 60);
  }
  return buf;
}

}  // namespace

std::string GroupThousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

Progress::Progress(FILE* out, ProgressOptions options)
    : out_(out), options_(std::move(options)), start_(std::chrono::steady_clock::now()) {
  if (options_.total_rows) total_rows_ = *options_.total_rows;
  ticker_ = std::thread([this] { Tick(); });
}

Progress::~Progress() { Stop(); }

void Progress::Tick() {
  const auto interval = options_.terminal ? kBarInterval : options_.plain_interval;
  std::unique_lock lock(mu_);
  if (options_.terminal) Draw(false);
  while (!wake_.wait_for(lock, interval, [this] { return stop_; })) Draw(false);
}

void Progress::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::Finish() {
  Stop();
  if (finished_) return;
  finished_ = true;
  if (options_.terminal) Draw(true);
}

void Progress::Interrupt() {
  Stop();
  if (drawn_) std::fputc('\n', out_);
  drawn_ = false;
  finished_ = true;
  std::fflush(out_);
}

std::string Progress::Line(bool bar) const {
  const double elapsed = elapsed_seconds();
  const uint64_t rows = rows_.load(std::memory_order_relaxed);
  const uint64_t bytes = bytes_.load(std::memory_order_relaxed);
  const uint64_t total_rows = total_rows_.load(std::memory_order_relaxed);
  const double rate = elapsed > 0 ? static_cast<double>(rows) / elapsed : 0;
  std::optional<double> fraction;
  if (options_.total_bytes && *options_.total_bytes > 0) {
    fraction = static_cast<double>(bytes) / static_cast<double>(*options_.total_bytes);
  } else if (total_rows > 0) {
    fraction = static_cast<double>(rows) / static_cast<double>(total_rows);
  }
  if (fraction) fraction = std::clamp(*fraction, 0.0, 1.0);
  std::optional<double> eta;
  if (fraction && *fraction > 0) eta = elapsed * (1 - *fraction) / *fraction;

  char buf[256];
  const auto rate_int = static_cast<uint64_t>(rate);
  if (bar) {
    std::string line = options_.label + " [";
    const int filled = fraction ? static_cast<int>(*fraction * kBarWidth) : 0;
    for (int i = 0; i < kBarWidth; ++i) line.push_back(i < filled ? '#' : '.');
    line += "]";
    if (fraction) {
      std::snprintf(buf, sizeof buf, " %3d%%", static_cast<int>(*fraction * 100));
      line += buf;
    }
    line += "  " + GroupThousands(rows) + " rows  " + GroupThousands(rate_int) + " rows/s";
    if (eta) line += "  ETA " + Duration(*eta);
    return line;
  }
  std::string line = options_.label + ": " + std::to_string(rows) + " rows, " +
                     std::to_string(rate_int) + " rows/s";
  if (fraction) {
    std::snprintf(buf, sizeof buf, ", %d%%", static_cast<int>(*fraction * 100));
    line += buf;
  }
  if (eta) line += ", ETA " + Duration(*eta);
  return line;
}

void Progress::Draw(bool final) {
  if (options_.terminal) {
    // "\x1b[K" clears what a longer previous bar left on the line.
    std::fprintf(out_, "\r%s\x1b[K", Line(true).c_str());
    drawn_ = true;
    if (final) {
      std::fputc('\n', out_);
      drawn_ = false;
    }
  } else {
    std::fprintf(out_, "%s\n", Line(false).c_str());
  }
  std::fflush(out_);
}

}  // namespace contactd::ctl
