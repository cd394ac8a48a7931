// bare_server: the HTTP ceiling for contactd's get-by-id throughput (issue 4's comparison harness).
//
// A bare Boost.Beast HTTP/1.1 server with contactd's threading model (net/server.cc and
// net/session.cc): one io_context run by T threads, the acceptor on a strand, one asynchronous
// session per connection (on its own strand when T > 1) that reads each request with a fresh
// string_body request_parser (contactd's body and header limits), then writes a complete response
// (status line, Server, Content-Type, Content-Length, the body) as one gathered write and keeps the
// connection alive. Every request gets 200 with Content-Type: application/json and the body
// {"ok":true}; there is no routing, no handler and no JSON. tools/loadgen drives it exactly like
// contactd, so the ratio of the two is what contactd's own work costs.
//
// What it leaves out that contactd does, deliberately (none of it costs per request in contactd
// either, or it is the work being measured): idle and read timeouts, the session registry used for
// graceful shutdown, Expect: 100-continue, the blocking pool for writes, error responses (a
// malformed request just closes the connection).
//
//   bare_server [--port P] [--threads T]
//
// Binds 127.0.0.1:P (default 0: any free port) and prints "listening on http://127.0.0.1:<port>"
// on stdout once it listens. T defaults to the hardware threads, like contactd's --threads.
// SIGINT or SIGTERM stops it (exit status 0).
//
// Thread-safety: each session runs on its own executor (a strand when T > 1); the acceptor and the
// signal set on one strand.
#include <algorithm>
#include <array>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace contactd::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kReadSize = 8192;               // as net/session.cc
constexpr size_t kBodyLimit = size_t{16} << 20;  // net/server.h ServerOptions defaults
constexpr uint32_t kHeaderLimit = uint32_t{16} << 10;
constexpr std::string_view kBody = R"({"ok":true})";

struct Options {
  uint16_t port = 0;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : socket_(std::move(socket)) {
    beast::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
  }

  void Start() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->ReadRequest(); });
  }

 private:
  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    parser_->header_limit(kHeaderLimit);
    parser_->eager(true);
    if (buffer_.size() > 0) return Parse();  // a pipelined request is already here
    socket_.async_read_some(buffer_.prepare(kReadSize),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->Parse();
                            });
  }

  // Parses what the buffer holds; usually the whole request came with the first read.
  void Parse() {
    beast::error_code ec;
    while (!parser_->is_done() && buffer_.size() > 0) {
      const size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) break;
      if (ec) return Close();
      if (used == 0) break;
    }
    if (parser_->is_done()) return Respond();
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       self->Respond();
                     });
  }

  void Respond() {
    const auto& request = parser_->get();
    const unsigned version = request.version();
    close_after_write_ = !parser_->keep_alive();
    const bool head = request.method() == http::verb::head;
    body_ = std::move(parser_->get().body());  // read in full, then dropped
    parser_.reset();

    head_.clear();
    head_.append(version == 10 ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.1 200 OK\r\n");
    head_.append("Server: bare_server\r\nContent-Type: application/json\r\nContent-Length: ");
    char digits[24];
    const auto [end, ignored] = std::to_chars(digits, digits + sizeof(digits), kBody.size());
    head_.append(digits, end);
    head_.append("\r\n");
    if (close_after_write_) {
      head_.append("Connection: close\r\n");
    } else if (version == 10) {
      head_.append("Connection: keep-alive\r\n");
    }
    head_.append("\r\n");
    const std::array<asio::const_buffer, 2> buffers{
        asio::buffer(head_),
        head ? asio::const_buffer() : asio::buffer(kBody.data(), kBody.size())};
    asio::async_write(socket_, buffers, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      if (self->close_after_write_) {
        beast::error_code ignored;
        self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
        return self->Close();
      }
      self->ReadRequest();
    });
  }

  void Close() {
    beast::error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  beast::flat_buffer buffer_;  // reused for every request of the connection
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string body_;
  std::string head_;
  bool close_after_write_ = false;
};

class Server {
 public:
  explicit Server(const Options& o)
      : options_(o),
        ioc_(std::max(1, o.threads)),
        strand_(asio::make_strand(ioc_)),
        acceptor_(strand_),
        signals_(strand_, SIGINT, SIGTERM) {}

  // Binds and listens; returns the bound port, or 0 (after printing why) on failure.
  uint16_t Start() {
    beast::error_code ec;
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    tcp::endpoint local;
    if (!ec) local = acceptor_.local_endpoint(ec);
    if (ec) {
      std::fprintf(stderr, "bare_server: cannot listen on 127.0.0.1:%u: %s\n",
                   static_cast<unsigned>(options_.port), ec.message().c_str());
      return 0;
    }
    signals_.async_wait([this](const beast::error_code& ec, int) {
      if (ec) return;
      beast::error_code ignored;
      acceptor_.close(ignored);
      ioc_.stop();  // open connections are dropped with the io_context
    });
    Accept();
    return local.port();
  }

  void Run() {
    std::vector<std::thread> threads;
    for (int i = 1; i < options_.threads; ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (std::thread& t : threads) t.join();
  }

 private:
  void Accept() {
    // As net/server.cc: one io_context thread needs no strand; several do, one per connection.
    asio::any_io_executor executor = options_.threads > 1
                                         ? asio::any_io_executor(asio::make_strand(ioc_))
                                         : asio::any_io_executor(ioc_.get_executor());
    acceptor_.async_accept(executor, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) std::make_shared<Session>(std::move(socket))->Start();
      Accept();
    });
  }

  const Options options_;
  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
};

int Usage() {
  std::fprintf(stderr, "usage: bare_server [--port P] [--threads T]\n");
  return 2;
}

int Main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) return Usage();
    char* end = nullptr;
    const long v = std::strtol(argv[i + 1], &end, 10);
    if (*end != '\0') return Usage();
    if (!std::strcmp(argv[i], "--port") && v >= 0 && v <= 65535) {
      o.port = static_cast<uint16_t>(v);
    } else if (!std::strcmp(argv[i], "--threads") && v >= 1 && v <= 256) {
      o.threads = static_cast<int>(v);
    } else {
      return Usage();
    }
  }
  Server server(o);
  const uint16_t port = server.Start();
  if (port == 0) return 1;
  std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(port));
  std::fflush(stdout);
  server.Run();
  return 0;
}

}  // namespace
}  // namespace contactd::bench

int main(int argc, char** argv) { return contactd::bench::Main(argc, argv); }
