// contactctl's HTTP client; see tools/contactctl/http.h.
#include "tools/contactctl/http.h"

#include <cctype>
#include <limits>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

namespace contactd::ctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr size_t kIoChunk = size_t{256} << 10;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Runs the operation just started on `ioc` to completion.
void RunAll(asio::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

// One exchange on one connection.
class Exchange {
 public:
  Exchange(const Endpoint& endpoint, std::chrono::milliseconds timeout)
      : endpoint_(endpoint), timeout_(timeout), stream_(ioc_) {}

  Response Run(const Request& request) {
    if (!Connect()) return std::move(response_);
    // A failed upload is not final: the server may have answered early (413, 401, ...).
    SendRequest(request);
    if (source_failed_) return std::move(response_);
    ReadResponse(request);
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return std::move(response_);
  }

 private:
  bool Fail(std::string what, const error_code& ec) {
    response_.error = std::move(what);
    if (ec) response_.error += ": " + ec.message();
    return false;
  }

  bool Connect() {
    error_code ec;
    tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(endpoint_.host, endpoint_.port, ec);
    if (ec) return Fail("cannot resolve " + endpoint_.host, ec);
    stream_.expires_after(timeout_);
    stream_.async_connect(endpoints, [&](const error_code& e, const tcp::endpoint&) { ec = e; });
    RunAll(ioc_);
    if (ec) return Fail("cannot connect to " + endpoint_.host + ":" + endpoint_.port, ec);
    return true;
  }

  template <class Serializer>
  error_code Write(Serializer& sr, bool header_only) {
    error_code ec;
    stream_.expires_after(timeout_);
    auto done = [&](const error_code& e, size_t) { ec = e; };
    if (header_only) {
      http::async_write_header(stream_, sr, done);
    } else {
      http::async_write(stream_, sr, done);
    }
    RunAll(ioc_);
    if (ec == http::error::need_buffer) ec = {};
    return ec;
  }

  // True when the server has sent something (an early answer) or closed its side.
  bool ServerSpoke() {
    error_code ec;
    const size_t available = stream_.socket().available(ec);
    return ec || available > 0;
  }

  bool SendRequest(const Request& request) {
    http::request<http::buffer_body> req;
    req.method_string(request.method);
    req.target(endpoint_.base_path + request.target);
    req.version(11);
    req.set(http::field::host, endpoint_.host + ":" + endpoint_.port);
    req.set(http::field::user_agent, "contactctl");
    for (const auto& [name, value] : request.headers) req.set(name, value);
    if (request.source) {
      if (request.content_length) {
        req.content_length(*request.content_length);
      } else {
        req.chunked(true);
      }
    } else if (!request.body.empty() || request.method == "POST" || request.method == "PATCH" ||
               request.method == "PUT") {
      req.content_length(request.body.size());
    }
    http::request_serializer<http::buffer_body> sr(req);
    if (error_code ec = Write(sr, /*header_only=*/true)) return Fail("cannot send the request", ec);

    if (!request.source) {
      req.body().data = request.body.empty() ? nullptr : const_cast<char*>(request.body.data());
      req.body().size = request.body.size();
      req.body().more = false;
      if (error_code ec = Write(sr, false)) return Fail("cannot send the request", ec);
      return true;
    }

    std::string buffer(kIoChunk, '\0');
    uint64_t sent = 0;
    for (;;) {
      if (ServerSpoke()) {
        response_.upload_cut = true;
        return false;
      }
      size_t want = buffer.size();
      if (request.content_length) want = std::min<uint64_t>(want, *request.content_length - sent);
      const ptrdiff_t n = want == 0 ? 0 : request.source(buffer.data(), want);
      if (n < 0) {
        source_failed_ = true;
        return Fail("reading the input failed", {});
      }
      if (n == 0 && request.content_length && sent < *request.content_length) {
        source_failed_ = true;
        return Fail("the input ended early (" + std::to_string(sent) + " of " +
                        std::to_string(*request.content_length) + " bytes): did it change?",
                    {});
      }
      sent += static_cast<uint64_t>(n);
      req.body().data = n == 0 ? nullptr : buffer.data();
      req.body().size = static_cast<size_t>(n);
      req.body().more = n != 0;
      if (error_code ec = Write(sr, false)) {
        response_.upload_cut = true;
        return Fail("sending the body failed", ec);
      }
      if (n == 0) return true;
    }
  }

  void ReadResponse(const Request& request) {
    http::response_parser<http::buffer_body> parser;
    // Not boost::none: Beast 1.74 then rejects every Content-Length body (optional compare).
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    parser.header_limit(1 << 20);
    error_code ec;
    stream_.expires_after(timeout_);
    http::async_read_header(stream_, buffer_, parser, [&](const error_code& e, size_t) { ec = e; });
    RunAll(ioc_);
    if (ec) {
      // Keep the upload's error when there was one: it is the cause.
      if (response_.error.empty()) Fail("no answer from the server", ec);
      return;
    }
    response_.error.clear();
    const auto& head = parser.get();
    response_.status = static_cast<int>(head.result_int());
    for (const auto& field : head) {
      auto [it, inserted] =
          response_.headers.emplace(Lower(field.name_string()), std::string(field.value()));
      if (!inserted) it->second.append(", ").append(field.value());
    }
    if (request.on_head) request.on_head(response_.status, response_.headers);
    const bool to_sink = request.sink && response_.status >= 200 && response_.status < 300;

    std::string chunk(kIoChunk, '\0');
    while (!parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      stream_.expires_after(timeout_);
      http::async_read(stream_, buffer_, parser, [&](const error_code& e, size_t) { ec = e; });
      RunAll(ioc_);
      if (ec == http::error::need_buffer) ec = {};
      const size_t n = chunk.size() - parser.get().body().size;
      if (n > 0) {
        const std::string_view bytes(chunk.data(), n);
        if (to_sink) {
          if (!request.sink(bytes)) {
            Fail("writing the output failed", {});
            return;
          }
        } else {
          response_.body.append(bytes);
        }
      }
      if (ec) {
        Fail("the response ended early", ec);
        return;
      }
    }
    response_.complete = true;
  }

  const Endpoint& endpoint_;
  std::chrono::milliseconds timeout_;
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  Response response_;
  bool source_failed_ = false;
};

}  // namespace

bool ParseUrl(std::string_view url, Endpoint* out, std::string* error) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    *error = "the URL must start with http:// (got \"" + std::string(url) + "\")";
    return false;
  }
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  Endpoint endpoint;
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      *error = "bad IPv6 address in \"" + std::string(url) + "\"";
      return false;
    }
    host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() == ':') endpoint.port = authority.substr(1);
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    endpoint.port = authority.substr(colon + 1);
  }
  bool port_ok = !endpoint.port.empty() && endpoint.port.size() <= 5;
  for (char c : endpoint.port) port_ok = port_ok && std::isdigit(static_cast<unsigned char>(c));
  if (host.empty() || !port_ok || std::stoul(endpoint.port) > 65535) {
    *error = "bad host or port in \"" + std::string(url) + "\"";
    return false;
  }
  endpoint.host = host;
  endpoint.base_path = path;
  *out = std::move(endpoint);
  return true;
}

HttpClient::HttpClient(Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {}

Response HttpClient::Send(const Request& request) const {
  Exchange exchange(endpoint_, timeout_);
  return exchange.Run(request);
}

}  // namespace contactd::ctl
