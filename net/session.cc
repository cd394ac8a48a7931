// One HTTP/1.1 connection; see net/session.h.
#include "net/session.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include "net/errors.h"

namespace contactd::net::internal {

namespace {

constexpr size_t kReadSize = 8192;
// After an error response with input left unread, how long we keep draining it at most.
constexpr std::chrono::milliseconds kMaxLinger{2000};
// The same after a 503 for the connection limit: short, since the slot is wanted.
constexpr std::chrono::milliseconds kRejectLinger{200};
// How many eviction candidates one scan of the sessions collects.
constexpr size_t kEvictionBatch = 64;

constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";

void AppendNumber(std::string* out, uint64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end);
}

// Header text from the handler must not smuggle a line break into the response.
bool IsSafeHeaderText(std::string_view s) { return s.find_first_of("\r\n") == s.npos; }

// A status that carries a body (and so a Content-Length).
bool StatusHasBody(int status) { return status >= 200 && status != 204 && status != 304; }

// Writes the status line and headers of `response` (a valid status) into `out`.
void SerializeHead(const HttpResponse& response, unsigned version, bool close, std::string* out) {
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
  if (StatusHasBody(response.status)) {
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

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

ServerContext::ServerContext(ServerOptions options, HttpServer::Handler handler,
                             HttpServer::IsBlocking is_blocking)
    : options(std::move(options)),
      handler(std::move(handler)),
      is_blocking(std::move(is_blocking)),
      ioc(std::max(1, this->options.threads)),
      blocking_pool(static_cast<size_t>(std::max(1, this->options.blocking_threads))) {}

void ServerContext::Register(Session* session) {
  std::lock_guard lock(mu);
  sessions.insert(session);
}

void ServerContext::Unregister(Session* session) {
  std::lock_guard lock(mu);
  sessions.erase(session);
  if (session->released()) --released;
}

bool ServerContext::AdmitConnection() {
  std::shared_ptr<Session> victim;
  {
    std::lock_guard lock(mu);
    if (sessions.size() - released < options.max_connections) return true;
    victim = ClaimEvictionLocked();
  }
  if (!victim) return false;
  asio::dispatch(victim->executor(), [victim] { victim->OnEvicted(); });
  return true;
}

std::shared_ptr<Session> ServerContext::ClaimEvictionLocked() {
  for (int pass = 0; pass < 2; ++pass) {
    while (!candidates_.empty()) {
      Candidate candidate = std::move(candidates_.back());
      candidates_.pop_back();
      std::shared_ptr<Session> session = candidate.session.lock();
      if (session && session->ClaimForEviction(candidate.since)) return session;
    }
    if (pass == 0) FindCandidatesLocked();
  }
  return nullptr;
}

void ServerContext::FindCandidatesLocked() {
  std::vector<std::pair<int64_t, Session*>> waiting;
  for (Session* session : sessions) {
    const int64_t since = session->waiting_since();
    if (since > 0) waiting.emplace_back(since, session);
  }
  const size_t n = std::min(kEvictionBatch, waiting.size());
  std::partial_sort(waiting.begin(), waiting.begin() + static_cast<ptrdiff_t>(n), waiting.end());
  candidates_.clear();
  for (size_t i = n; i-- > 0;) {  // oldest last
    // Empty when the session is being destroyed right now; its claim then fails.
    candidates_.push_back({waiting[i].first, waiting[i].second->weak_from_this()});
  }
}

void ServerContext::NotifySessionsOfStop() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu);
    live.reserve(sessions.size());
    for (Session* session : sessions) {
      // Empty when the session is being destroyed right now.
      if (auto shared = session->weak_from_this().lock()) live.push_back(std::move(shared));
    }
  }
  for (auto& session : live) {
    asio::dispatch(session->executor(), [session] { session->OnServerStop(); });
  }
}

Session::Session(ServerContext& ctx, tcp::socket socket)
    : ctx_(ctx),
      executor_(socket.get_executor()),
      socket_(std::move(socket)),
      timer_(executor_),
      max_linger_(kMaxLinger) {
  beast::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
}

Session::~Session() { ctx_.Unregister(this); }

void Session::Start() {
  // Registered only now: weak_from_this() is set once make_shared has returned.
  ctx_.Register(this);
  asio::dispatch(executor_, [self = shared_from_this()] { self->ReadRequest(); });
}

void Session::Reject() {
  ctx_.Register(this);
  Release();  // a 503 being written takes no slot
  asio::dispatch(executor_, [self = shared_from_this()] {
    self->max_linger_ = kRejectLinger;
    self->linger_ = true;  // the client may have sent a request already
    self->keep_alive_ = false;
    HttpResponse response =
        TransportErrorResponse(503, "Server is at its connection limit; try again later");
    response.headers.emplace_back("Retry-After", "1");
    self->Respond(std::move(response));
  });
}

void Session::OnServerStop() {
  if (phase_ == Phase::kIdle || phase_ == Phase::kLingering) Close();
}

