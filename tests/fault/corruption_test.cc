// Corruption at start (issue 5): flips bytes in the SST, MANIFEST and WAL files of a data directory
// and starts the real contactd binary on each damaged copy. Every case must end in exactly one of:
//   refused   exit status 1 with "contactd: cannot start: ..." naming the data directory;
//   intact    starts and serves exactly the original data (the flip hit bytes nothing reads, or a
//             copy RocksDB keeps redundantly).
// Never a crash (signal), never a hang, never a start with different or missing data.
//
// The data directory holds contacts in SST files (written, then a clean stop flushed them), a
// MANIFEST, and a write-ahead log with acknowledged writes that were never flushed (the last
// server was killed with SIGKILL). Per file kind, kCasesPerKind flips of 1-4 bytes at offsets and
// masks from a seeded generator (CONTACTD_CORRUPTION_SEED overrides the seed, so every case can be
// reproduced), plus, for the WAL and the MANIFEST, flips of each header byte of the last record
// (the damage RocksDB alone would take for a torn write: see persist/log_tail_check.h). Case
// counts per file kind and per outcome, and the refusal messages, are printed at the end.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "persist/log_tail_check.h"
#include "tests/fault/in_process_server.h"

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace contactd::fault {
namespace {

namespace fs = std::filesystem;
using contactd::testing::HttpClient;
using contactd::testing::Json;
using contactd::testing::ServerProcess;

constexpr const char* kKey = "oc_test_operator_key_for_corruption_tests";
constexpr int kCasesPerKind = 50;  // random flips per file kind
constexpr auto kStartTimeout = std::chrono::seconds(20);

uint64_t Seed() {
  const char* s = std::getenv("CONTACTD_CORRUPTION_SEED");
  return s != nullptr && *s != '\0' ? std::strtoull(s, nullptr, 10) : 20251121;
}

// The header bytes of the last record of a log-format file (WAL or MANIFEST): the bytes whose
// damage RocksDB could mistake for a torn last write.
std::vector<uint64_t> LastRecordHeader(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string contents((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  const std::vector<persist::LogRecord> records = persist::ReadLogRecords(contents);
  std::vector<uint64_t> out;
  if (records.empty()) return out;
  for (uint64_t i = 0; i < 7; ++i) out.push_back(records.back().begin + i);
  return out;
}

std::vector<std::string> StartArgs() { return {"--admin-key", kKey, "--threads", "2"}; }

// Everything the operator key reads, as one string (empty when a read fails).
std::string Dump(uint16_t port) {
  HttpClient http("127.0.0.1", port);
  const std::vector<std::pair<std::string, std::string>> auth = {
      {"Authorization", std::string("Bearer ") + kKey}};
  return DumpState([&](const std::string& target) -> std::optional<std::string> {
    contactd::testing::HttpResult r = http.Request("GET", target, "", auth);
    if (r.status != 200) return std::nullopt;
    return std::move(r.body);
  });
}

std::string Users(const std::string& prefix, int from, int count) {
  std::string body = R"({"users":[)";
  for (int i = from; i < from + count; ++i) {
    const std::string id = prefix + std::to_string(i);
    if (i > from) body += ',';
    body += R"({"external_id":")" + id + R"(","name":"Name )" + id + R"(","email":")" + id +
            R"(@example.com","phonenumber":"+1555)" + std::to_string(1000000 + i) +
            R"(","custom_attributes":{"plan":"pro","seats":)" + std::to_string(i) + "}}";
  }
  return body + "]}";
}

void Must(HttpClient& http, const std::string& method, const std::string& target,
          const std::string& body) {
  const auto r =
      http.Request(method, target, body, {{"Authorization", std::string("Bearer ") + kKey}});
  ASSERT_LT(r.status, 300) << method << " " << target << ": " << r.body;
}

// Builds the data directory: SSTs from a cleanly stopped server, then a WAL of acknowledged,
// unflushed writes from a server killed with SIGKILL.
void BuildDataDir(const std::string& path) {
  {
    ServerProcess server(path, StartArgs());
    ASSERT_TRUE(server.Start()) << server.output();
    HttpClient http("127.0.0.1", server.port());
    Must(http, "POST", "/api/v1/chatbots", R"({"id":"support","name":"Support"})");
    Must(http, "POST", "/api/v1/chatbots/support/custom-attributes", R"({"name":"plan"})");
    Must(http, "POST", "/api/v1/chatbots/support/custom-attributes",
         R"({"name":"seats","type":"number"})");
    for (int i = 0; i < 3; ++i) {
      Must(http, "POST", "/api/v1/chatbots/support/contacts", Users("sst_", i * 200, 200));
    }
    ASSERT_EQ(server.Stop(), 0) << server.output();
  }
  ServerProcess server(path, StartArgs());
  ASSERT_TRUE(server.Start()) << server.output();
  HttpClient http("127.0.0.1", server.port());
  Must(http, "POST", "/api/v1/chatbots", R"({"id":"fresh","name":"Fresh"})");
  Must(http, "POST", "/api/v1/chatbots/fresh/custom-attributes", R"({"name":"plan"})");
  Must(http, "POST", "/api/v1/chatbots/fresh/custom-attributes",
       R"({"name":"seats","type":"number"})");
  for (int i = 0; i < 4; ++i) {
    Must(http, "POST", "/api/v1/chatbots/fresh/contacts", Users("wal_", i * 25, 25));
  }
  for (int i = 0; i < 10; ++i) {
    Must(http, "PATCH", "/api/v1/chatbots/support/contacts/sst_" + std::to_string(i),
         R"({"name":"Patched"})");
    Must(http, "DELETE", "/api/v1/chatbots/support/contacts/sst_" + std::to_string(100 + i), "");
  }
  Must(http, "POST", "/api/v1/apikeys", R"({"name":"late key","role":"member"})");
  server.Kill();  // no final flush: the WAL keeps the acknowledged records
}

enum class FileKind { kSst, kManifest, kWal };
const char* KindName(FileKind k) {
  return k == FileKind::kSst ? "SST" : k == FileKind::kManifest ? "MANIFEST" : "WAL";
}

// The files of `kind` that the directory uses (the MANIFEST is the one CURRENT names).
std::vector<std::string> FilesOf(const std::string& dir, FileKind kind) {
  std::string current;
  std::getline(std::ifstream(dir + "/CURRENT"), current);
  std::vector<std::string> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    const bool match = kind == FileKind::kSst        ? name.ends_with(".sst")
                       : kind == FileKind::kManifest ? name == current
                                                     : name.ends_with(".log");
    if (match && fs::file_size(e.path()) > 0) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One flip: XOR `mask` into `length` bytes of `file` from `offset`.
struct Flip {
  FileKind kind;
  std::string file;
  uint64_t offset;
  int length;
  uint8_t mask;
  bool targeted = false;  // aimed at a record header rather than drawn at random
  std::string Describe() const {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", mask);
    return std::string(KindName(kind)) + " " + file + " @" + std::to_string(offset) + " len " +
           std::to_string(length) + " xor " + hex;
  }
};

void Apply(const std::string& dir, const Flip& f) {
  std::fstream file(dir + "/" + f.file, std::ios::binary | std::ios::in | std::ios::out);
  for (int i = 0; i < f.length; ++i) {
    file.seekg(static_cast<std::streamoff>(f.offset + i));
    const int c = file.get();
    if (c == EOF) break;
    file.seekp(static_cast<std::streamoff>(f.offset + i));
    file.put(static_cast<char>(static_cast<uint8_t>(c) ^ f.mask));
  }
}

void CopyDir(const std::string& from, const std::string& to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

enum class Outcome { kRefused, kIntact, kWrongData, kCrash, kHang, kBadRefusal };
const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kRefused:
      return "refused to start (exit 1, clear message)";
    case Outcome::kIntact:
      return "started with the original data";
    case Outcome::kWrongData:
      return "STARTED WITH DIFFERENT DATA";
    case Outcome::kCrash:
      return "CRASHED";
    case Outcome::kHang:
      return "HUNG";
    case Outcome::kBadRefusal:
      return "REFUSED WITHOUT A CLEAR MESSAGE";
  }
  return "?";
}

class CorruptionTest : public ::testing::Test {
 protected:
  // Runs contactd on a fresh damaged copy; returns the outcome and, in `detail`, what it said.
  Outcome RunCase(const std::string& pristine, const std::string& expected, const Flip& flip,
                  std::string* detail) {
    const std::string dir = tmp_.str() + "/case";
    CopyDir(pristine, dir);
    Apply(dir, flip);
    ServerProcess server(dir, StartArgs());
    const auto start = std::chrono::steady_clock::now();
    if (server.Start(kStartTimeout)) {
      const std::string dump = Dump(server.port());
      const std::optional<int> code = server.Stop();
      *detail = server.output();
      if (!code) return Outcome::kHang;
      if (*code >= 128) return Outcome::kCrash;
      return dump == expected ? Outcome::kIntact : Outcome::kWrongData;
    }
    *detail = server.output();
    if (std::chrono::steady_clock::now() - start >= kStartTimeout) return Outcome::kHang;
    // Start() does not keep the exit status: run the same case again to completion.
    CopyDir(pristine, dir);
    Apply(dir, flip);
    std::string output;
    const std::vector<std::string> args = {"--data-dir",  dir,           "--listen",
                                           "127.0.0.1:0", "--admin-key", kKey};
    const int code = ServerProcess::RunToExit(args, &output, kStartTimeout);
    *detail = output;
    if (code < 0) return Outcome::kHang;
    if (code >= 128) return Outcome::kCrash;
    const bool clear = code == 1 && output.find("contactd: cannot start: ") != std::string::npos &&
                       output.find(dir) != std::string::npos;
    return clear ? Outcome::kRefused : Outcome::kBadRefusal;
  }

  contactd::testing::TempDir tmp_;
};

TEST_F(CorruptionTest, ByteFlipsInSstManifestAndWalNeverCrashOrServeWrongData) {
  const std::string pristine = tmp_.str() + "/pristine";
  BuildDataDir(pristine);
  if (HasFatalFailure()) return;

  // The original data, as a clean start of an undamaged copy serves it.
  std::string expected;
  {
    const std::string ref = tmp_.str() + "/reference";
    CopyDir(pristine, ref);
    ServerProcess server(ref, StartArgs());
    ASSERT_TRUE(server.Start()) << server.output();
    expected = Dump(server.port());
    ASSERT_EQ(server.Stop(), 0) << server.output();
  }
  ASSERT_FALSE(expected.empty());
  ASSERT_NE(expected.find("wal_99"), std::string::npos) << "the WAL's writes are not served";

  const uint64_t seed = Seed();
  std::mt19937_64 rng(seed);
  std::map<std::string, std::map<std::string, int>> counts;  // kind -> outcome -> cases
  std::map<std::string, int> refusal_messages;
  int cases = 0;
  for (FileKind kind : {FileKind::kSst, FileKind::kManifest, FileKind::kWal}) {
    const std::vector<std::string> files = FilesOf(pristine, kind);
    ASSERT_FALSE(files.empty()) << KindName(kind) << " files missing in " << pristine;
    std::vector<Flip> flips;
    for (int i = 0; i < kCasesPerKind; ++i) {
      Flip flip{kind, files[rng() % files.size()], 0, 1 + static_cast<int>(rng() % 4),
                static_cast<uint8_t>(1 + rng() % 255)};
      flip.offset = rng() % fs::file_size(pristine + "/" + flip.file);
      flips.push_back(flip);
    }
    // Targeted: every header byte of the last record of the newest WAL and of the MANIFEST, with
    // masks that lower and raise its length field (a raised length points past the end of the
    // file, which RocksDB alone would take for a torn write and skip).
    if (kind != FileKind::kSst) {
      const std::string file = files.back();
      for (uint64_t offset : LastRecordHeader(pristine + "/" + file)) {
        for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x40}, uint8_t{0xff}}) {
          flips.push_back(Flip{kind, file, offset, 1, mask, true});
        }
      }
    }
    for (const Flip& flip : flips) {
      std::string detail;
      const Outcome outcome = RunCase(pristine, expected, flip, &detail);
      ++cases;
      ++counts[std::string(KindName(kind)) + (flip.targeted ? " last-record header" : " random")]
              [OutcomeName(outcome)];
      EXPECT_TRUE(outcome == Outcome::kRefused || outcome == Outcome::kIntact)
          << "seed " << seed << ", " << flip.Describe() << ": " << OutcomeName(outcome) << "\n"
          << detail;
      if (outcome == Outcome::kRefused) {
        const size_t at = detail.find("cannot start: ");
        std::string msg = detail.substr(at, detail.find('\n', at) - at);
        // Group alike messages: no paths, no numbers.
        for (size_t p = msg.find(tmp_.str()); p != std::string::npos; p = msg.find(tmp_.str())) {
          const size_t end = msg.find_first_of(" :,", p);
          msg.replace(p, end == std::string::npos ? std::string::npos : end - p, "PATH");
        }
        std::string grouped;
        for (char c : msg) {
          if (!std::isdigit(static_cast<unsigned char>(c)))
            grouped += c;
          else if (grouped.empty() || grouped.back() != '#')
            grouped += '#';
        }
        ++refusal_messages[grouped.substr(0, 120)];
      }
    }
  }
  std::printf("[ figures  ] fault_corruption_tests: %d byte-flip cases, seed %llu\n", cases,
              static_cast<unsigned long long>(seed));
  for (const auto& [kind, outcomes] : counts) {
    for (const auto& [outcome, n] : outcomes) {
      std::printf("[ figures  ]   %-27s %-42s %d\n", kind.c_str(), outcome.c_str(), n);
    }
  }
  for (const auto& [msg, n] : refusal_messages)
    std::printf("[ messages ] %3d x %s\n", n, msg.c_str());
}

}  // namespace
}  // namespace contactd::fault
