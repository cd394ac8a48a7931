// Command-line options of the crash loop (tests/crash/crash_loop_main.cc).
//
// Thread-safety: a plain value, filled once before the loop starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace contactd::crash {

struct Options {
  int cycles = 20;                  // kill -9 / restart / verify rounds
  uint64_t seed = 1;                // drives kill intervals and every client's writes
  int clients = 4;                  // concurrent writers, each with its own external_id space
  int min_interval_ms = 500;        // the server runs this long at least before a kill...
  int max_interval_ms = 5000;       // ... and at most this long
  std::string durability = "sync";  // contactd --durability
  std::string data_dir;             // "" = a fresh temporary directory
  bool keep = false;                // keep the data directory at the end
  int batch_size = 1000;            // contacts per upsert request
  int keys_per_client = 2500;       // external_ids each client cycles through
  int server_threads = 2;           // contactd --threads
  int write_threads = 4;            // contactd --write-threads
  int start_timeout_ms = 120000;    // a restart slower than this is a violation
  int request_timeout_ms = 60000;   // no response this long while the server is up: a violation
  // Self-test: after each kill, cut the newest write-ahead log to half its length, losing
  // acknowledged writes; the loop must then report violations.
  bool sabotage_wal = false;
  // Percent of restarts that are first interrupted: a start killed at a random point of its
  // recovery (or right after it became ready), then started again.
  int start_kill_percent = 25;
};

// The usage text printed by --help and after a bad flag.
std::string Usage();

// Parses argv. Returns nullopt and sets `error` for a bad flag or value (or "" for --help).
std::optional<Options> ParseOptions(int argc, char** argv, std::string* error);

}  // namespace contactd::crash
