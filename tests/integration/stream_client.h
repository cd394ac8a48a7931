// StreamClient: a raw-socket HTTP/1.1 client for the streamed import and export tests. It sends a
// request body generated on the fly with chunked encoding (so no test holds a whole large file)
// and reads a response body part by part (chunked or with Content-Length), optionally slowly, so
// a test can keep an export in progress while it writes.
//
// Every socket wait is bounded (SO_RCVTIMEO/SO_SNDTIMEO, 30 s by default).
//
// Thread-safety: one StreamClient per thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace contactd::testing {

struct StreamResult {
  int status = 0;                              // 0: no (complete) response head
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // unless a body callback took it
  bool complete = false;                       // the whole body arrived
  std::string error;
};

class StreamClient {
 public:
  explicit StreamClient(uint16_t port, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~StreamClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  // A smaller receive buffer makes a slow reader hold the server back sooner.
  void SetReceiveBuffer(int bytes) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }

  // Sends a request head; with `chunked`, Transfer-Encoding: chunked (then SendChunk/EndChunks).
  bool SendHead(std::string_view method, std::string_view target,
                const std::vector<std::pair<std::string, std::string>>& headers, bool chunked,
                size_t content_length = 0) {
    std::string head = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\n";
    head += "Host: 127.0.0.1\r\n";
    for (const auto& [k, v] : headers) head += k + ": " + v + "\r\n";
    if (chunked) {
      head += "Transfer-Encoding: chunked\r\n";
    } else if (method != "GET") {
      head += "Content-Length: " + std::to_string(content_length) + "\r\n";
    }
    head += "\r\n";
    return SendAll(head);
  }
  bool SendChunk(std::string_view data) {
    if (data.empty()) return true;
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return SendAll(size) && SendAll(data) && SendAll("\r\n");
  }
  bool EndChunks() { return SendAll("0\r\n\r\n"); }
  bool SendAll(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response. `on_body` (when set) receives the body in parts instead of `body`;
  // `pause` is slept after each part, to read slowly.
  StreamResult ReadResponse(const std::function<void(std::string_view)>& on_body = nullptr,
                            std::chrono::milliseconds pause = std::chrono::milliseconds(0)) {
    StreamResult r;
    if (!connected_) {
      r.error = "not connected";
      return r;
    }
    std::string line;
    if (!ReadLine(&line) || line.size() < 12) {
      r.error = "no status line";
      return r;
    }
    r.status = std::atoi(line.c_str() + 9);
    while (ReadLine(&line) && !line.empty()) {
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[name] = value;
    }
    auto deliver = [&](std::string_view part) {
      if (on_body) {
        on_body(part);
      } else {
        r.body.append(part);
      }
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
    };
    if (r.headers.count("transfer-encoding")) {
      while (ReadLine(&line)) {
        const size_t size = std::strtoull(line.c_str(), nullptr, 16);
        if (size == 0) {
          ReadLine(&line);  // the empty line after the last chunk
          r.complete = true;
          break;
        }
        if (!ReadExact(size, deliver) || !ReadLine(&line)) break;
      }
    } else if (r.headers.count("content-length")) {
      r.complete =
          ReadExact(std::strtoull(r.headers["content-length"].c_str(), nullptr, 10), deliver);
    }
    return r;
  }

 private:
  bool Fill() {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    char tmp[16384];
    const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  bool ReadLine(std::string* line) {
    while (true) {
      const size_t nl = buf_.find("\r\n", pos_);
      if (nl != std::string::npos) {
        line->assign(buf_, pos_, nl - pos_);
        pos_ = nl + 2;
        return true;
      }
      if (!Fill()) return false;
    }
  }
  template <typename F>
  bool ReadExact(size_t n, F&& deliver) {
    while (n > 0) {
      if (pos_ == buf_.size() && !Fill()) return false;
      const size_t take = std::min(n, buf_.size() - pos_);
      deliver(std::string_view(buf_).substr(pos_, take));
      pos_ += take;
      n -= take;
    }
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
  size_t pos_ = 0;
};

}  // namespace contactd::testing
