// Plain HTTP request and response values passed between the Beast server (net/server.cc) and the
// router. Only the server's translation units include Beast; everything else sees these.
//
// Thread-safety: value types.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace contactd::net {

// Why a streamed request body could not be read: the HTTP status the session answers with when it
// still can (400 malformed chunked encoding, 408 too slow, 413 over the streaming body limit), or 0
// when the client went away (nothing can be answered).
struct TransportFailure {
  int status = 0;
  std::string message;
};

// The body of a streaming request (Router::IsStreaming), read while its handler runs on the
// server's stream pool. Reads block the calling thread until bytes arrive. A handler that returns
// before the end of the body gets its response sent and the connection closed (the rest is
// drained, not parsed).
//
// Thread-safety: one thread at a time (the handler's).
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Reads up to `size` bytes of the body (chunked encoding already removed) into `buf`. Returns
  // how many; 0 once the whole body has been read; -1 on failure, then failure() says why.
  // A "100 Continue" asked for by the client is sent on the first call.
  virtual ptrdiff_t Read(char* buf, size_t size) = 0;
  virtual const TransportFailure& failure() const = 0;
};

// The sink of a streamed response body (HttpResponse::stream). Each Write() sends one part
// (one chunk with chunked encoding) and blocks until the previous part is on the wire, so at most
// one part is buffered per connection. Write returns false once the connection has failed or
// timed out: the producer should stop.
//
// Thread-safety: one thread at a time (the producer's).
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  virtual bool Write(std::string_view data) = 0;
};

struct HttpRequest {
  std::string method;         // "GET", "POST", ...
  std::string path;           // target before '?', still percent-encoded
  std::string query;          // target after '?', without it; still percent-encoded
  std::string authorization;  // the Authorization header, as sent
  std::string content_type;   // the Content-Type header, as sent
  std::string if_none_match;  // the If-None-Match header, as sent (the dashboard's ETags)
  std::string body;           // empty for streaming requests: read body_reader instead
  // Set for streaming requests only (Router::IsStreaming); owned by the session.
  BodyReader* body_reader = nullptr;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra: Allow, Retry-After, ...
  bool close = false;  // close the connection after this response
  // A streamed body: when set, `body` is ignored, the head goes out with chunked encoding
  // (HTTP/1.1; HTTP/1.0 gets no length and a close) and the session calls stream(writer) on the
  // stream pool. Return true when the whole body was written: the terminating chunk follows.
  // Return false to abort: the connection is closed without it, so the client sees a truncated
  // transfer rather than a short one that looks complete.
  std::function<bool(BodyWriter& writer)> stream;
};

}  // namespace contactd::net