bool Session::ClaimForEviction(int64_t since) {
  if (released_) return false;  // closing or rejected: holds no slot to take
  if (!waiting_since_.compare_exchange_strong(since, kEvicted, std::memory_order_relaxed)) {
    return false;
  }
  released_ = true;
  ++ctx_.released;
  return true;
}

void Session::Release() {
  std::lock_guard lock(ctx_.mu);
  if (released_) return;
  released_ = true;
  ++ctx_.released;
  waiting_since_.store(kEvicted, std::memory_order_relaxed);  // no claim can succeed now
}

void Session::OnEvicted() { Close(); }

void Session::EnterWait(Clock::time_point now) {
  // Only called when not waiting, so no claim can be overwritten.
  waiting_since_.store(std::max<int64_t>(1, now.time_since_epoch().count()),
                       std::memory_order_relaxed);
}

bool Session::LeaveWait() {
  return waiting_since_.exchange(kNotWaiting, std::memory_order_relaxed) != kEvicted;
}

// --- Reading ---

void Session::ReadRequest() {
  if (closed_) return;
  if (ctx_.stopping.load(std::memory_order_relaxed)) return CloseGracefully(false);
  const ServerOptions& options = ctx_.options;
  parser_.emplace();
  parser_->body_limit(options.body_limit);
  parser_->header_limit(static_cast<uint32_t>(std::min<size_t>(options.header_limit, UINT32_MAX)));
  timed_out_ = false;
  linger_ = false;
  head_request_ = false;
  const Clock::time_point now = Clock::now();
  EnterWait(now);
  if (buffer_.size() > 0) {  // a pipelined request is already here
    StartRequest(now);
    return ParseHeader();
  }
  phase_ = Phase::kIdle;
  // A new connection that sends nothing is a slowloris too: the header timeout bounds its wait.
  deadline_ = now + (served_any_ ? options.idle_timeout
                                 : std::min(options.idle_timeout, options.header_timeout));
  ArmTimer();
  socket_.async_read_some(
      buffer_.prepare(kReadSize),
      [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnFirstBytes(ec, n); });
}

void Session::OnFirstBytes(beast::error_code ec, size_t n) {
  // EOF, reset, idle timeout or stop: nothing to answer.
  if (ec || closed_) return Close();
  buffer_.commit(n);
  StartRequest(Clock::now());
  ParseHeader();
}

void Session::StartRequest(Clock::time_point now) {
  phase_ = Phase::kReading;
  request_start_ = now;
  deadline_ = now + std::min(ctx_.options.header_timeout, ctx_.options.read_timeout);
}

void Session::ParseHeader() {
  // Usually the whole request came with the first read: parse it without another operation.
  beast::error_code ec;
  while (!parser_->is_header_done() && buffer_.size() > 0) {
    size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more) break;
    if (ec) return OnReadError(ec);
  }
  if (parser_->is_header_done()) return OnHeader();
  ArmTimer();
  http::async_read_header(socket_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) return self->OnReadError(ec);
                            self->OnHeader();
                          });
}

void Session::OnHeader() {
  // Claimed for eviction meanwhile: go quietly.
  if (!LeaveWait()) return Close();
  served_any_ = true;
  deadline_ = request_start_ + ctx_.options.read_timeout;  // now for the body
  const auto& message = parser_->get();
  version_ = message.version();
  keep_alive_ = parser_->keep_alive();
  head_request_ = message.method() == http::verb::head;
  // Boost 1.74 accepts some of these combinations; they are request-smuggling material.
  const bool has_transfer_encoding = message.count(http::field::transfer_encoding) > 0;
  if (has_transfer_encoding && message.count(http::field::content_length) > 0) {
    return Fail(400, "Request has both Content-Length and Transfer-Encoding");
  }
  if (has_transfer_encoding && !parser_->chunked()) {
    return Fail(400, "Unsupported Transfer-Encoding");
  }
  if (parser_->is_done()) return OnRequest();
  if (version_ >= 11 && buffer_.size() == 0 &&
      beast::iequals(message[http::field::expect], "100-continue")) {
    ArmTimer();
    asio::async_write(socket_, asio::buffer(k100Continue),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  parser_->eager(true);
  beast::error_code ec;
  while (!parser_->is_done() && buffer_.size() > 0) {
    size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more) break;
    if (ec) return OnReadError(ec);
    if (used == 0) break;
  }
  if (parser_->is_done()) return OnRequest();
  ArmTimer();
  http::async_read(socket_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     if (ec) return self->OnReadError(ec);
                     self->OnRequest();
                   });
}

void Session::OnReadError(beast::error_code ec) {
  if (closed_) return;
  if (timed_out_) return Fail(408, "Request timed out");
  if (ec == http::error::body_limit) return Fail(413, BodyLimitMessage(ctx_.options.body_limit));
  if (ec == http::error::header_limit) {
    return Fail(431, "Request header fields too large: the limit is " +
                         std::to_string(ctx_.options.header_limit) + " bytes");
  }
  if (IsParseError(ec)) return Fail(400, "Malformed HTTP request");
  Close();  // the peer went away (EOF mid-request, reset)
}

