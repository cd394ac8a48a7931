// Fuzz target: the whole request path in memory, bytes in and response out.
//
// Each input is a byte stream of pipelined HTTP/1.1 requests on one connection. Every input starts
// from the same world (fuzz_world.h: an Engine on MemoryStorage with two workspaces, chatbots,
// attributes, keys and contacts; rebuilt after any input that committed a change), so every
// input replays alone and a crash reproduces from the saved file. Requests are parsed with Beast's
// request_parser under the server's limits (16 MiB body, 16 KiB header) and checked as
// net/session.cc checks them (Content-Length with Transfer-Encoding is 400); each parsed request
// goes through Router::Handle (the route table, authentication, handlers, engine) and its response
// is serialized with Beast. Up to kMaxRequests requests are served; an HTTP error ends the
// connection as the server would.
//
// Bearer tokens that name a placeholder ("op", "admin", "member", "scoped", "revoked", "other")
// are replaced by that real key.
//
// Invariants: no 5xx from the router (MemoryStorage never fails, so no 503 either); every body
// but the dashboard's files is a JSON object with a non-empty "message" string; no header carries
// CR or LF; a response to a key of one tenant never holds another tenant's marker (unless the input
// could have written it).
//
// Thread-safety: libFuzzer calls it from one thread.
#include <simdjson.h>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "net/api.h"
#include "net/router.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

namespace http = boost::beast::http;
using contactd::net::HttpRequest;
using contactd::net::HttpResponse;

constexpr size_t kBodyLimit = size_t{16} << 20;  // the server's defaults (net/server.h)
constexpr uint32_t kHeaderLimit = uint32_t{16} << 10;
constexpr int kMaxRequests = 8;

struct Parsed {
  std::optional<HttpRequest> request;  // set when a whole, acceptable request was read
  int error_status = 0;                // else the HTTP layer's answer (0: incomplete, no answer)
  size_t used = 0;                     // bytes consumed
};

// Reads one request from `in` as net/session.cc does: the header, its checks, then the body.
Parsed ParseOne(std::string_view in) {
  Parsed out;
  http::request_parser<http::string_body> parser;
  parser.body_limit(kBodyLimit);
  parser.header_limit(kHeaderLimit);
  boost::beast::error_code ec;
  // The header loop stops at the end of the header, as the server's does. It used to go on into
  // the body, and a body of "0\r\n" then got need_more there and was put again, unchanged, by the
  // body loop: Beast 1.74 asserts on that (a put() after need_more must bring more bytes).
  auto put = [&](bool header) {
    while (!(header ? parser.is_header_done() : parser.is_done()) && out.used < in.size()) {
      const size_t n =
          parser.put(boost::asio::buffer(in.data() + out.used, in.size() - out.used), ec);
      out.used += n;
      if (ec || n == 0) return;
    }
  };
  auto error_status = [&] {
    if (ec == http::error::need_more) return 0;  // incomplete: the server would wait (408)
    if (ec == http::error::body_limit) return 413;
    if (ec == http::error::header_limit) return 431;
    return 400;
  };
  put(/*header=*/true);
  if (!parser.is_header_done()) return out.error_status = ec ? error_status() : 0, out;
  const auto& message = parser.get();
  const bool has_te = message.count(http::field::transfer_encoding) > 0;
  if (has_te && (message.count(http::field::content_length) > 0 || !parser.chunked())) {
    return out.error_status = 400, out;
  }
  ec = {};
  parser.eager(true);
  put(/*header=*/false);
  if (ec) return out.error_status = error_status(), out;
  if (!parser.is_done()) return out;
  HttpRequest r;
  r.method.assign(message.method_string());
  const std::string_view target = message.target();
  const size_t question = target.find('?');
  r.path.assign(target.substr(0, question));
  if (question != target.npos) r.query.assign(target.substr(question + 1));
  r.authorization.assign(message[http::field::authorization]);
  r.content_type.assign(message[http::field::content_type]);
  r.body = parser.release().body();
  out.request = std::move(r);
  return out;
}

bool IsSafeHeaderText(std::string_view s) { return s.find_first_of("\r\n") == s.npos; }

std::string Describe(const HttpRequest& req, const HttpResponse& res) {
  return req.method + " " + req.path + "?" + req.query + " -> " + std::to_string(res.status) + " " +
         res.body;
}

