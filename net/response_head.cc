// Response heads; see net/response_head.h.
#include "net/response_head.h"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include <boost/beast/http/status.hpp>

namespace contactd::net::internal {
namespace {

namespace http = boost::beast::http;

void AppendNumber(std::string* out, uint64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end);
}

// Header text from the handler must not smuggle a line break into the response.
bool IsSafeHeaderText(std::string_view s) { return s.find_first_of("\r\n") == s.npos; }

}  // namespace

bool StatusHasBody(int status) { return status >= 200 && status != 204 && status != 304; }

void SerializeHead(const HttpResponse& response, unsigned version, bool close, bool streamed,
                   std::string* out) {
  out->clear();
  out->append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  AppendNumber(out, response.status);
  out->push_back(' ');
  http::status status = http::int_to_status(response.status);
  out->append(status == http::status::unknown ? std::string_view("Unknown")
                                              : http::obsolete_reason(status));
  out->append("\r\nServer: contactd\r\n");
  if (!response.content_type.empty() && IsSafeHeaderText(response.content_type)) {
    out->append("Content-Type: ").append(response.content_type).append("\r\n");
  }
  if (streamed) {
    if (version != 10) out->append("Transfer-Encoding: chunked\r\n");
  } else if (StatusHasBody(response.status)) {
    out->append("Content-Length: ");
    AppendNumber(out, response.body.size());
    out->append("\r\n");
  }
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !IsSafeHeaderText(name) || !IsSafeHeaderText(value)) continue;
    out->append(name).append(": ").append(value).append("\r\n");
  }
  if (close) {
    out->append("Connection: close\r\n");
  } else if (version == 10) {
    out->append("Connection: keep-alive\r\n");
  }
  out->append("\r\n");
}

std::string BodyLimitMessage(size_t limit) {
  std::string message = "Request body exceeds the limit of " + std::to_string(limit) + " bytes";
  constexpr double kMiB = 1024.0 * 1024.0;
  if (limit >= size_t{1} << 20) {
    char buf[48];
    std::snprintf(buf, sizeof(buf), " (%.4g MiB)", static_cast<double>(limit) / kMiB);
    message += buf;
  }
  return message;
}

}  // namespace contactd::net::internal
