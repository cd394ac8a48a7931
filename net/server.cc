// HttpServer: the listener, the Asio threads and the shutdown; see net/server.h. Also the
// ServerContext the listener shares with the sessions: their registry and the choice of whom to
// evict at the connection cap. Connections are served by net/session.cc.
#include "net/server.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>

#include "net/session.h"

namespace contactd::net {

namespace internal {
namespace {

// How many eviction candidates one scan of the sessions collects.
constexpr size_t kEvictionBatch = 64;

}  // namespace

ServerContext::ServerContext(ServerOptions options, HttpServer::Handler handler,
                             HttpServer::IsBlocking is_blocking,
                             HttpServer::IsStreaming is_streaming)
    : options(std::move(options)),
      handler(std::move(handler)),
      is_blocking(std::move(is_blocking)),
      is_streaming(std::move(is_streaming)),
      ioc(std::max(1, this->options.threads)),
      blocking_pool(static_cast<size_t>(std::max(1, this->options.blocking_threads))),
      stream_pool(static_cast<size_t>(std::max(1, this->options.stream_threads))) {}

void ServerContext::Register(Session* session, bool waiting) {
  std::lock_guard lock(mu);
  sessions.insert(session);
  if (!waiting) return;
  // Read under the lock, so that the unserved list is in the order of these times.
  session->EnterWait(std::chrono::steady_clock::now());
  LinkUnservedLocked(silent_, session);
}

void ServerContext::Unregister(Session* session) {
  std::lock_guard lock(mu);
  sessions.erase(session);
  UnlinkUnservedLocked(session);
  if (session->released()) --released;
}

void ServerContext::MarkServed(Session* session) {
  std::lock_guard lock(mu);
  UnlinkUnservedLocked(session);
}

void ServerContext::MarkPartial(Session* session) {
  std::lock_guard lock(mu);
  if (session->unserved_ != &silent_) return;  // served, claimed or closing meanwhile
  UnlinkUnservedLocked(session);
  LinkUnservedLocked(partial_, session);
}

void ServerContext::LinkUnservedLocked(UnservedList& list, Session* session) {
  session->unserved_ = &list;
  session->unserved_prev_ = list.tail;
  session->unserved_next_ = nullptr;
  (list.tail != nullptr ? list.tail->unserved_next_ : list.head) = session;
  list.tail = session;
}

void ServerContext::UnlinkUnservedLocked(Session* session) {
  UnservedList* list = session->unserved_;
  if (list == nullptr) return;
  session->unserved_ = nullptr;
  Session* prev = session->unserved_prev_;
  Session* next = session->unserved_next_;
  (prev != nullptr ? prev->unserved_next_ : list->head) = next;
  (next != nullptr ? next->unserved_prev_ : list->tail) = prev;
  session->unserved_prev_ = session->unserved_next_ = nullptr;
}

bool ServerContext::AdmitConnection() {
  std::shared_ptr<Session> victim;
  {
    std::lock_guard lock(mu);
    if (sessions.size() - released < options.max_connections) return true;
    victim = ClaimEvictionLocked();
  }
  if (!victim) return false;
  asio::dispatch(victim->executor(), [victim] { victim->OnEvicted(); });
  return true;
}

std::shared_ptr<Session> ServerContext::ClaimEvictionLocked() {
  // A served session has shown itself a real client: an unserved one goes first unless the served
  // one has waited this much longer. (Tricklers are unserved; a kept-alive client between two
  // requests is served.) Among the unserved, one that has sent part of a header (a trickler's
  // mark) goes before one that has sent nothing yet, whose request may still be on its way.
  const int64_t grace =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(options.header_timeout)
          .count();
  bool scanned = false;
  while (true) {
    // No served session waits since before this (times are far from the int64 limits).
    const int64_t served_oldest = candidates_.empty() ? uncached_bound_ : candidates_.back().since;
    // After a scan whose candidates all failed (they left their waits), take what there is.
    const bool scan_spent = scanned && candidates_.empty();
    Session* unserved = partial_.head != nullptr ? partial_.head : silent_.head;
    if (unserved != nullptr && (scan_spent || unserved->waiting_since() <= served_oldest + grace)) {
      // Leaves its list either way: claimed, or no longer waiting unserved (just served, closing).
      UnlinkUnservedLocked(unserved);
      const int64_t since = unserved->waiting_since();
      // Empty when the session is being destroyed right now.
      std::shared_ptr<Session> session = unserved->weak_from_this().lock();
      if (session && since > 0 && session->ClaimForEviction(since)) return session;
      continue;
    }
    if (!candidates_.empty()) {
      Candidate candidate = std::move(candidates_.back());
      candidates_.pop_back();
      std::shared_ptr<Session> session = candidate.session.lock();
      if (session && session->ClaimForEviction(candidate.since)) return session;
      continue;
    }
    if (scanned) return nullptr;  // no unserved session left either
    FindCandidatesLocked();
    scanned = true;
  }
}

void ServerContext::FindCandidatesLocked() {
  const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  std::vector<std::pair<int64_t, Session*>> waiting;
  for (Session* session : sessions) {
    const int64_t since = session->waiting_since();
    if (since > 0 && session->unserved_ == nullptr) waiting.emplace_back(since, session);
  }
  const size_t n = std::min(kEvictionBatch, waiting.size());
  std::partial_sort(waiting.begin(), waiting.begin() + static_cast<ptrdiff_t>(n), waiting.end());
  uncached_bound_ = waiting.size() > n ? waiting[n - 1].first : now;
  candidates_.clear();
  for (size_t i = n; i-- > 0;) {  // oldest last
    // Empty when the session is being destroyed right now; its claim then fails.
    candidates_.push_back({waiting[i].first, waiting[i].second->weak_from_this()});
  }
}

void ServerContext::NotifySessionsOfStop() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu);
    live.reserve(sessions.size());
    for (Session* session : sessions) {
      // Empty when the session is being destroyed right now.
      if (auto shared = session->weak_from_this().lock()) live.push_back(std::move(shared));
    }
  }
  for (auto& session : live) {
    asio::dispatch(session->executor(), [session] { session->OnServerStop(); });
  }
}

}  // namespace internal