// --- Handling and writing ---

void Session::OnRequest() {
  auto& message = parser_->get();
  request_.method.assign(message.method_string());
  std::string_view target = message.target();
  size_t question = target.find('?');
  if (question == target.npos) {
    request_.path.assign(target);
    request_.query.clear();
  } else {
    request_.path.assign(target.substr(0, question));
    request_.query.assign(target.substr(question + 1));
  }
  request_.authorization.assign(message[http::field::authorization]);
  request_.content_type.assign(message[http::field::content_type]);
  request_.body = std::move(message.body());
  parser_.reset();

  phase_ = Phase::kHandling;
  bool blocking = false;
  if (ctx_.is_blocking) {
    try {
      blocking = ctx_.is_blocking(request_);
    } catch (...) {
      return Respond(TransportErrorResponse(500, "Internal error"));
    }
  }
  if (!blocking) return Respond(Invoke());
  // The pool job keeps the io_context running (Run() waits for it) until its completion is
  // queued on the session's executor.
  asio::post(ctx_.blocking_pool,
             [self = shared_from_this(), work = asio::make_work_guard(ctx_.ioc)]() mutable {
               HttpResponse response = self->Invoke();
               asio::post(self->executor_, [self, response = std::move(response)]() mutable {
                 self->Respond(std::move(response));
               });
               work.reset();
             });
}

HttpResponse Session::Invoke() {
  try {
    return ctx_.handler(request_);
  } catch (...) {
    return TransportErrorResponse(500, "Internal error");
  }
}

void Session::Fail(int http_status, std::string_view message) {
  // Claimed for eviction meanwhile: go quietly.
  if (!LeaveWait()) return Close();
  linger_ = true;  // the rest of the request, if any, is unread
  keep_alive_ = false;
  Respond(TransportErrorResponse(http_status, message));
}

void Session::Respond(HttpResponse response) {
  if (closed_) return;
  response_ = std::move(response);
  if (response_.status < 100 || response_.status > 999) response_.status = 500;
  close_after_write_ =
      response_.close || !keep_alive_ || ctx_.stopping.load(std::memory_order_relaxed);
  SerializeHead(response_, version_, close_after_write_, &head_);
  const bool send_body = StatusHasBody(response_.status) && !head_request_;
  std::array<asio::const_buffer, 2> buffers{
      asio::buffer(head_), send_body ? asio::buffer(response_.body) : asio::const_buffer()};

  phase_ = Phase::kWriting;
  SetDeadline(std::max(ctx_.options.read_timeout, ctx_.options.idle_timeout));
  ArmTimer();
  asio::async_write(socket_, buffers, [self = shared_from_this()](beast::error_code ec, size_t) {
    self->OnWritten(ec);
  });
}

void Session::OnWritten(beast::error_code ec) {
  if (ec || closed_) return Close();
  if (close_after_write_) return CloseGracefully(linger_);
  ReadRequest();
}

// --- Closing and timeouts ---

void Session::CloseGracefully(bool linger) {
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (!linger || ec || ctx_.stopping.load(std::memory_order_relaxed)) return Close();
  // Drain what the client still sends so that closing does not reset the connection (which
  // could destroy our response in the client's receive buffer before it reads it).
  phase_ = Phase::kLingering;
  Release();  // the response is out; a closing connection holds no slot
  SetDeadline(std::min<std::chrono::milliseconds>(ctx_.options.read_timeout, max_linger_));
  ArmTimer();
  buffer_.clear();
  Drain();
}

void Session::Drain() {
  socket_.async_read_some(buffer_.prepare(kReadSize),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec || self->closed_) return self->Close();
                            self->Drain();
                          });
}

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  Release();
  beast::error_code ignored;
  socket_.close(ignored);
  ++timer_generation_;
  timer_armed_ = false;
  timer_.cancel();
}

void Session::ArmTimer() {
  if (timer_armed_ && timer_expiry_ <= deadline_) return;  // fires in time; OnTimer re-checks
  timer_armed_ = true;
  timer_expiry_ = deadline_;
  timer_.expires_at(deadline_);  // a pending wait completes with operation_aborted
  timer_.async_wait([self = shared_from_this(), generation = ++timer_generation_](
                        beast::error_code ec) { self->OnTimer(generation, ec); });
}

void Session::OnTimer(uint64_t generation, beast::error_code ec) {
  if (ec || closed_ || generation != timer_generation_) return;
  timer_armed_ = false;
  if (phase_ == Phase::kHandling) return;  // no deadline; the response re-arms
  if (Clock::now() < deadline_) return ArmTimer();
  if (phase_ == Phase::kReading) {
    // Mid-request: cancel the read; its completion answers 408.
    timed_out_ = true;
    beast::error_code ignored;
    socket_.cancel(ignored);
    return;
  }
  Close();  // idle, writing or lingering
}

}  // namespace contactd::net::internal
