// RawHttpConnection: a blocking loopback TCP connection for HTTP tests that need control over the
// bytes on the wire: large bodies sent piece by piece (never held whole), requests that stop half
// way, and responses read as they are framed (Content-Length, chunked or close-delimited), with
// interim 1xx responses and the chunk framing reported instead of hidden.
//
// Every wait is bounded by the connection's timeout (5 s by default), so a misbehaving server
// fails a test instead of hanging it.
//
// Thread-safety: one thread at a time per connection.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace contactd::testing {

// One response as read off the wire.
struct RawHttpResponse {
  int status = 0;                              // 0: none could be read (see `error`)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;  // decoded (chunk framing removed); empty when a body sink was given
  uint64_t body_bytes = 0;
  bool chunked = false;
  size_t chunks = 0;          // data chunks received (chunked only)
  bool complete = false;      // the body ended as framed (terminating chunk, full length)
  bool saw_continue = false;  // a "100 Continue" came before this response
  bool closed = false;        // the server closed the connection (EOF) while or after reading
  std::string error;          // what went wrong, when something did
};

class RawHttpConnection {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects to 127.0.0.1:port. `receive_buffer` > 0 sets SO_RCVBUF before connecting (a small
  // one makes a client that stops reading stall the server quickly).
  explicit RawHttpConnection(uint16_t port,
                             std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
                             int receive_buffer = 0)
      : fd_(socket(AF_INET, SOCK_STREAM, 0)), timeout_(timeout) {
    if (receive_buffer > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawHttpConnection() { close(fd_); }
  RawHttpConnection(const RawHttpConnection&) = delete;
  RawHttpConnection& operator=(const RawHttpConnection&) = delete;

  bool connected() const { return connected_; }

  // Sends all of `bytes`; false on error or when the peer does not take them within the timeout.
  bool Send(std::string_view bytes) {
    const Clock::time_point deadline = Clock::now() + timeout_;
    while (!bytes.empty()) {
      if (!WaitFor(POLLOUT, deadline)) return false;
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Sends `size` bytes of Content(offset) in pieces of `piece` bytes, chunk-framed when
  // `chunked` (then piece sizes vary around `piece` to move chunk boundaries around, and the
  // terminating chunk is sent at the end).
  bool SendBody(uint64_t size, size_t piece, bool chunked) {
    std::string buf;
    uint64_t offset = 0;
    size_t round = 0;
    while (offset < size) {
      size_t n = chunked ? piece / 2 + (round++ * 7919) % piece + 1 : piece;
      n = static_cast<size_t>(std::min<uint64_t>(n, size - offset));
      buf.clear();
      if (chunked) {
        char hex[24];
        const int len = std::snprintf(hex, sizeof(hex), "%zx\r\n", n);
        buf.append(hex, static_cast<size_t>(len));
      }
      AppendContent(offset, n, &buf);
      if (chunked) buf.append("\r\n");
      if (!Send(buf)) return false;
      offset += n;
    }
    return !chunked || Send("0\r\n\r\n");
  }

  // Reads one response (after any 1xx). `head_only` for responses to HEAD. `sink`, when set,
  // receives the body instead of RawHttpResponse::body.
  RawHttpResponse ReadResponse(bool head_only = false,
                               const std::function<void(std::string_view)>& sink = nullptr) {
    RawHttpResponse r;
    for (;;) {
      std::string head;
      if (!ReadHead(&head, &r)) return r;
      ParseHead(head, &r);
      if (r.status == 100) {
        r.saw_continue = true;
        r.headers.clear();
        continue;
      }
      break;
    }
    if (r.status == 0) {
      r.error = "unparsable status line";
      return r;
    }
    if (head_only || r.status == 204 || r.status == 304) {
      r.complete = true;
      return r;
    }
    auto deliver = [&](std::string_view data) {
      r.body_bytes += data.size();
      if (sink) {
        sink(data);
      } else {
        r.body.append(data);
      }
    };
    auto te = r.headers.find("transfer-encoding");
    if (te != r.headers.end() && te->second == "chunked") {
      r.chunked = true;
      for (;;) {
        std::string line;
        if (!ReadLine(&line, &r)) return r;
        const uint64_t n = std::strtoull(line.c_str(), nullptr, 16);
        if (n == 0) {
          std::string trailer;
          if (!ReadLine(&trailer, &r)) return r;
          r.complete = trailer.empty();
          return r;
        }
        ++r.chunks;
        if (!ReadExactly(n, deliver, &r)) return r;
        std::string crlf;
        if (!ReadLine(&crlf, &r) || !crlf.empty()) return r;
      }
    }
    auto length = r.headers.find("content-length");
    if (length != r.headers.end()) {
      r.complete = ReadExactly(std::strtoull(length->second.c_str(), nullptr, 10), deliver, &r);
      return r;
    }
    // Close-delimited.
    while (Fill(&r)) {
      deliver(pending_);
      pending_.clear();
    }
    r.complete = r.closed;
    return r;
  }

  // Reads what arrives within `wait` into `out`; false once the server closed the connection.
  bool ReceiveFor(std::chrono::milliseconds wait, std::string* out) {
    out->append(pending_);
    pending_.clear();
    const Clock::time_point deadline = Clock::now() + wait;
    char buf[16384];
    while (WaitFor(POLLIN, deadline)) {
      const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return false;
      out->append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  // Whether the server ends the connection (EOF or reset) within `wait`, discarding input; sets
  // `*reset` when it was a reset rather than an orderly close.
  bool WaitClosed(std::chrono::milliseconds wait, bool* reset = nullptr) {
    const Clock::time_point deadline = Clock::now() + wait;
    char buf[16384];
    while (WaitFor(POLLIN, deadline)) {
      const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0) {
        if (reset) *reset = errno == ECONNRESET;
        return true;
      }
    }
    return false;
  }

  // The deterministic body content at `offset` (a xorshift stream per 8-byte word), so that any
  // lost, duplicated or reordered byte changes the checksum.
  static void AppendContent(uint64_t offset, size_t n, std::string* out) {
    for (size_t i = 0; i < n; ++i) out->push_back(ContentByte(offset + i));
  }
  static char ContentByte(uint64_t offset) {
    uint64_t x = (offset / 8) * 0x9E3779B97F4A7C15ull + 1;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return static_cast<char>(x >> ((offset % 8) * 8));
  }

 private:
  bool WaitFor(short events, Clock::time_point deadline) {
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, events, 0};
      const int rc = poll(&p, 1, static_cast<int>(left.count()));
      if (rc > 0) return true;
      if (rc == 0) return false;
      if (errno != EINTR) return false;
    }
  }
  // Appends received bytes to pending_; false on EOF, error or timeout (`r` says which).
  bool Fill(RawHttpResponse* r) {
    if (!WaitFor(POLLIN, Clock::now() + timeout_)) {
      r->error = "timed out waiting for the server";
      return false;
    }
    char buf[65536];
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n == 0) {
      r->closed = true;
      return false;
    }
    if (n < 0) {
      r->closed = true;
      r->error = std::string("recv: ") + std::strerror(errno);
      return false;
    }
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }
  bool ReadHead(std::string* head, RawHttpResponse* r) {
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(r)) {
        if (r->error.empty()) r->error = "connection closed before a response head";
        return false;
      }
    }
    head->assign(pending_, 0, end + 2);
    pending_.erase(0, end + 4);
    return true;
  }
  bool ReadLine(std::string* line, RawHttpResponse* r) {
    size_t end;
    while ((end = pending_.find("\r\n")) == std::string::npos) {
      if (!Fill(r)) return false;
    }
    line->assign(pending_, 0, end);
    pending_.erase(0, end + 2);
    return true;
  }
  bool ReadExactly(uint64_t n, const std::function<void(std::string_view)>& deliver,
                   RawHttpResponse* r) {
    while (n > 0) {
      if (pending_.empty() && !Fill(r)) return false;
      const size_t take = static_cast<size_t>(std::min<uint64_t>(n, pending_.size()));
      deliver(std::string_view(pending_).substr(0, take));
      pending_.erase(0, take);
      n -= take;
    }
    return true;
  }
  static void ParseHead(const std::string& head, RawHttpResponse* r) {
    size_t pos = head.find("\r\n");
    const std::string status_line = head.substr(0, pos);
    if (status_line.rfind("HTTP/1.", 0) == 0 && status_line.size() >= 12) {
      r->status = std::atoi(status_line.c_str() + 9);
    }
    while (pos != std::string::npos && pos + 2 < head.size()) {
      const size_t start = pos + 2;
      pos = head.find("\r\n", start);
      const std::string line = head.substr(start, pos - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value = colon + 1;
      while (value < line.size() && line[value] == ' ') ++value;
      r->headers[name] = line.substr(value);
    }
  }

  int fd_;
  bool connected_ = false;
  std::chrono::milliseconds timeout_;
  std::string pending_;  // received, not consumed yet
};

}  // namespace contactd::testing
