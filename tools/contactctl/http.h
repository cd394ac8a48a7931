// contactctl's HTTP/1.1 client: one request per connection, with streamed request bodies
// (Content-Length when the size is known, chunked otherwise) and streamed response bodies.
// Boost.Beast underneath, hidden here: http.cc is contactctl's only translation unit that
// includes it.
//
// Every network wait (connect, each write, each read) is bounded by the client's timeout. While
// a body is being uploaded, an answer the server sends early (401, 413, ...) stops the upload and
// is read as the response.
//
// Thread-safety: one HttpClient per thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/url.h"

namespace contactd::ctl {

// http://host[:port][/base]; only plain HTTP.
struct Endpoint {
  std::string host;
  std::string port = "80";
  std::string base_path;  // no trailing slash; "" for the root
};

// Parses `url` into *out; false (with *error set) when it is not http://host[:port][/path].
bool ParseUrl(std::string_view url, Endpoint* out, std::string* error);

// Fills up to `size` bytes; returns how many, 0 at the end, -1 on a failure (the request is
// abandoned).
using BodySource = std::function<ptrdiff_t(char* buf, size_t size)>;
// Receives the next bytes of a successful (2xx) response body; false abandons the transfer.
using BodySink = std::function<bool(std::string_view bytes)>;
// Lower-case header names; repeated headers joined by ", ".
using Headers = std::map<std::string, std::string>;

struct Request {
  std::string method = "GET";
  std::string target;  // path and query, without the endpoint's base path
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                        // used when `source` is empty
  BodySource source;                       // streamed request body
  std::optional<uint64_t> content_length;  // with `source`: the exact size; absent: chunked
  // Called once the response head has arrived, before any body bytes.
  std::function<void(int status, const Headers& headers)> on_head;
  BodySink sink;  // set: a 2xx body goes here instead of Response::body
};

struct Response {
  std::string error;  // non-empty: the exchange failed (network, timeout, source, sink)
  int status = 0;     // 0: no response head was received
  Headers headers;
  std::string body;         // non-2xx bodies, and 2xx bodies without a sink
  bool complete = false;    // the whole body arrived (with its terminating chunk when chunked)
  bool upload_cut = false;  // the server answered before the whole request body was sent
};

class HttpClient {
 public:
  explicit HttpClient(Endpoint endpoint,
                      std::chrono::milliseconds timeout = std::chrono::minutes(5));

  // Sends `request` on a fresh connection and reads the response.
  Response Send(const Request& request) const;

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  Endpoint endpoint_;
  std::chrono::milliseconds timeout_;
};

using net::PercentEncode;  // net/url.h

}  // namespace contactd::ctl