void CheckBody(const HttpRequest& req, const HttpResponse& res) {
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  FUZZ_CHECK(parser.parse(res.body).get(doc) == simdjson::SUCCESS, Describe(req, res));
  std::string_view message;
  FUZZ_CHECK(doc.is_object() && doc["message"].get(message) == simdjson::SUCCESS,
             Describe(req, res));
  FUZZ_CHECK(!message.empty(), Describe(req, res));
}

// A tenant's marker in a response to another tenant's key is a leak; skipped when the input
// itself could have written the marker (literally or through escapes).
void CheckIsolation(std::string_view input, std::string_view token, const HttpRequest& req,
                    const HttpResponse& res) {
  using contactd::fuzz::kMarkerBot2;
  using contactd::fuzz::kMarkerDefault;
  using contactd::fuzz::kMarkerOther;
  if (input.find('\\') != input.npos || input.find("MARK") != input.npos) return;
  auto leaks = [&](std::string_view marker) { return res.body.find(marker) != res.body.npos; };
  if (token == "other") {
    FUZZ_CHECK(!leaks(kMarkerDefault) && !leaks(kMarkerBot2), Describe(req, res));
  } else if (token == "scoped") {
    FUZZ_CHECK(!leaks(kMarkerBot2) && !leaks(kMarkerOther), Describe(req, res));
  } else if (token == "revoked" || token.empty()) {
    FUZZ_CHECK(!leaks(kMarkerDefault) && !leaks(kMarkerBot2) && !leaks(kMarkerOther),
               Describe(req, res));
  } else {
    FUZZ_CHECK(!leaks(kMarkerOther), Describe(req, res));
  }
}

// Serializes the response as the server sends it.
std::string Serialize(const HttpResponse& res) {
  http::response<http::string_body> out;
  out.result(static_cast<unsigned>(res.status));
  out.set(http::field::content_type, res.content_type);
  for (const auto& [name, value] : res.headers) out.set(name, value);
  out.body() = res.body;
  out.prepare_payload();
  std::ostringstream os;
  os << out;
  return std::move(os).str();
}

// The world and the route table over it. Rebuilt after an input that changed the world, so
// that every input starts from the same state (and a saved input reproduces alone), while the
// many inputs that change nothing (reads, rejected requests) skip the set-up.
struct Server {
  Server()
      : world(contactd::fuzz::FuzzWorld::Make()),
        api(&world->engine()),
        router(
            api.Routes(),
            [this](std::string_view key) { return world->engine().Authenticate(key); }, nullptr) {}

  std::unique_ptr<contactd::fuzz::FuzzWorld> world;
  contactd::net::Api api;
  contactd::net::Router router;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<Server> server;
  if (!server) server = std::make_unique<Server>();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  std::string_view rest = input;
  for (int i = 0; i < kMaxRequests && !rest.empty(); ++i) {
    Parsed parsed = ParseOne(rest);
    if (!parsed.request) break;  // an HTTP-layer error or an incomplete request ends the input
    rest.remove_prefix(parsed.used);
    HttpRequest& req = *parsed.request;
    const std::string token(contactd::net::BearerToken(req.authorization));
    if (!token.empty()) req.authorization = "Bearer " + std::string(server->world->KeyFor(token));

    const HttpResponse res = server->router.Handle(req);
    FUZZ_CHECK(res.status >= 200 && res.status < 500, Describe(req, res));
    FUZZ_CHECK(IsSafeHeaderText(res.content_type), Describe(req, res));
    for (const auto& [name, value] : res.headers) {
      FUZZ_CHECK(!name.empty() && IsSafeHeaderText(name) && IsSafeHeaderText(value),
                 Describe(req, res));
    }
    // The dashboard's files (net/admin_assets.h) are HTML, JavaScript and CSS, and its 304 and
    // 308 answers carry none; its errors are JSON like every other.
    const bool dashboard_file =
        (req.path == "/admin" || req.path.starts_with("/admin/")) && res.status < 400;
    if (!dashboard_file) CheckBody(req, res);
    CheckIsolation(input, token, req, res);
    FUZZ_CHECK(!Serialize(res).empty(), Describe(req, res));
  }
  if (server->world->changed()) server.reset();
  return 0;
}
