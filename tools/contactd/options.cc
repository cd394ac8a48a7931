#include "tools/contactd/options.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <thread>

#include "engine/secrets.h"

namespace contactd::server {
namespace po = boost::program_options;

namespace {

std::optional<uint64_t> Number(std::string_view s, std::string_view* rest) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr == s.data()) return std::nullopt;
  *rest = s.substr(static_cast<size_t>(ptr - s.data()));
  return v;
}

po::options_description Describe() {
  po::options_description d(
      "Usage: contactd [flags]\n\n"
      "Serves the v1 Contacts API over HTTP, keeping contacts in memory and every acknowledged\n"
      "write in RocksDB. Each flag can also be set with the environment variable named after\n"
      "it (--data-dir: CONTACTD_DATA_DIR, ...); a flag on the command line wins.\n\nFlags");
  d.add_options()("help,h", "print this help and exit")("version", "print the version and exit")(
      "data-dir", po::value<std::string>()->value_name("DIR")->default_value("data"),
      "where data lives; created on first start  [CONTACTD_DATA_DIR]")(
      "listen", po::value<std::string>()->value_name("HOST:PORT")->default_value("127.0.0.1:8080"),
      "address to serve HTTP on; port 0 picks a free port  [CONTACTD_LISTEN]")(
      "threads", po::value<int>()->value_name("N"),
      "HTTP (Asio) threads; default: hardware threads  [CONTACTD_THREADS]")(
      "write-threads", po::value<int>()->value_name("N")->default_value(16),
      "threads for writes waiting on a WAL sync (more share a sync)  [CONTACTD_WRITE_THREADS]")(
      "stream-threads", po::value<int>()->value_name("N")->default_value(4),
      "threads for imports and exports, which stream their bodies; at most this many run at "
      "once, further ones wait up to --read-timeout, then get 503  [CONTACTD_STREAM_THREADS]")(
      "shards", po::value<int>()->value_name("N"),
      "chatbot directory shards; default: hardware threads  [CONTACTD_SHARDS]")(
      "durability", po::value<std::string>()->value_name("MODE")->default_value("sync"),
      "sync: acknowledge after the WAL is on disk (survives power loss);\n"
      "buffered: after it is written to the OS (survives a crash of contactd, not of the "
      "machine)  [CONTACTD_DURABILITY]")(
      "admin-key", po::value<std::string>()->value_name("KEY"),
      "the operator key to create on first start (20-256 printable characters); default: "
      "a generated oc_live_ key, printed once  [CONTACTD_ADMIN_KEY]")(
      "max-body", po::value<std::string>()->value_name("BYTES")->default_value("16MiB"),
      "largest request body; larger ones get 413 (imports: see --max-import-body)  "
      "[CONTACTD_MAX_BODY]")(
      "max-import-body", po::value<std::string>()->value_name("BYTES")->default_value("0"),
      "largest import body (streamed, never held in memory); larger ones get 413; 0: no "
      "limit  [CONTACTD_MAX_IMPORT_BODY]")(
      "max-header", po::value<std::string>()->value_name("BYTES")->default_value("16KiB"),
      "largest request header block; larger ones get 431  [CONTACTD_MAX_HEADER]")(
      "read-timeout", po::value<std::string>()->value_name("DURATION")->default_value("30s"),
      "time to receive a whole request once it has started  [CONTACTD_READ_TIMEOUT]")(
      "idle-timeout", po::value<std::string>()->value_name("DURATION")->default_value("60s"),
      "keep-alive: close a connection idle this long  [CONTACTD_IDLE_TIMEOUT]")(
      "header-timeout", po::value<std::string>()->value_name("DURATION")->default_value("10s"),
      "time to receive a request's header once it has started; slower ones get 408 "
      "(bounds slowloris clients)  [CONTACTD_HEADER_TIMEOUT]")(
      "max-connections", po::value<std::string>()->value_name("N")->default_value("10000"),
      "connections served at once; at the cap a new one evicts the one waiting longest for "
      "request bytes (idle or sending its header), or gets 503 if none is  "
      "[CONTACTD_MAX_CONNECTIONS]")(
      "rate-limit", po::value<std::string>()->value_name("PER_SECOND")->default_value("0"),
      "requests per second per API key (token bucket), over it 429 with Retry-After; 0: no "
      "limit  [CONTACTD_RATE_LIMIT]")(
      "rate-burst", po::value<std::string>()->value_name("N"),
      "requests a key may send at once before --rate-limit applies (bucket size); default: "
      "--rate-limit rounded up, at least 1  [CONTACTD_RATE_BURST]");
  return d;
}

// CONTACTD_DATA_DIR -> "data-dir"; other variables are not ours.
std::string EnvName(const po::options_description& d, const std::string& env) {
  constexpr std::string_view kPrefix = "CONTACTD_";
  if (env.rfind(kPrefix, 0) != 0) return "";
  std::string name = env.substr(kPrefix.size());
  for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
  if (name == "help" || name == "version") return "";
  return d.find_nothrow(name, false) ? name : "";
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view s) {
  std::string_view unit;
  auto n = Number(s, &unit);
  if (!n) return std::nullopt;
  if (unit.empty() || unit == "s") return std::chrono::seconds(*n);
  if (unit == "ms") return std::chrono::milliseconds(*n);
  if (unit == "m") return std::chrono::minutes(*n);
  return std::nullopt;
}

std::optional<double> ParseRate(std::string_view s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  if (v < 0 || v > 1e9) return std::nullopt;
  return v;
}

