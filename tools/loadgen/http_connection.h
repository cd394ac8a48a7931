// HttpConnection: one keep-alive HTTP/1.1 connection for the load generator, with blocking I/O
// (Boost.Beast underneath, hidden here: this is the loadgen's only translation unit that includes
// it). A closed connection is reopened by the next request, and counted.
//
// Thread-safety: one HttpConnection per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace contactd::loadgen {

struct HttpReply {
  int status = 0;  // 0: no response; `body` says why
  std::string body;
};

class HttpConnection {
 public:
  HttpConnection(std::string host, uint16_t port, std::string bearer_key);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request (with Authorization when a key was given; Content-Type application/json
  // when `body` is not empty) and reads the whole response.
  HttpReply Send(std::string_view method, std::string_view target, std::string_view body = {});

  // Connections opened so far (1 when keep-alive held throughout).
  int connects() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace contactd::loadgen
