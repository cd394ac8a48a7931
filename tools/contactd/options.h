// contactd's command line: flags, their CONTACTD_* environment equivalents, and validation.
//
// Precedence: a flag on the command line, else its environment variable, else the default.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace contactd::server {

struct Options {
  std::string data_dir = "data";
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int threads = 0;         // 0: hardware threads
  int write_threads = 16;  // pool for requests that wait on a WAL sync
  int stream_threads = 4;  // pool for imports and exports (streamed bodies)
  size_t shards = 0;       // 0: hardware threads
  bool sync = true;        // --durability sync|buffered
  std::optional<std::string> admin_key;
  size_t max_body_bytes = size_t{16} << 20;
  size_t max_import_body_bytes = 0;  // streamed (import) request bodies; 0: unlimited
  size_t max_header_bytes = size_t{16} << 10;
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds header_timeout{10'000};
  size_t max_connections = 10'000;
  double rate_limit = 0;  // requests per second per API key; 0: no limit
  double rate_burst = 0;  // bucket size; 0: the rate rounded up (one second's worth), at least 1
};

struct ParseOutcome {
  enum class Kind { kRun, kHelp, kVersion, kError } kind = Kind::kRun;
  Options options;
  std::string text;  // the help text, or the error message
};

ParseOutcome ParseOptions(int argc, const char* const* argv);

// "30s", "500ms", "2m", or a plain number of seconds.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view s);
// "10", "0.5", "2500": a non-negative request rate (per second), at most 1e9.
std::optional<double> ParseRate(std::string_view s);
// "16MiB", "512KiB", "1048576", "1GiB".
std::optional<size_t> ParseBytes(std::string_view s);

}  // namespace contactd::server
