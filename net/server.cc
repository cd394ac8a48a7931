// HttpServer: the listener, the Asio threads and the shutdown; see net/server.h. Connections are
// served by net/session.cc.
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
