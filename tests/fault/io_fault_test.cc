// I/O faults (issue 5): contactd in process (InProcessServer: RocksStore, Engine, the real route
// table) on a FaultFs that fails the Nth write or sync. For every kind of mutating request and
// every fault mode, N = 1, 2, ... until the request passes:
//   - the request answers 503 with a message naming the cause, and nothing changed in memory;
//   - the data directory as a crash at that moment would leave it (a copy of its files) opens and
//     holds exactly the state before the request: a 503'd write never reappears;
//   - once the fault clears, writes succeed again without a restart (within kResumeDeadline).
// After each mode the store is closed and reopened: disk equals memory.
//
// The figures (faults injected, 503s, crash copies checked) are printed at the end of the run.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <rocksdb/env.h>

#include "tests/fault/fault_fs.h"
#include "tests/fault/in_process_server.h"
#include "tests/support/json.h"
#include "tests/support/temp_dir.h"

namespace contactd::fault {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kResumeDeadline = std::chrono::seconds(20);

struct Mode {
  const char* name;
  OpClass op;
  bool persistent;
  ErrorKind error;
};

const std::vector<Mode> kModes = {
    {"write once", OpClass::kWrite, false, ErrorKind::kIoError},
    {"write persistent", OpClass::kWrite, true, ErrorKind::kIoError},
    {"sync once", OpClass::kSync, false, ErrorKind::kIoError},
    {"sync persistent", OpClass::kSync, true, ErrorKind::kIoError},
    {"disk full once", OpClass::kWrite, false, ErrorKind::kNoSpace},
    {"disk full", OpClass::kWrite, true, ErrorKind::kNoSpace},
};

struct Request {
  std::string method, target, body;
};

// A kind of mutating request. prepare() seeds what the request needs (with no fault armed) and
// returns the request; `tag` makes its names unique per mode.
struct Kind {
  const char* name;
  std::function<Request(InProcessServer&, const std::string& tag)> prepare;
  friend void PrintTo(const Kind& k, std::ostream* os) { *os << k.name; }
};

// Figures over the whole run.
struct Tally {
  uint64_t injected = 0;     // operations the FaultFs failed
  uint64_t attempts = 0;     // requests sent with a fault armed
  uint64_t answered503 = 0;  // of which answered 503
  uint64_t crash_copies = 0;
  uint64_t reopens = 0;
  double max_resume_seconds = 0;
};
Tally tally;

const std::string kBot = "/api/v1/chatbots/support";

// Where two dumps first differ, briefly (a whole dump is too long to read in a failure message).
std::string Diff(const std::string& got, const std::string& want) {
  size_t at = 0;
  while (at < got.size() && at < want.size() && got[at] == want[at]) ++at;
  const size_t from = at > 80 ? at - 80 : 0;
  return "\n  got:  ..." + got.substr(from, 240) + "\n  want: ..." + want.substr(from, 240);
}

void MustSucceed(InProcessServer& s, const Request& r) {
  const net::HttpResponse resp = s.Call(r.method, r.target, r.body);
  ASSERT_LT(resp.status, 300) << r.method << " " << r.target << ": " << resp.body;
}

std::string Users(const std::string& prefix, int count) {
  std::string body = R"({"users":[)";
  for (int i = 0; i < count; ++i) {
    const std::string id = prefix + std::to_string(i);
    if (i > 0) body += ',';
    body += R"({"external_id":")" + id + R"(","name":"Name )" + id + R"(","email":")" + id +
            R"(@example.com","custom_attributes":{"plan":"pro"}})";
  }
  return body + "]}";
}

