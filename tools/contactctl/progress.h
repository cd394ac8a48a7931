// Progress: the progress display of a long transfer, on stderr.
//
// On a terminal it redraws one bar with '\r' (at most 10 times a second):
//   import [##########..........]  50%  120,000 rows  200,000 rows/s  ETA 0:01
// Otherwise it prints a plain line every 2 seconds:
//   import: 120000 rows, 200000 rows/s, 50%, ETA 1s
// The percentage and ETA come from bytes done vs the total bytes when that is known (import),
// else from rows vs the total rows when known (export), else they are left out.
//
// A ticker thread draws, so the display keeps moving while the transfer waits (a slow server,
// a stalled stdin).
//
// Thread-safety: Update() may be called from any thread; the other methods from the owner's.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace contactd::ctl {

struct ProgressOptions {
  std::string label;  // "import", "export"
  bool terminal = false;
  std::optional<uint64_t> total_bytes;
  std::optional<uint64_t> total_rows;
  std::chrono::milliseconds plain_interval = std::chrono::seconds(2);
};

class Progress {
 public:
  // Starts drawing at once.
  Progress(FILE* out, ProgressOptions options);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void set_total_rows(uint64_t rows) { total_rows_ = rows; }
  // Records the rows and bytes done so far.
  void Update(uint64_t rows, uint64_t bytes) {
    rows_.store(rows, std::memory_order_relaxed);
    bytes_.store(bytes, std::memory_order_relaxed);
  }
  // Draws the final state (a terminal's bar then ends its line). Idempotent.
  void Finish();
  // Ends a terminal's bar line without redrawing (before printing an error).
  void Interrupt();

  double elapsed_seconds() const;

 private:
  void Tick();
  void Stop();
  void Draw(bool final);
  std::string Line(bool bar) const;

  FILE* out_;
  const ProgressOptions options_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<uint64_t> rows_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> total_rows_{0};  // 0: unknown
  bool drawn_ = false;                   // a terminal bar is on the current line
  bool finished_ = false;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread ticker_;  // draws until Stop()
};

// "1,234,567".
std::string GroupThousands(uint64_t n);

}  // namespace contactd::ctl
