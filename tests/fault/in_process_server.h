// InProcessServer: contactd without sockets, for fault-injection tests. A persist::RocksStore on a
// data directory (optionally through a test rocksdb::Env such as FaultFs), an Engine recovered from
// it and bootstrapped with a known operator key, and the real net::Api route table behind a
// net::Router, wired as tools/contactd/main.cc wires them. Requests go through Router::Handle, so
// they get the real HTTP status mapping and bodies.
//
// Dump() renders everything the operator key can read (workspaces, chatbots, keys, and each
// chatbot's custom attributes and contacts) as one string: two equal dumps mean equal state.
//
// Thread-safety: one test thread drives it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/clock.h"
#include "engine/engine.h"
#include "engine/status.h"
#include "net/http_types.h"
#include "net/router.h"
#include "persist/rocks_store.h"

namespace rocksdb {
class Env;
}
namespace contactd::net {
class Api;
}

namespace contactd::fault {

inline constexpr const char* kOperatorKey = "oc_test_operator_key_for_fault_tests";

// Reads everything the operator key can see through `get` (a GET of a target: the body of a 200,
// or nullopt) and renders it as one string: workspaces, keys, chatbots, and each chatbot's custom
// attributes and contacts. Empty when a read fails. Shared by in-process and real-server tests.
using GetFn = std::function<std::optional<std::string>(const std::string& target)>;
std::string DumpState(const GetFn& get);

class InProcessServer {
 public:
  // Opens `path` through `env` (null: the real file system), recovers and bootstraps. Check ok()
  // before use; status() says why it could not start.
  InProcessServer(const std::string& path, rocksdb::Env* env);
  ~InProcessServer();
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  // One request with the operator key. `target` may hold a query string after '?'.
  net::HttpResponse Call(const std::string& method, const std::string& target,
                         const std::string& body = "");
  // Everything readable, as one string (see above). Empty when a read fails.
  std::string Dump();

  persist::RocksStore* store() { return store_.get(); }

 private:
  Status status_;
  ManualClock clock_{1763683200};  // timestamps never depend on when the test runs
  std::unique_ptr<persist::RocksStore> store_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<net::Api> api_;
  std::atomic<bool> ready_{false};
  std::unique_ptr<net::Router> router_;
};

}  // namespace contactd::fault
