// Command-line options of the crash loop; see tests/crash/crash_options.h.
#include "tests/crash/crash_options.h"

#include <charconv>
#include <set>
#include <string_view>

namespace contactd::crash {
namespace {

// Parses a whole decimal integer in [lo, hi].
template <typename T>
bool ParseInt(std::string_view text, T lo, T hi, T* out) {
  T v{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

}  // namespace

std::string Usage() {
  return R"(usage: crash_loop [flags]
Runs contactd, lets K clients write (1000-contact upserts, deletes, patches) and kill -9s the
server at random intervals; after every restart checks that every acknowledged write is there
with its acknowledged values, every batch is all or nothing and deleted contacts stay deleted.
Exit status: 0 when every check held, 1 on a violation, 2 on a bad flag.

  --cycles N              kill/restart/verify cycles (default 20)
  --seed S                random seed (default 1)
  --clients K             concurrent writers (default 4)
  --min-interval-ms MS    shortest run before a kill (default 500)
  --max-interval-ms MS    longest run before a kill (default 5000)
  --durability MODE       sync or buffered (default sync)
  --data-dir D            data directory (must be absent or empty; it is kept); default: a
                          temporary one, removed at the end
  --keep                  keep the temporary data directory (it is always kept on a failure)
  --batch-size N          contacts per upsert request, 1-1000 (default 1000)
  --keys-per-client N     external_ids per client, >= batch size (default 2500)
  --server-threads N      contactd --threads (default 2)
  --write-threads N       contactd --write-threads (default 4)
  --start-timeout-ms MS   a restart slower than this is a violation (default 120000)
  --request-timeout-ms MS no response this long while the server is up is a violation
                          (default 60000)
  --start-kill-percent P  percent of restarts first killed during start-up (default 25)
  --sabotage-wal          self-test: after each kill, cut the newest write-ahead log file to
                          half its length so acknowledged writes are lost; the loop must fail
)";
}

std::optional<Options> ParseOptions(int argc, char** argv, std::string* error) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      error->clear();
      return std::nullopt;
    }
    if (flag == "--keep") {
      o.keep = true;
      continue;
    }
    if (flag == "--sabotage-wal") {
      o.sabotage_wal = true;
      continue;
    }
    static const std::set<std::string_view> kValueFlags = {"--cycles",
                                                           "--seed",
                                                           "--clients",
                                                           "--min-interval-ms",
                                                           "--max-interval-ms",
                                                           "--durability",
                                                           "--data-dir",
                                                           "--batch-size",
                                                           "--keys-per-client",
                                                           "--server-threads",
                                                           "--write-threads",
                                                           "--start-timeout-ms",
                                                           "--start-kill-percent",
                                                           "--request-timeout-ms"};
    if (kValueFlags.count(flag) == 0) {
      *error = "unknown flag " + std::string(flag);
      return std::nullopt;
    }
    if (i + 1 >= argc) {
      *error = std::string(flag) + " needs a value";
      return std::nullopt;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    if (flag == "--cycles") {
      ok = ParseInt(value, 1, 1000000, &o.cycles);
    } else if (flag == "--seed") {
      ok = ParseInt<uint64_t>(value, 0, UINT64_MAX, &o.seed);
    } else if (flag == "--clients") {
      ok = ParseInt(value, 1, 64, &o.clients);
    } else if (flag == "--min-interval-ms") {
      ok = ParseInt(value, 0, 3600000, &o.min_interval_ms);
    } else if (flag == "--max-interval-ms") {
      ok = ParseInt(value, 0, 3600000, &o.max_interval_ms);
    } else if (flag == "--durability") {
      o.durability = value;
      ok = value == "sync" || value == "buffered";
    } else if (flag == "--data-dir") {
      o.data_dir = value;
      ok = !value.empty();
    } else if (flag == "--batch-size") {
      ok = ParseInt(value, 1, 1000, &o.batch_size);
    } else if (flag == "--keys-per-client") {
      ok = ParseInt(value, 1, 1000000, &o.keys_per_client);
    } else if (flag == "--server-threads") {
      ok = ParseInt(value, 1, 256, &o.server_threads);
    } else if (flag == "--write-threads") {
      ok = ParseInt(value, 1, 256, &o.write_threads);
    } else if (flag == "--start-timeout-ms") {
      ok = ParseInt(value, 1, 3600000, &o.start_timeout_ms);
    } else if (flag == "--start-kill-percent") {
      ok = ParseInt(value, 0, 100, &o.start_kill_percent);
    } else if (flag == "--request-timeout-ms") {
      ok = ParseInt(value, 1, 3600000, &o.request_timeout_ms);
    } else {
      *error = "unknown flag " + std::string(flag);
      return std::nullopt;
    }
    if (!ok) {
      *error = "bad value for " + std::string(flag) + ": " + std::string(value);
      return std::nullopt;
    }
  }
  if (o.min_interval_ms > o.max_interval_ms) {
    *error = "--min-interval-ms is larger than --max-interval-ms";
    return std::nullopt;
  }
  if (o.keys_per_client < o.batch_size) {
    *error = "--keys-per-client must be at least --batch-size";
    return std::nullopt;
  }
  return o;
}

}  // namespace contactd::crash