std::vector<Kind> Kinds() {
  return {
      {"BulkUpsert300",
       [](InProcessServer&, const std::string& tag) {
         return Request{"POST", kBot + "/contacts", Users("bulk_" + tag + "_", 300)};
       }},
      {"PatchContact",
       [](InProcessServer& s, const std::string& tag) {
         MustSucceed(s, {"POST", kBot + "/contacts", Users("patch_" + tag + "_", 1)});
         return Request{"PATCH", kBot + "/contacts/patch_" + tag + "_0",
                        R"({"name":"Patched","custom_attributes":{"plan":"gold"}})"};
       }},
      {"DeleteContact",
       [](InProcessServer& s, const std::string& tag) {
         MustSucceed(s, {"POST", kBot + "/contacts", Users("del_" + tag + "_", 1)});
         return Request{"DELETE", kBot + "/contacts/del_" + tag + "_0", ""};
       }},
      {"CreateAttribute",
       [](InProcessServer&, const std::string& tag) {
         return Request{"POST", kBot + "/custom-attributes",
                        R"({"name":"num_)" + tag + R"(","type":"number"})"};
       }},
      {"UpdateAttribute",
       [](InProcessServer& s, const std::string& tag) {
         MustSucceed(s, {"POST", kBot + "/custom-attributes", R"({"name":"upd_)" + tag + R"("})"});
         return Request{"PUT", kBot + "/custom-attributes/upd_" + tag,
                        R"({"label":"Renamed","archived":true})"};
       }},
      {"CreateChatbot",
       [](InProcessServer&, const std::string& tag) {
         return Request{"POST", "/api/v1/chatbots", R"({"id":"bot_)" + tag + R"(","name":"Bot"})"};
       }},
      {"DeleteChatbot",
       [](InProcessServer& s, const std::string& tag) {
         const std::string id = "gone_" + tag;
         MustSucceed(s, {"POST", "/api/v1/chatbots", R"({"id":")" + id + R"(","name":"G"})"});
         MustSucceed(
             s, {"POST", "/api/v1/chatbots/" + id + "/custom-attributes", R"({"name":"plan"})"});
         MustSucceed(s, {"POST", "/api/v1/chatbots/" + id + "/contacts", Users("g_", 3)});
         return Request{"DELETE", "/api/v1/chatbots/" + id, ""};
       }},
      {"CreateApiKey",
       [](InProcessServer&, const std::string& tag) {
         return Request{"POST", "/api/v1/apikeys",
                        R"({"name":"key )" + tag + R"(","role":"member"})"};
       }},
      {"RevokeApiKey",
       [](InProcessServer& s, const std::string& tag) {
         const net::HttpResponse r =
             s.Call("POST", "/api/v1/apikeys", R"({"name":"rev )" + tag + R"("})");
         EXPECT_EQ(r.status, 200) << r.body;
         return Request{"DELETE", "/api/v1/apikeys/" + testing::Json(r.body)["data"]["id"].str(),
                        ""};
       }},
      {"CreateWorkspace",
       [](InProcessServer&, const std::string& tag) {
         return Request{"POST", "/api/v1/workspaces", R"({"id":"ws_)" + tag + R"(","name":"W"})"};
       }},
      {"DeleteWorkspace",
       [](InProcessServer& s, const std::string& tag) {
         MustSucceed(s,
                     {"POST", "/api/v1/workspaces", R"({"id":"wsd_)" + tag + R"(","name":"D"})"});
         return Request{"DELETE", "/api/v1/workspaces/wsd_" + tag, ""};
       }},
  };
}

// The chatbots, attribute and contacts every test starts from.
void Seed(InProcessServer& s) {
  MustSucceed(s, {"POST", "/api/v1/chatbots", R"({"id":"support","name":"Support"})"});
  MustSucceed(s, {"POST", "/api/v1/chatbots", R"({"id":"probe","name":"Probe"})"});
  MustSucceed(s, {"POST", kBot + "/custom-attributes", R"({"name":"plan","type":"text"})"});
  MustSucceed(s, {"POST", kBot + "/contacts", Users("seed_", 50)});
}

class IoFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<FaultFs>(rocksdb::FileSystem::Default());
    env_ = rocksdb::NewCompositeEnv(fs_);
    path_ = dir_.str() + "/data";
    Start();
    ASSERT_TRUE(server_->ok()) << server_->status().ToString();
    Seed(*server_);
  }

  void TearDown() override { tally.injected += fs_->injected(); }

  void Start() { server_ = std::make_unique<InProcessServer>(path_, env_.get()); }

  // A crash right now would leave the files as they are: a copy of them must open and hold
  // exactly `expected`. RocksDB's background jobs may add and delete files meanwhile, so the copy
  // is retried until the directory did not change while it was taken (a point-in-time copy).
  void ExpectCrashCopyHolds(const std::string& expected, const std::string& what) {
    namespace fs = std::filesystem;
    const fs::path copy = dir_.path() / "crash";
    auto listing = [&] {
      std::map<std::string, uintmax_t> files;
      std::error_code ec;
      for (const auto& entry : fs::directory_iterator(path_)) {
        files[entry.path().filename().string()] = fs::file_size(entry.path(), ec);
      }
      return files;
    };
    bool stable = false;
    for (int attempt = 0; attempt < 100 && !stable; ++attempt) {
      fs::remove_all(copy);
      fs::create_directory(copy);
      const auto before = listing();
      bool copied = true;
      for (const auto& [name, size] : before) {
        std::error_code ec;
        copied = fs::copy_file(fs::path(path_) / name, copy / name, ec) && copied;
      }
      stable = copied && listing() == before;
    }
    ASSERT_TRUE(stable) << what << ": could not take a point-in-time copy";
    ++tally.crash_copies;
    InProcessServer reopened(copy.string(), nullptr);
    ASSERT_TRUE(reopened.ok()) << what << ": " << reopened.status().ToString();
    const std::string got = reopened.Dump();
    EXPECT_TRUE(got == expected) << what << ": after a crash, the data differs"
                                 << Diff(got, expected);
  }

  // Once the fault is cleared, a write succeeds again without a restart.
  void ExpectWritesResume(const std::string& what) {
    const Request probe{
        "POST", "/api/v1/chatbots/probe/contacts",
        R"({"users":[{"external_id":"probe_)" + std::to_string(probes_++) + R"("}]})"};
    const auto start = Clock::now();
    net::HttpResponse r;
    do {
      r = server_->Call(probe.method, probe.target, probe.body);
      if (r.status != 503) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (Clock::now() - start < kResumeDeadline);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    tally.max_resume_seconds = std::max(tally.max_resume_seconds, seconds);
    EXPECT_EQ(r.status, 200) << what << ": writes did not resume within " << kResumeDeadline.count()
                             << " s: " << r.body;
  }

  // Closes and reopens the store: what was in memory must be what is on disk.
  void ExpectRestartKeepsState(const std::string& what) {
    const std::string expected = server_->Dump();
    server_.reset();
    Start();
    ++tally.reopens;
    ASSERT_TRUE(server_->ok()) << what << ": " << server_->status().ToString();
    const std::string got = server_->Dump();
    EXPECT_TRUE(got == expected) << what << ": after a restart, the data differs"
                                 << Diff(got, expected);
  }

  contactd::testing::TempDir dir_;
  std::string path_;
  std::shared_ptr<FaultFs> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<InProcessServer> server_;
  int probes_ = 0;
};

class EveryMutationTest : public IoFaultTest, public ::testing::WithParamInterface<Kind> {};

TEST_P(EveryMutationTest, EveryNthFailureAnswers503AndChangesNothing) {
  const Kind& kind = GetParam();
  const uint64_t injected_before = fs_->injected();
  for (size_t m = 0; m < kModes.size(); ++m) {
    const Mode& mode = kModes[m];
    const Request req = kind.prepare(*server_, "m" + std::to_string(m));
    bool passed = false;
    for (uint64_t n = 1; n <= 64 && !passed; ++n) {
      const FaultSpec spec{mode.op, n, mode.persistent, mode.error};
      const std::string what = std::string(kind.name) + ", " + FaultFs::Describe(spec);
      const std::string before = server_->Dump();
      ASSERT_FALSE(before.empty()) << what;
      fs_->Arm(spec);
      const net::HttpResponse resp = server_->Call(req.method, req.target, req.body);
      ++tally.attempts;
      if (resp.status < 300) {
        fs_->Clear();
        passed = true;
        EXPECT_NE(server_->Dump(), before)
            << what << ": answered " << resp.status << " but changed nothing";
        break;
      }
      ++tally.answered503;
      EXPECT_TRUE(fs_->Fired()) << what << ": failed with no fault injected: " << resp.body;
      EXPECT_EQ(resp.status, 503) << what << ": " << resp.body;
      const std::string message = testing::Json(resp.body)["message"].str();
      const bool names_cause = message.find("injected fault") != std::string::npos ||
                               message.find("disk full") != std::string::npos;
      EXPECT_TRUE(names_cause) << what << ": " << resp.body;
      const std::string after = server_->Dump();
      EXPECT_TRUE(after == before)
          << what << ": memory changed by a 503'd request" << Diff(after, before);
      ExpectCrashCopyHolds(before, what);
      fs_->Clear();
      ExpectWritesResume(what);
      if (::testing::Test::HasFailure()) return;  // one broken case is enough to read
    }
    EXPECT_TRUE(passed) << kind.name << ", " << mode.name << ": never passed";
    ExpectRestartKeepsState(std::string(kind.name) + ", " + mode.name);
    if (::testing::Test::HasFailure()) return;
  }
  std::printf("[ figures  ] %s: %llu faults injected\n", kind.name,
              static_cast<unsigned long long>(fs_->injected() - injected_before));
}

