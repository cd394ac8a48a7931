#include "tests/fault/in_process_server.h"

#include <utility>

#include "net/api.h"
#include "tests/support/json.h"

namespace contactd::fault {

InProcessServer::InProcessServer(const std::string& path, rocksdb::Env* env) {
  auto store = persist::RocksStore::Open({.path = path, .env = env});
  if (!store.ok()) {
    status_ = store.status();
    return;
  }
  store_ = std::move(*store);
  engine_ = std::make_unique<Engine>(store_.get(), EngineOptions{2, &clock_});
  api_ = std::make_unique<net::Api>(engine_.get());
  router_ = std::make_unique<net::Router>(
      api_->Routes(), [this](std::string_view key) { return engine_->Authenticate(key); }, &ready_);
  auto stats = engine_->Recover();
  if (!stats.ok()) {
    status_ = stats.status();
    return;
  }
  auto boot = engine_->Bootstrap(std::string(kOperatorKey));
  if (!boot.ok()) {
    status_ = boot.status();
    return;
  }
  ready_.store(true);
}

InProcessServer::~InProcessServer() {
  // The router and api refer to the engine, the engine to the store.
  router_.reset();
  api_.reset();
  engine_.reset();
  store_.reset();
}

net::HttpResponse InProcessServer::Call(const std::string& method, const std::string& target,
                                        const std::string& body) {
  net::HttpRequest r;
  r.method = method;
  const size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  r.authorization = std::string("Bearer ") + kOperatorKey;
  r.content_type = "application/json";
  r.body = body;
  return router_->Handle(r);
}

std::string InProcessServer::Dump() {
  return DumpState([&](const std::string& target) -> std::optional<std::string> {
    net::HttpResponse r = Call("GET", target);
    if (r.status != 200) return std::nullopt;
    return std::move(r.body);
  });
}

std::string DumpState(const GetFn& get) {
  std::string out;
  auto read = [&](const std::string& target) -> std::string {
    std::optional<std::string> body = get(target);
    if (!body) return {};
    out += target + " " + *body + "\n";
    return std::move(*body);
  };
  if (read("/api/v1/workspaces").empty() || read("/api/v1/apikeys").empty()) return {};
  const std::string chatbots = read("/api/v1/chatbots");
  if (chatbots.empty()) return {};
  const testing::Json list(chatbots);
  for (size_t i = 0; i < list["data"].size(); ++i) {
    const std::string base = "/api/v1/chatbots/" + list["data"][i]["id"].str();
    if (read(base + "/custom-attributes").empty()) return {};
    for (size_t page = 1;; ++page) {
      const std::string body = read(base + "/contacts?per_page=1000&page=" + std::to_string(page));
      if (body.empty()) return {};
      if (static_cast<int64_t>(page) >= testing::Json(body)["pages"]["total_pages"].i64()) break;
    }
  }
  return out;
}

}  // namespace contactd::fault