using internal::ServerContext;
using internal::Session;
namespace asio = internal::asio;
using tcp = internal::tcp;
using error_code = boost::system::error_code;

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, Handler handler, IsBlocking is_blocking, IsStreaming is_streaming)
      : ctx_(std::move(options), std::move(handler), std::move(is_blocking),
             std::move(is_streaming)),
        strand_(asio::make_strand(ctx_.ioc)),
        acceptor_(strand_),
        retry_timer_(strand_) {}

  Status Start();
  uint16_t port() const { return port_.load(std::memory_order_acquire); }
  void Run();
  void Stop();

 private:
  void Accept();
  void OnAccept(error_code ec, tcp::socket socket);
  Status ListenError(const error_code& ec) const;

  ServerContext ctx_;  // first: the members below use its io_context
  // The acceptor, its retry timer and the signal set only run on this strand.
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  std::optional<asio::signal_set> signals_;
  std::atomic<uint16_t> port_{0};
};

Status HttpServer::Impl::ListenError(const error_code& ec) const {
  return Status(Code::kUnavailable, "cannot listen on " + ctx_.options.host + ":" +
                                        std::to_string(ctx_.options.port) + ": " + ec.message());
}

Status HttpServer::Impl::Start() {
  const ServerOptions& options = ctx_.options;
  error_code ec;
  tcp::endpoint endpoint;
  asio::ip::address address = asio::ip::make_address(options.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, options.port);
  } else {  // a host name such as "localhost"
    tcp::resolver resolver(ctx_.ioc);
    auto results = resolver.resolve(options.host, std::to_string(options.port), ec);
    if (ec) return ListenError(ec);
    if (results.empty()) return ListenError(asio::error::host_not_found);
    endpoint = results.begin()->endpoint();
  }

  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  tcp::endpoint local;
  if (!ec) local = acceptor_.local_endpoint(ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return ListenError(ec);
  }
  port_.store(local.port(), std::memory_order_release);

  if (options.handle_signals) {
    signals_.emplace(strand_, SIGINT, SIGTERM);
    signals_->async_wait([this](const error_code& ec, int) {
      if (!ec) Stop();
    });
  }
  Accept();
  return Status::Ok();
}

void HttpServer::Impl::Accept() {
  // One io_context thread needs no strand; several do, one per connection.
  asio::any_io_executor executor = ctx_.options.threads > 1
                                       ? asio::any_io_executor(asio::make_strand(ctx_.ioc))
                                       : asio::any_io_executor(ctx_.ioc.get_executor());
  acceptor_.async_accept(
      executor, [this](error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void HttpServer::Impl::OnAccept(error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ctx_.stopping.load(std::memory_order_relaxed)) return;  // `socket` closes on return
  if (ec) {
    // Out of file descriptors and the like: back off instead of spinning.
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait([this](const error_code& ec) {
      if (!ec && acceptor_.is_open()) Accept();
    });
    return;
  }
  auto session = std::make_shared<Session>(ctx_, std::move(socket));
  if (ctx_.AdmitConnection()) {
    session->Start();
  } else {
    session->Reject();  // at the cap with nobody to evict
  }
  Accept();
}

void HttpServer::Impl::Run() {
  const int n = std::max(1, ctx_.options.threads);
  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  for (int i = 1; i < n; ++i) threads.emplace_back([this] { ctx_.ioc.run(); });
  ctx_.ioc.run();
  for (std::thread& thread : threads) thread.join();
  ctx_.blocking_pool.join();
  ctx_.stream_pool.join();
}

void HttpServer::Impl::Stop() {
  if (ctx_.stopping.exchange(true)) return;
  asio::dispatch(strand_, [this] {
    error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    if (signals_) signals_->cancel(ignored);
  });
  ctx_.NotifySessionsOfStop();
}

HttpServer::HttpServer(ServerOptions options, Handler handler, IsBlocking is_blocking,
                       IsStreaming is_streaming)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(is_blocking),
                                   std::move(is_streaming))) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Start() { return impl_->Start(); }

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::Run() { impl_->Run(); }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace contactd::net