INSTANTIATE_TEST_SUITE_P(AllMutations, EveryMutationTest, ::testing::ValuesIn(Kinds()),
                         [](const ::testing::TestParamInfo<Kind>& info) {
                           return std::string(info.param.name);
                         });

// Many writers at once while faults come and go: every request answers 200 or 503, exactly the
// 200'd ones are in memory (each batch whole), and a crash copy and a restart hold the same.
// The writers run until every fault mode has failed at least one operation twice over: each round
// stays armed until its fault fires (on a loaded machine a fixed window may see no write at all).
TEST_F(IoFaultTest, ConcurrentWritersUnderFaultsKeepAllOrNothing) {
  constexpr int kThreads = 8, kBatch = 5;
  constexpr size_t kRounds = 2 * 6;  // every mode twice
  constexpr auto kFireDeadline = std::chrono::seconds(30);
  std::vector<std::vector<int>> status(kThreads);  // per writer, per request: the status
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        const std::string prefix = "c" + std::to_string(t) + "_" + std::to_string(i) + "_";
        status[t].push_back(
            server_->Call("POST", kBot + "/contacts", Users(prefix, kBatch)).status);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  const uint64_t injected_before = fs_->injected();
  size_t fired_rounds = 0;
  for (size_t round = 0; round < kRounds; ++round) {
    const Mode& mode = kModes[round % kModes.size()];
    fs_->Arm({mode.op, 1 + round % 3, mode.persistent, mode.error});
    const auto armed = Clock::now();
    while (!fs_->Fired() && Clock::now() - armed < kFireDeadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    fired_rounds += fs_->Fired() ? 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a persistent fault lasts a while
    fs_->Clear();  // then long enough for a recovery (retried every 100 ms) and some writes
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  stop = true;
  for (std::thread& w : writers) w.join();
  EXPECT_EQ(fired_rounds, kRounds)
      << "a fault was armed for " << kFireDeadline.count() << " s and never met an operation";
  ExpectWritesResume("after concurrent faults");
  int ok = 0, unavailable = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (size_t i = 0; i < status[t].size(); ++i) {
      const int code = status[t][i];
      ASSERT_TRUE(code == 200 || code == 503) << "request " << t << "/" << i << ": " << code;
      (code == 200 ? ok : unavailable)++;
      for (int k = 0; k < kBatch; ++k) {
        const std::string id =
            "c" + std::to_string(t) + "_" + std::to_string(i) + "_" + std::to_string(k);
        const int got = server_->Call("GET", kBot + "/contacts/" + id).status;
        EXPECT_EQ(got, code == 200 ? 200 : 404) << id << " after a " << code;
      }
    }
  }
  EXPECT_GT(unavailable, 0) << "no request met a fault: the test proves nothing";
  ExpectCrashCopyHolds(server_->Dump(), "after concurrent faults");
  ExpectRestartKeepsState("after concurrent faults");
  tally.answered503 += unavailable;
  std::printf(
      "[ figures  ] concurrent writers: %d requests answered 200, %d answered 503, %llu "
      "faults injected in %zu rounds\n",
      ok, unavailable, static_cast<unsigned long long>(fs_->injected() - injected_before), kRounds);
}

// Prints the run's figures once every test has run.
class FiguresPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    std::printf(
        "[ figures  ] fault_io_tests: %llu faults injected; %llu requests sent with a fault armed, "
        "%llu answered 503, %llu crash copies and %llu restarts checked, writes resumed within "
        "%.2f s at most\n",
        static_cast<unsigned long long>(tally.injected),
        static_cast<unsigned long long>(tally.attempts),
        static_cast<unsigned long long>(tally.answered503),
        static_cast<unsigned long long>(tally.crash_copies),
        static_cast<unsigned long long>(tally.reopens), tally.max_resume_seconds);
  }
};
const auto* const kPrinter = ::testing::AddGlobalTestEnvironment(new FiguresPrinter);

}  // namespace
}  // namespace contactd::fault
