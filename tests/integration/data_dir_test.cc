// Black-box tests of contactd on a damaged or busy data directory (README "Start-up and
// shutdown"): a corrupt directory (CURRENT, MANIFEST, table files or write-ahead log overwritten)
// or one held by a running server stops the start quickly with exit status 1 and a message, and
// never with a signal.
#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/integration/it_helpers.h"

namespace contactd::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void Overwrite(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string Garbage(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7919 + 13) % 251);
  return s;
}

// Starts contactd on `dir` and expects exit status 1, quickly, with `words` in the output.
void ExpectRefusal(const std::string& dir, const std::string& words) {
  std::string output;
  const auto start = Clock::now();
  const int code = ServerProcess::RunToExit({"--data-dir", dir, "--listen", "127.0.0.1:0"}, &output,
                                            std::chrono::seconds(10));
  EXPECT_EQ(code, 1) << output;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_NE(output.find(words), std::string::npos) << output;
  EXPECT_EQ(output.find("listening on"), std::string::npos) << output;
}

class DamagedDataDir : public ::testing::Test {
 protected:
  // A data dir holding a little data, shut down cleanly twice (the second start writes the log
  // into table files), which each test copies and damages.
  static void SetUpTestSuite() {
    origin_ = std::make_unique<TestServer>();
    ASSERT_TRUE(origin_->process.Start()) << origin_->process.output();
    Client op(origin_->process.port(), origin_->process.operator_key());
    const std::string bot = NewChatbot(op);
    ASSERT_TRUE(IsSuccess(op.Post(ContactsPath(bot), R"({"users":[{"external_id":"x"}]})")));
    ASSERT_EQ(origin_->process.Stop(), 0);
    ASSERT_TRUE(origin_->process.Start()) << origin_->process.output();
    ASSERT_EQ(origin_->process.Stop(), 0);
  }
  static void TearDownTestSuite() { origin_.reset(); }

  std::string Copy() {
    const std::string to = dir_.str() + "/data";
    fs::copy(origin_->data_dir(), to, fs::copy_options::recursive);
    return to;
  }
  static std::vector<fs::path> Files(const std::string& dir, const std::string& prefix,
                                     const std::string& suffix = "") {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(prefix, 0) == 0 && name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        out.push_back(e.path());
      }
    }
    return out;
  }

  static inline std::unique_ptr<TestServer> origin_;
  TempDir dir_;
};

TEST_F(DamagedDataDir, GarbageCurrentFile) {
  const std::string dir = Copy();
  Overwrite(fs::path(dir) / "CURRENT", Garbage(64));
  ExpectRefusal(dir, "corrupt");
}

TEST_F(DamagedDataDir, GarbageManifest) {
  const std::string dir = Copy();
  const auto manifests = Files(dir, "MANIFEST-");
  ASSERT_FALSE(manifests.empty());
  for (const fs::path& m : manifests) Overwrite(m, Garbage(fs::file_size(m)));
  ExpectRefusal(dir, "corrupt");
}

TEST_F(DamagedDataDir, CurrentNamesAMissingManifest) {
  const std::string dir = Copy();
  Overwrite(fs::path(dir) / "CURRENT", "MANIFEST-999999\n");
  ExpectRefusal(dir, "corrupt");
}

TEST_F(DamagedDataDir, CurrentNamesAFileThatIsNoManifest) {
  const std::string dir = Copy();
  Overwrite(fs::path(dir) / "CURRENT", "garbage\n");
  ExpectRefusal(dir, "corrupt");
}

TEST_F(DamagedDataDir, GarbageTableFiles) {
  const std::string dir = Copy();
  const auto tables = Files(dir, "", ".sst");
  ASSERT_FALSE(tables.empty()) << "a clean shutdown flushes the memtables";
  for (const fs::path& t : tables) {
    std::fstream f(t, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(0);
    f << Garbage(static_cast<size_t>(fs::file_size(t)) / 2);
  }
  ExpectRefusal(dir, "corrupt");
}

TEST_F(DamagedDataDir, GarbageWriteAheadLogIsRefusedNotStartedEmpty) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  Client op(server->process.port(), server->process.operator_key());
  ASSERT_TRUE(IsSuccess(op.Post("/api/v1/chatbots", R"({"id":"kept","name":"K"})")));
  server->process.Kill();  // a crash: the acknowledged writes live only in the write-ahead log
  size_t logs = 0;
  for (const auto& e : fs::directory_iterator(server->data_dir())) {
    if (e.path().extension() != ".log" || fs::file_size(e.path()) == 0) continue;
    Overwrite(e.path(), Garbage(static_cast<size_t>(fs::file_size(e.path()))));
    ++logs;
  }
  ASSERT_GT(logs, 0u);
  ExpectRefusal(server->data_dir(), "corrupt");
}

TEST(BusyDataDir, ASecondInstanceIsRefused) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ExpectRefusal(server->data_dir(), "in use");
  // The running server is unaffected.
  Client op(server->process.port(), server->process.operator_key());
  EXPECT_TRUE(IsSuccess(op.Get("/api/v1/chatbots")));
  EXPECT_EQ(server->process.Stop(), 0);
}

}  // namespace
}  // namespace contactd::testing