std::optional<size_t> ParseBytes(std::string_view s) {
  std::string_view unit;
  auto n = Number(s, &unit);
  if (!n) return std::nullopt;
  if (unit.empty() || unit == "B") return *n;
  if (unit == "KiB" || unit == "K") return *n << 10;
  if (unit == "MiB" || unit == "M") return *n << 20;
  if (unit == "GiB" || unit == "G") return *n << 30;
  return std::nullopt;
}

ParseOutcome ParseOptions(int argc, const char* const* argv) {
  ParseOutcome out;
  const po::options_description desc = Describe();
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::store(
        po::parse_environment(desc, [&](const std::string& env) { return EnvName(desc, env); }),
        vm);
    po::notify(vm);
  } catch (const po::error& e) {
    out.kind = ParseOutcome::Kind::kError;
    out.text = e.what();
    return out;
  }
  if (vm.count("help")) {
    std::ostringstream s;
    s << desc;
    out.kind = ParseOutcome::Kind::kHelp;
    out.text = s.str();
    return out;
  }
  if (vm.count("version")) {
    out.kind = ParseOutcome::Kind::kVersion;
    return out;
  }
  auto error = [&](std::string message) {
    out.kind = ParseOutcome::Kind::kError;
    out.text = std::move(message);
    return out;
  };
  Options& o = out.options;
  o.data_dir = vm["data-dir"].as<std::string>();
  if (o.data_dir.empty()) return error("--data-dir must not be empty");

  const std::string listen = vm["listen"].as<std::string>();
  const size_t colon = listen.rfind(':');
  std::string_view rest;
  auto port = colon == std::string::npos
                  ? std::nullopt
                  : Number(std::string_view(listen).substr(colon + 1), &rest);
  if (colon == std::string::npos || colon == 0 || !port || !rest.empty() || *port > 65535) {
    return error("--listen must be HOST:PORT (e.g. 127.0.0.1:8080), got '" + listen + "'");
  }
  o.host = listen.substr(0, colon);
  if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']') {
    o.host = o.host.substr(1, o.host.size() - 2);  // [::1]:8080
  }
  o.port = static_cast<uint16_t>(*port);

  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.threads = vm.count("threads") ? vm["threads"].as<int>() : hw;
  if (o.threads < 1 || o.threads > 256) return error("--threads must be between 1 and 256");
  o.write_threads = vm["write-threads"].as<int>();
  if (o.write_threads < 1 || o.write_threads > 1024) {
    return error("--write-threads must be between 1 and 1024");
  }
  o.stream_threads = vm["stream-threads"].as<int>();
  if (o.stream_threads < 1 || o.stream_threads > 1024) {
    return error("--stream-threads must be between 1 and 1024");
  }
  const int shards = vm.count("shards") ? vm["shards"].as<int>() : hw;
  if (shards < 1 || shards > 4096) return error("--shards must be between 1 and 4096");
  o.shards = static_cast<size_t>(shards);

  const std::string durability = vm["durability"].as<std::string>();
  if (durability != "sync" && durability != "buffered") {
    return error("--durability must be sync or buffered, got '" + durability + "'");
  }
  o.sync = durability == "sync";

  if (vm.count("admin-key")) {
    o.admin_key = vm["admin-key"].as<std::string>();
    if (!secrets::IsAcceptableKey(*o.admin_key)) {
      return error("--admin-key must be 20-256 printable ASCII characters without spaces");
    }
  }
  auto body = ParseBytes(vm["max-body"].as<std::string>());
  if (!body || *body < 1024)
    return error("--max-body must be a size of at least 1KiB (e.g. 16MiB)");
  o.max_body_bytes = *body;
  auto import_body = ParseBytes(vm["max-import-body"].as<std::string>());
  if (!import_body || (*import_body != 0 && *import_body < 1024)) {
    return error("--max-import-body must be 0 (no limit) or a size of at least 1KiB (e.g. 1GiB)");
  }
  o.max_import_body_bytes = *import_body;
  auto header = ParseBytes(vm["max-header"].as<std::string>());
  if (!header || *header < 1024) {
    return error("--max-header must be a size of at least 1KiB (e.g. 16KiB)");
  }
  o.max_header_bytes = *header;
  auto read = ParseDuration(vm["read-timeout"].as<std::string>());
  if (!read || read->count() == 0)
    return error("--read-timeout must be a duration like 30s or 500ms");
  o.read_timeout = *read;
  auto idle = ParseDuration(vm["idle-timeout"].as<std::string>());
  if (!idle || idle->count() == 0) return error("--idle-timeout must be a duration like 60s");
  o.idle_timeout = *idle;
  auto header_timeout = ParseDuration(vm["header-timeout"].as<std::string>());
  if (!header_timeout || header_timeout->count() == 0) {
    return error("--header-timeout must be a duration like 10s or 500ms");
  }
  o.header_timeout = *header_timeout;
  std::string_view rest_of_number;
  auto connections = Number(vm["max-connections"].as<std::string>(), &rest_of_number);
  if (!connections || !rest_of_number.empty() || *connections < 1 || *connections > 10'000'000) {
    return error("--max-connections must be a number between 1 and 10000000");
  }
  o.max_connections = static_cast<size_t>(*connections);
  auto rate = ParseRate(vm["rate-limit"].as<std::string>());
  if (!rate) return error("--rate-limit must be a number of requests per second >= 0 (0: off)");
  o.rate_limit = *rate;
  if (vm.count("rate-burst")) {
    auto burst = Number(vm["rate-burst"].as<std::string>(), &rest_of_number);
    if (!burst || !rest_of_number.empty() || *burst < 1 || *burst > 1'000'000'000) {
      return error("--rate-burst must be a number between 1 and 1000000000");
    }
    o.rate_burst = static_cast<double>(*burst);
  } else {
    o.rate_burst = std::max(1.0, std::ceil(o.rate_limit));
  }
  return out;
}

}  // namespace contactd::server
