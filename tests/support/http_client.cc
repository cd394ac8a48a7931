// Test HTTP client; see tests/support/http_client.h.
#include "tests/support/http_client.h"

#include <cctype>
#include <functional>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace contactd::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

HttpResult Failure(std::string_view what, const error_code& ec) {
  HttpResult result;
  result.body = std::string(what) + ": " + ec.message();
  result.connection_closed = true;
  return result;
}

}  // namespace

struct HttpClient::Impl {
  std::string host;
  uint16_t port;
  std::chrono::milliseconds timeout;
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  int connections = 0;

  // Runs the operations started on ioc until they complete.
  void RunAll() {
    ioc.restart();
    ioc.run();
  }

  void Disconnect() {
    if (!stream) return;
    error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream->close();
    stream.reset();
    buffer.clear();
  }

  error_code Connect() {
    Disconnect();
    error_code ec;
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return ec;
    stream.emplace(ioc);
    stream->expires_after(timeout);
    stream->async_connect(endpoints, [&](const error_code& e, const tcp::endpoint&) { ec = e; });
    RunAll();
    if (ec) {
      stream.reset();
      return ec;
    }
    ++connections;
    return {};
  }
};

HttpClient::HttpClient(std::string host, uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() { impl_->Disconnect(); }

int HttpClient::connections_opened() const { return impl_->connections; }

// `headers` by value: the signature tests were promised.
HttpResult HttpClient::Request(
    std::string_view method, std::string_view target, std::string_view body,
    std::vector<std::pair<std::string, std::string>> headers) {  // NOLINT(performance-*)
  Impl& impl = *impl_;
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, impl.host + ":" + std::to_string(impl.port));
  request.body().assign(body);
  request.prepare_payload();
  for (auto& [name, value] : headers) {
    if (beast::iequals(name, "transfer-encoding") && beast::iequals(value, "chunked")) {
      request.erase(http::field::content_length);
      request.chunked(true);
    } else {
      request.set(name, value);
    }
  }

  for (int attempt = 0;; ++attempt) {
    const bool reused = impl.stream.has_value();
    if (!reused) {
      if (error_code ec = impl.Connect()) return Failure("connect", ec);
    }
    // The server may answer (413, 400) before reading the whole body: a failed write is not
    // fatal, the response may still be readable.
    impl.stream->expires_after(impl.timeout);
    http::async_write(*impl.stream, request, [](const error_code&, size_t) {});
    impl.RunAll();

    http::response_parser<http::string_body> parser;
    parser.body_limit(uint64_t{1} << 32);
    parser.header_limit(1 << 20);
    if (beast::iequals(method, "HEAD")) parser.skip(true);
    error_code read_error;
    impl.stream->expires_after(impl.timeout);
    http::async_read(*impl.stream, impl.buffer, parser,
                     [&](const error_code& ec, size_t) { read_error = ec; });
    impl.RunAll();
    if (read_error) {
      impl.Disconnect();
      // A kept-alive connection the server had already closed: try once on a fresh one.
      if (reused && !parser.got_some() && attempt == 0) continue;
      return Failure("read", read_error);
    }

    HttpResult result;
    const auto& response = parser.get();
    result.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      std::string name = Lower(field.name_string());
      auto [it, inserted] = result.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second.append(", ").append(field.value());
    }
    result.body = std::move(parser.get().body());
    if (!parser.keep_alive()) {
      result.connection_closed = true;
      impl.Disconnect();
    }
    return result;
  }
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): the signature tests were promised.
std::string RawExchange(std::string host, uint16_t port, std::string raw_bytes,
                        std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  std::string received;
  char chunk[4096];
  error_code ec;
  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return received;

  std::function<void()> read = [&] {
    socket.async_read_some(asio::buffer(chunk), [&](const error_code& e, size_t n) {
      received.append(chunk, n);
      if (!e) read();
    });
  };
  asio::async_connect(socket, endpoints, [&](const error_code& e, const tcp::endpoint&) {
    if (e) return;
    if (!raw_bytes.empty()) {
      asio::async_write(socket, asio::buffer(raw_bytes), [](const error_code&, size_t) {});
    }
    read();
  });
  ioc.run_for(timeout);
  // Time is up (or the server closed): cancel what is pending and let it finish.
  socket.close(ec);
  ioc.restart();
  ioc.run();
  return received;
}

}  // namespace contactd::testing
