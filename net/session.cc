// One HTTP/1.1 connection; see net/session.h.
#include "net/session.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "net/errors.h"
#include "net/response_head.h"

namespace contactd::net::internal {

namespace {

constexpr size_t kReadSize = 8192;
// A body arrives in larger reads (Beast's composed reads used 64 KiB).
constexpr size_t kBodyReadSize = 65536;
// Beast 1.74 asserts (in builds with assertions) when, after need_more, a chunked body's put()
// resumes its last chunk with fewer than 5 bytes: "0\r\n" then "\r" aborted the server. A last
// chunk is never shorter ("0\r\n\r\n") and stays unconsumed until complete, so after need_more
// the body loops wait for this many bytes, which never delays a valid body.
constexpr size_t kLastChunkBytes = 5;
// After an error response with input left unread, how long we keep draining it at most.
constexpr std::chrono::milliseconds kMaxLinger{2000};
// The same after a 503 for the connection limit: short, since the slot is wanted.
constexpr std::chrono::milliseconds kRejectLinger{200};
constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";
// "No limit" for a parser. Not boost::none: Beast 1.74 compares a Content-Length with the optional
// limit, and any value compares greater than none.
constexpr uint64_t kNoBodyLimit = UINT64_MAX;
constexpr std::string_view kLastChunk = "0\r\n\r\n";

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

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
  ctx_.Register(this, /*waiting=*/true);
  asio::dispatch(executor_, [self = shared_from_this()] { self->ReadRequest(); });
}

void Session::Reject() {
  ctx_.Register(this, /*waiting=*/false);
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
  ctx_.UnlinkUnservedLocked(this);
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

template <class Next>
void Session::ReadSome(size_t max, Next next) {
  if (timed_out_ || closed_) return next(asio::error::operation_aborted);
  // `self` keeps the session alive while `next` (which uses `this`) waits.
  socket_.async_read_some(buffer_.prepare(max), [self = shared_from_this(), next = std::move(next)](
                                                    beast::error_code ec, size_t n) mutable {
    self->buffer_.commit(n);
    if (self->timed_out_ || self->closed_) ec = asio::error::operation_aborted;
    next(ec);
  });
}

size_t Session::MinBodyPut(bool chunked) const {
  return chunked && need_more_ ? kLastChunkBytes : 1;
}

void Session::ReadRequest() {
  if (closed_) return;
  if (ctx_.stopping.load(std::memory_order_relaxed)) return CloseGracefully(false);
  const ServerOptions& options = ctx_.options;
  parser_.emplace();
  // A streaming request's Content-Length is checked against its own limit once the header says
  // which kind the request is (OnHeader); the normal limit is applied there too.
  if (ctx_.is_streaming) {
    parser_->body_limit(kNoBodyLimit);
  } else {
    parser_->body_limit(options.body_limit);
  }
  parser_->header_limit(static_cast<uint32_t>(std::min<size_t>(options.header_limit, UINT32_MAX)));
  timed_out_ = false;
  need_more_ = false;
  linger_ = false;
  head_request_ = false;
  const Clock::time_point now = Clock::now();
  // Before the first request the wait began at registration (and may have been claimed since).
  if (served_any_) EnterWait(now);
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
  if (!served_any_ && !partial_) {
    partial_ = true;
    ctx_.MarkPartial(this);
  }
  ArmTimer();
  ReadSome(kReadSize, [this](beast::error_code ec) {
    if (ec) return OnReadError(ec);
    ParseHeader();
  });
}

void Session::OnHeader() {
  // Claimed for eviction meanwhile: go quietly.
  if (!LeaveWait()) return Close();
  if (!served_any_) {
    served_any_ = true;
    ctx_.MarkServed(this);
  }
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
  if (ctx_.is_streaming) {
    FillRequestHead();
    bool streaming = false;
    try {
      streaming = ctx_.is_streaming(request_);
    } catch (...) {
      return Fail(500, "Internal error");
    }
    if (streaming) return StartStreaming();
    const size_t limit = ctx_.options.body_limit;
    if (auto length = parser_->content_length(); length && *length > limit) {
      return Fail(413, BodyLimitMessage(limit));
    }
    parser_->body_limit(limit);
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
  while (!parser_->is_done() && buffer_.size() >= MinBodyPut(parser_->chunked())) {
    size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    need_more_ = ec == http::error::need_more;
    if (need_more_) break;
    if (ec) return OnReadError(ec);
    if (used == 0) break;
  }
  if (parser_->is_done()) return OnRequest();
  ArmTimer();
  ReadSome(kBodyReadSize, [this](beast::error_code ec) {
    if (ec) return OnReadError(ec);
    ReadBody();
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

void Session::FillRequestHead() {
  const auto& message = parser_->get();
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
  request_.if_none_match.assign(message[http::field::if_none_match]);
  request_.body.clear();
  request_.body_reader = nullptr;
}

void Session::OnRequest() {
  FillRequestHead();
  request_.body = std::move(parser_->get().body());
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
  // Streamed bodies are written by a stream-pool thread (WriteStreamHead); a handler elsewhere
  // must not ask for one.
  if (response_.stream) response_ = TransportErrorResponse(500, "Internal error");
  if (response_.status < 100 || response_.status > 999) response_.status = 500;
  close_after_write_ =
      response_.close || !keep_alive_ || ctx_.stopping.load(std::memory_order_relaxed);
  SerializeHead(response_, version_, close_after_write_, /*streamed=*/false, &head_);
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

// --- Streaming requests and responses ---

void Session::StartStreaming() {
  body_done_ = parser_->is_done();
  send_continue_ = version_ >= 11 && !body_done_ &&
                   beast::iequals(parser_->get()[http::field::expect], "100-continue");
  stream_failed_ = false;
  stream_failure_ = {};
  chunked_ = false;
  if (!body_done_) {
    const size_t limit = ctx_.options.stream_body_limit;
    const auto length = parser_->content_length();
    // The header is done and no body byte is parsed yet: the parser can change its body type.
    stream_parser_.emplace(std::move(*parser_));
    stream_parser_->eager(true);
    if (limit == 0) {
      stream_parser_->body_limit(kNoBodyLimit);
    } else {
      stream_parser_->body_limit(limit);
      if (length && *length > limit) {  // known now; the first Read() reports it
        stream_failed_ = true;
        stream_failure_ = {413, BodyLimitMessage(limit)};
      }
    }
  }
  parser_.reset();
  reader_.Reset();
  request_.body_reader = &reader_;
  // Every stream thread may be busy with a long transfer: the request waits for one at most the
  // read timeout, then gets 503 (OnTimer).
  phase_ = Phase::kQueued;
  stream_job_.store(kJobQueued);
  SetDeadline(ctx_.options.read_timeout);
  ArmTimer();
  // The job keeps the io_context running (Run() waits for it) while it hands work to the
  // session's executor.
  asio::post(ctx_.stream_pool,
             [self = shared_from_this(), work = asio::make_work_guard(ctx_.ioc)]() mutable {
               uint8_t queued = kJobQueued;
               if (self->stream_job_.compare_exchange_strong(queued, kJobRunning)) {
                 self->RunStreamHandler();
               }
               work.reset();
             });
}

void Session::StreamQueueExpired() {
  uint8_t queued = kJobQueued;
  if (!stream_job_.compare_exchange_strong(queued, kJobExpired)) {
    phase_ = Phase::kHandling;  // the handler started meanwhile: it has no deadline
    return;
  }
  request_.body_reader = nullptr;
  stream_parser_.reset();
  linger_ = true;  // the body is unread
  keep_alive_ = false;
  HttpResponse response =
      TransportErrorResponse(503, "Every import and export thread is busy; try again later");
  response.headers.emplace_back("Retry-After", "1");
  Respond(std::move(response));
}

void Session::RunStreamHandler() {
  HttpResponse response = Invoke();
  request_.body_reader = nullptr;
  std::function<bool(BodyWriter&)> stream = std::move(response.stream);
  response.stream = nullptr;
  if (!stream || response.status < 200 || response.status > 999 ||
      !StatusHasBody(response.status)) {
    asio::post(executor_, [self = shared_from_this(), response = std::move(response)]() mutable {
      self->EndStreamRequest();
      self->Respond(std::move(response));
    });
    return;
  }
  const ptrdiff_t head = Call([self = shared_from_this(), response = std::move(response)] {
    self->EndStreamRequest();
    self->WriteStreamHead(response);
  });
  if (head < 0) return;  // the connection is closed
  bool complete = true;
  if (!head_request_) {
    StreamWriter writer(*this);
    try {
      complete = stream(writer);
    } catch (...) {
      complete = false;
    }
    complete = Wait() >= 0 && complete;  // the last part is on the wire
  }
  asio::post(executor_,
             [self = shared_from_this(), complete] { self->FinishStreamedResponse(complete); });
}

void Session::EndStreamRequest() {
  const bool body_read =
      body_done_ || (stream_parser_ && !stream_failed_ && stream_parser_->is_done());
  if (!body_read) {  // the rest of the body is unread: answer, then drain it and close
    keep_alive_ = false;
    linger_ = true;
  }
  stream_parser_.reset();
}

ptrdiff_t Session::StreamReader::Read(char* buf, size_t size) {
  if (failed_) return -1;
  if (done_ || size == 0) return 0;
  const ptrdiff_t n = session_.Call(
      [self = session_.shared_from_this(), buf, size] { self->StreamRead(buf, size); });
  if (n < 0) failed_ = true;
  if (n == 0) done_ = true;
  return n;
}

const TransportFailure& Session::StreamReader::failure() const { return session_.stream_failure_; }

void Session::StreamRead(char* buf, size_t size) {
  if (stream_failed_) return CompleteCall(-1);
  if (closed_) {
    stream_failed_ = true;
    stream_failure_ = {0, "The connection is closed"};
    return CompleteCall(-1);
  }
  if (body_done_ || stream_parser_->is_done()) return CompleteCall(0);
  timed_out_ = false;
  phase_ = Phase::kReading;
  SetDeadline(ctx_.options.read_timeout);  // per Read(): time without progress
  if (send_continue_) {
    send_continue_ = false;
    if (buffer_.size() == 0) {  // the client waits for it before sending the body
      ArmTimer();
      asio::async_write(socket_, asio::buffer(k100Continue),
                        [self = shared_from_this(), buf, size](beast::error_code ec, size_t) {
                          if (ec || self->closed_) return self->StreamReadFailed(ec);
                          self->StreamReadBody(buf, size);
                        });
      return;
    }
  }
  StreamReadBody(buf, size);
}

void Session::StreamReadBody(char* buf, size_t size) {
  stream_parser_->get().body().data = buf;
  stream_parser_->get().body().size = size;
  StreamParse(size);
}

void Session::StreamParse(size_t size) {
  auto& parser = *stream_parser_;
  // Bytes already received (read with the header, or past the previous buffer) go first.
  beast::error_code ec;
  while (!parser.is_done() && buffer_.size() >= MinBodyPut(parser.chunked())) {
    const size_t used = parser.put(buffer_.data(), ec);
    buffer_.consume(used);
    need_more_ = ec == http::error::need_more;
    if (ec == http::error::need_buffer || need_more_) {
      ec = {};
      break;
    }
    if (ec) return StreamReadFailed(ec);
    if (used == 0) break;
  }
  OnStreamRead({}, size);
}

void Session::OnStreamRead(beast::error_code ec, size_t size) {
  if (ec == http::error::need_buffer) ec = {};  // the caller's buffer is full
  if (ec || closed_) return StreamReadFailed(ec);
  auto& parser = *stream_parser_;
  const size_t n = size - parser.get().body().size;
  if (n > 0 || parser.is_done()) {
    phase_ = Phase::kHandling;  // no read timeout while the handler works
    return CompleteCall(static_cast<ptrdiff_t>(n));
  }
  // Nothing for the caller yet (or only chunk framing): read what the socket has, like read(2),
  // rather than waiting for a full buffer, so that a slow but steady upload keeps progressing.
  ArmTimer();
  ReadSome(kBodyReadSize, [this, size](beast::error_code ec) {
    if (ec || closed_) return StreamReadFailed(ec);
    StreamParse(size);
  });
}

void Session::StreamReadFailed(beast::error_code ec) {
  phase_ = Phase::kHandling;
  stream_failed_ = true;
  if (closed_) {
    stream_failure_ = {0, "The connection is closed"};
  } else if (timed_out_) {
    stream_failure_ = {408, "Request timed out"};
  } else if (ec == http::error::body_limit) {
    stream_failure_ = {413, BodyLimitMessage(ctx_.options.stream_body_limit)};
  } else if (IsParseError(ec)) {
    stream_failure_ = {400, "Malformed HTTP request body (bad chunked encoding)"};
  } else {  // EOF mid-body, reset: nobody to answer
    stream_failure_ = {0, "The client closed the connection: " + ec.message()};
    Close();
  }
  CompleteCall(-1);
}

void Session::WriteStreamHead(HttpResponse response) {
  if (closed_) return CompleteCall(-1);
  response_ = std::move(response);
  chunked_ = version_ >= 11;
  // HTTP/1.0 has no chunks: the end of the body is the end of the connection.
  close_after_write_ =
      response_.close || !keep_alive_ || !chunked_ || ctx_.stopping.load(std::memory_order_relaxed);
  SerializeHead(response_, version_, close_after_write_, /*streamed=*/true, &head_);
  phase_ = Phase::kWriting;
  SetDeadline(std::max(ctx_.options.read_timeout, ctx_.options.idle_timeout));
  ArmTimer();
  asio::async_write(
      socket_, asio::buffer(head_),
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnStreamWritten(ec); });
}

bool Session::StreamWriter::Write(std::string_view data) {
  if (session_.Wait() < 0) return false;  // the previous part failed
  if (data.empty()) return true;          // an empty chunk would end the body
  std::string& chunk = session_.chunk_;
  chunk.clear();
  if (session_.chunked_) {
    char size[24];
    auto [end, ec] = std::to_chars(size, size + sizeof(size), data.size(), 16);
    chunk.append(size, end).append("\r\n");
  }
  chunk.append(data);
  if (session_.chunked_) chunk.append("\r\n");
  session_.Post([self = session_.shared_from_this()] { self->WriteChunk(); });
  return true;
}

void Session::WriteChunk() {
  if (closed_) return CompleteCall(-1);
  phase_ = Phase::kWriting;
  SetDeadline(std::max(ctx_.options.read_timeout, ctx_.options.idle_timeout));
  ArmTimer();
  asio::async_write(
      socket_, asio::buffer(chunk_),
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnStreamWritten(ec); });
}

void Session::OnStreamWritten(beast::error_code ec) {
  phase_ = Phase::kHandling;  // no write deadline while the producer works
  if (ec || closed_) {
    Close();
    return CompleteCall(-1);
  }
  CompleteCall(0);
}

void Session::FinishStreamedResponse(bool complete) {
  if (closed_) return;
  // Aborted: close without the last chunk, so that the client sees a truncated body.
  if (!complete) return CloseGracefully(false);
  if (!chunked_ || head_request_) return OnWritten({});
  phase_ = Phase::kWriting;
  SetDeadline(std::max(ctx_.options.read_timeout, ctx_.options.idle_timeout));
  ArmTimer();
  asio::async_write(
      socket_, asio::buffer(kLastChunk),
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWritten(ec); });
}

void Session::Post(std::function<void()> start) {
  {
    std::lock_guard lock(call_mu_);
    call_pending_ = true;
  }
  asio::post(executor_, std::move(start));
}

ptrdiff_t Session::Wait() {
  std::unique_lock lock(call_mu_);
  call_cv_.wait(lock, [this] { return !call_pending_; });
  return call_result_;
}

void Session::CompleteCall(ptrdiff_t result) {
  std::lock_guard lock(call_mu_);
  call_pending_ = false;
  call_result_ = result;
  call_cv_.notify_one();
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
  if (phase_ == Phase::kQueued) return StreamQueueExpired();
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
