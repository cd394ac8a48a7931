// Load generator connection; see tools/loadgen/http_connection.h.
#include "tools/loadgen/http_connection.h"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace contactd::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpConnection::Impl {
  std::string host;
  uint16_t port;
  std::string authorization;  // "Bearer <key>", or empty
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  int connects = 0;

  bool Connect(std::string* error) {
    stream.reset();
    buffer.clear();
    boost::system::error_code ec;
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (!ec) {
      stream.emplace(ioc);
      stream->connect(endpoints, ec);
    }
    if (ec) {
      stream.reset();
      *error = "connect to " + host + ":" + std::to_string(port) + ": " + ec.message();
      return false;
    }
    stream->socket().set_option(tcp::no_delay(true));
    ++connects;
    return true;
  }

  // One attempt on the current connection; false when it failed before a response arrived.
  bool Exchange(const http::request<http::string_body>& req, HttpReply* reply) {
    boost::system::error_code ec;
    http::write(*stream, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 32);
    if (!ec) http::read(*stream, buffer, parser, ec);
    if (ec) {
      reply->body = ec.message();
      stream.reset();
      return false;
    }
    reply->status = static_cast<int>(parser.get().result_int());
    reply->body = std::move(parser.get().body());
    if (!parser.get().keep_alive()) stream.reset();
    return true;
  }
};

HttpConnection::HttpConnection(std::string host, uint16_t port, std::string bearer_key)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  if (!bearer_key.empty()) impl_->authorization = "Bearer " + bearer_key;
}

HttpConnection::~HttpConnection() = default;

int HttpConnection::connects() const { return impl_->connects; }

HttpReply HttpConnection::Send(std::string_view method, std::string_view target,
                               std::string_view body) {
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, impl_->host);
  if (!impl_->authorization.empty()) req.set(http::field::authorization, impl_->authorization);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = std::string(body);
  req.keep_alive(true);
  req.prepare_payload();

  HttpReply reply;
  // A kept-alive connection the server closed in the meantime gets one retry on a new one.
  const bool reused = impl_->stream.has_value();
  if (!reused && !impl_->Connect(&reply.body)) return reply;
  if (impl_->Exchange(req, &reply)) return reply;
  if (!reused || !impl_->Connect(&reply.body)) return reply;
  impl_->Exchange(req, &reply);
  return reply;
}

}  // namespace contactd::loadgen
