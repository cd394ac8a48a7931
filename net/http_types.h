// Plain HTTP request and response values passed between the Beast server (net/server.cc) and the
// router. Only the server's translation units include Beast; everything else sees these.
//
// Thread-safety: value types.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace contactd::net {

struct HttpRequest {
  std::string method;         // "GET", "POST", ...
  std::string path;           // target before '?', still percent-encoded
  std::string query;          // target after '?', without it; still percent-encoded
  std::string authorization;  // the Authorization header, as sent
  std::string content_type;   // the Content-Type header, as sent
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra: Allow, Retry-After, ...
  bool close = false;  // close the connection after this response
};

}  // namespace contactd::net
