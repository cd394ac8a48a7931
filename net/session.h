// Session: one HTTP/1.1 connection of the HttpServer (net/server.h). Internal to net/; only
// server.cc and session.cc include this header (it pulls in Beast and Asio).
//
// A session loops: wait for the first byte of a request (idle timeout; on a new connection the
// header timeout if shorter), parse the header with a fresh request_parser (header and read
// timeouts from the first byte), check it, read the body, run the Handler (inline, or on the
// blocking pool when IsBlocking says so), write the response, repeat while keep-alive. Errors the
// HTTP layer finds are answered with TransportErrorResponse and the connection is closed; after
// such an error the unread input is drained for a short while ("lingering close") so that the
// client sees the response instead of a reset.
//
// Streaming requests (IsStreaming on the header) leave the body unread: the handler runs on the
// stream pool at once and reads the body through the session's BodyReader. Each Read() posts an
// incremental read (the parser converted to a buffer_body parser that fills the caller's buffer)
// onto the session's executor and blocks the pool thread until it completes; the read timeout
// runs from the start of each Read() (time without progress), the streaming body limit replaces
// the normal one, and "100 Continue" goes out on the first Read() only. Between reads the session
// is in kHandling: no timeout, no eviction. A handler that returns before the end of the body (or
// after a failed Read) has its own response sent with Connection: close, then the rest is
// drained. A response with HttpResponse::stream is written by the pool thread the same way: the
// head (chunked, or close-delimited for HTTP/1.0) and then one chunk per BodyWriter::Write, each
// posted to the executor with the write deadline, at most one in flight.
//
// Timeouts use one steady_timer per session, re-armed lazily: a phase only moves `deadline_`, and
// the timer is re-armed just before an asynchronous operation when it would fire too late. A small
// request that arrives in one read therefore costs no timer operation at all. A timeout during a
// read cancels it and sets `timed_out_`; every read is one socket read of ours (ReadSome), which
// checks that flag when it completes, so the timeout ends the request even when the read it
// meant to cancel had already completed (a client whose bytes never stop coming).
//
// Connection cap (see net/server.h): while a session waits for request bytes (idle, or reading a
// header) it publishes since when in the atomic `waiting_since_`; the listener reads these to pick
// whom to evict and claims it with a compare-and-swap to kEvicted. A claimed session closes as
// soon as its executor runs OnEvicted(), or earlier if it leaves the wait first (it sees the claim
// when it resets `waiting_since_`), so a claim always frees a slot. Sessions that have not yet
// completed a request header wait from the moment they are registered, and sit in one of two
// lists: those that have sent nothing yet in connect order, those that have sent part of a header
// in the order they started (the oldest of each is found at once); the others are found by a scan
// that keeps the oldest few as candidates for the next evictions (see ServerContext).
// A session also gives up its slot as soon as it starts closing (lingering included) or when
// rejected, not only once it is destroyed, so a client reconnecting right after a close never
// finds its old slot still taken.
//
// Thread-safety: a session runs on its own executor (a strand when the server has several
// threads); Start(), Reject() and the stop and eviction notifications may be called from any
// thread and hop onto it. `waiting_since_` is the one field read from other threads. A streaming
// handler's pool thread touches only request_, the reader and writer, `chunk_` (while no write is
// in flight) and the hand-off fields guarded by `call_mu_`; the post to the executor and the
// hand-off order everything else.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/http_types.h"
#include "net/server.h"

namespace contactd::net::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Session;

// State shared by the listener and every session of one server. Outlives all sessions.
// Member order matters for destruction: the stream and blocking pools go first (their queued jobs
// own sessions), then the io_context (its queued handlers own sessions), while the session
// registry they unregister from is still alive.
struct ServerContext {
  ServerContext(ServerOptions options, HttpServer::Handler handler,
                HttpServer::IsBlocking is_blocking, HttpServer::IsStreaming is_streaming);

  // Records a live session so that a stop can reach it. A session that will serve (`waiting`)
  // starts its wait for the first request now, as the youngest of the unserved.
  void Register(Session* session, bool waiting);
  void Unregister(Session* session);
  // The session has read its first request header: it leaves the unserved lists.
  void MarkServed(Session* session);
  // The session has read part of its first request header: it moves from the silent list to the
  // partial one (nothing happens if it is no longer in the silent list).
  void MarkPartial(Session* session);
  // Whether a just-accepted connection may be served: yes below the cap; at the cap, yes once a
  // waiting session has been claimed for eviction (and told to close); no when no session can be
  // evicted. Called by the listener only (one at a time). The victim is the head of the partial
  // list, else of the silent one, unless a served session has waited `header_timeout` longer
  // still; then the served one waiting longest (net/server.h).
  bool AdmitConnection();
  // Tells every live session that the server is stopping (idle ones close at once).
  // REQUIRES: `stopping` is already true.
  void NotifySessionsOfStop();

  const ServerOptions options;
  const HttpServer::Handler handler;
  const HttpServer::IsBlocking is_blocking;
  const HttpServer::IsStreaming is_streaming;  // may be empty
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::unordered_set<Session*> sessions;  // guarded by mu
  // Registered sessions that no longer hold a slot of the cap (closed, claimed for eviction, or
  // rejected) but are not destroyed yet; guarded by mu.
  size_t released = 0;

  asio::io_context ioc;
  asio::thread_pool blocking_pool;
  asio::thread_pool stream_pool;  // streaming handlers (they block on their reads and writes)

 private:
  friend class Session;  // Release() unlinks, and a session names the list it is in
  // A list of unserved sessions, linked through Session::unserved_prev_/next_.
  struct UnservedList {
    Session* head = nullptr;
    Session* tail = nullptr;
  };
  // Appends the session to `list`; unlinks it from its list (doing nothing if it is in none).
  // REQUIRES: mu held.
  void LinkUnservedLocked(UnservedList& list, Session* session);
  void UnlinkUnservedLocked(Session* session);
  struct Candidate {
    int64_t since;
    std::weak_ptr<Session> session;
  };
  // Claims the session to evict (see AdmitConnection), or returns null. REQUIRES: mu held.
  std::shared_ptr<Session> ClaimEvictionLocked();
  // Refills `candidates_` with the served sessions waiting longest, oldest last, and sets
  // `uncached_bound_`. REQUIRES: mu held.
  void FindCandidatesLocked();

  // The served sessions waiting longest found by the last scan, oldest last; guarded by mu. A
  // candidate that left its wait since fails its claim and is skipped. Anything that started
  // waiting after the scan is younger than every candidate still valid, so the order stays right.
  std::vector<Candidate> candidates_;
  // No served session outside `candidates_` has waited since before this (steady clock, ns): the
  // youngest candidate's wait when the scan had more than it kept, else the time of the scan;
  // INT64_MIN before the first scan. Guarded by mu.
  int64_t uncached_bound_ = INT64_MIN;
  // Sessions that have not completed a request header, in two lists; guarded by mu. `silent_`:
  // nothing read yet, in the order they were registered (which is the order of their waits); a
  // client whose request is on its way is here. `partial_`: part of a header read (what a
  // trickler shows), in the order their first bytes were read.
  UnservedList silent_;
  UnservedList partial_;
};

class Session : public std::enable_shared_from_this<Session> {
  friend struct ServerContext;  // registration and the unserved lists

 public:
  Session(ServerContext& ctx, tcp::socket socket);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The value of waiting_since() for a session that is not waiting, and for a claimed one.
  static constexpr int64_t kNotWaiting = 0;
  static constexpr int64_t kEvicted = -1;

  // Starts serving on the session's executor. Call once, right after make_shared.
  void Start();
  // Instead of Start(): answers 503 (connection limit) and closes.
  void Reject();
  // Since when (steady clock, ns) the session has been waiting for request bytes; kNotWaiting or
  // kEvicted otherwise. Safe from any thread.
  int64_t waiting_since() const { return waiting_since_.load(std::memory_order_relaxed); }
  // Claims the session for eviction if it is still in the wait that began at `since`.
  // REQUIRES: ctx.mu held (the claim releases the session's slot).
  bool ClaimForEviction(int64_t since);
  // Whether the session gave up its slot (see ServerContext::released). REQUIRES: ctx.mu held.
  bool released() const { return released_; }
  // The session was claimed for eviction: close. Runs on the session's executor.
  void OnEvicted();
  // The server is stopping: close now if idle, else finish the current request with
  // Connection: close. Runs on the session's executor.
  void OnServerStop();
  const asio::any_io_executor& executor() { return executor_; }

 private:
  using Clock = std::chrono::steady_clock;
  // kQueued: a streaming request waits for a free stream-pool thread (at most the read timeout).
  enum class Phase { kIdle, kReading, kQueued, kHandling, kWriting, kLingering };
  // Who owns a streaming request's handler run: the pool job that starts it, or the timer that
  // gives up on it first. Set on the executor, taken by one compare-exchange from either side.
  enum StreamJob : uint8_t { kNoJob, kJobQueued, kJobRunning, kJobExpired };

  // The BodyReader of a streaming request; Read() runs on the handler's pool thread.
  class StreamReader final : public BodyReader {
   public:
    explicit StreamReader(Session& session) : session_(session) {}
    ptrdiff_t Read(char* buf, size_t size) override;
    const TransportFailure& failure() const override;
    // For the next streamed request of the connection (keep-alive).
    void Reset() { done_ = failed_ = false; }

   private:
    Session& session_;
    bool done_ = false;
    bool failed_ = false;
  };
  // The BodyWriter of a streamed response; Write() runs on the producer's pool thread.
  class StreamWriter final : public BodyWriter {
   public:
    explicit StreamWriter(Session& session) : session_(session) {}
    bool Write(std::string_view data) override;

   private:
    Session& session_;
  };

  // Reading.
  void ReadRequest();
  void OnFirstBytes(beast::error_code ec, size_t n);
  // The first byte of a request is here: the header and read timeouts run from `now`.
  void StartRequest(Clock::time_point now);
  void ParseHeader();
  void OnHeader();
  void ReadBody();
  void OnReadError(beast::error_code ec);
  // One read of what the socket has (at most `max` bytes) into buffer_, then next(ec). Once the
  // timer has fired (timed_out_) or the session closed, next gets operation_aborted: a read
  // completing after it, with bytes or not, and a read not yet started. Used instead of Beast's
  // composed reads, which loop over socket reads: their read that has already completed when the
  // timer cancels (data always waiting) is not cancelled, and they would read on past every
  // deadline.
  template <class Next>
  void ReadSome(size_t max, Next next);
  // The bytes buffer_ must hold before a body loop calls put() (kLastChunkBytes in session.cc).
  size_t MinBodyPut(bool chunked) const;
  // Streaming requests. On the executor unless said otherwise.
  void FillRequestHead();
  void StartStreaming();
  void RunStreamHandler();  // on the stream pool
  // The request waited the read timeout for a stream thread: 503, unless the handler started.
  void StreamQueueExpired();
  void StreamRead(char* buf, size_t size);
  void StreamReadBody(char* buf, size_t size);
  // Feeds buffered bytes to the body parser (into what is left of the caller's buffer).
  void StreamParse(size_t size);
  void OnStreamRead(beast::error_code ec, size_t size);
  void StreamReadFailed(beast::error_code ec);
  // The handler returned: whether the connection can be kept depends on the body being read.
  void EndStreamRequest();
  void WriteStreamHead(HttpResponse response);
  void WriteChunk();
  void OnStreamWritten(beast::error_code ec);
  void FinishStreamedResponse(bool complete);
  // Hand-off between a stream-pool thread and the executor: Post() runs `start` on the executor,
  // which eventually calls CompleteCall(); Wait() blocks until it has (returns at once when
  // nothing is pending) and returns its result. Call() is both.
  void Post(std::function<void()> start);
  ptrdiff_t Wait();
  ptrdiff_t Call(std::function<void()> start) {
    Post(std::move(start));
    return Wait();
  }
  void CompleteCall(ptrdiff_t result);
  // Handling and writing.
  void OnRequest();
  HttpResponse Invoke();
  void Respond(HttpResponse response);
  void Fail(int http_status, std::string_view message);
  void OnWritten(beast::error_code ec);
  // Closing and timeouts.
  void CloseGracefully(bool linger);
  void Drain();
  void Close();
  void SetDeadline(std::chrono::milliseconds timeout) { deadline_ = Clock::now() + timeout; }
  // Starts waiting for a request's bytes (evictable from now on).
  void EnterWait(Clock::time_point now);
  // Stops waiting; false if the session was claimed for eviction (the caller then closes).
  bool LeaveWait();
  // Gives up the session's slot of the cap (closing, or rejected): it counts no more, and can no
  // longer be claimed.
  void Release();
  void ArmTimer();
  void OnTimer(uint64_t generation, beast::error_code ec);

  ServerContext& ctx_;
  asio::any_io_executor executor_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;  // reused for every request of the connection
  std::optional<http::request_parser<http::string_body>> parser_;
  // The body parser of a streaming request (converted from parser_ after the header).
  std::optional<http::request_parser<http::buffer_body>> stream_parser_;
  StreamReader reader_{*this};
  HttpRequest request_;
  HttpResponse response_;
  std::string head_;  // the serialized status line and headers of response_

  Phase phase_ = Phase::kIdle;
  Clock::time_point deadline_;
  Clock::time_point request_start_;  // the first byte of the current request
  std::chrono::milliseconds max_linger_;
  std::atomic<int64_t> waiting_since_{kNotWaiting};
  bool released_ = false;  // gave up its slot of the cap; guarded by ctx_.mu
  // The ServerContext list of unserved sessions this one is in (null: none), and the links;
  // guarded by ctx_.mu.
  ServerContext::UnservedList* unserved_ = nullptr;
  Session* unserved_prev_ = nullptr;
  Session* unserved_next_ = nullptr;
  bool served_any_ = false;  // a request header has been read on this connection
  bool partial_ = false;     // part of the first request header has been read (MarkPartial)
  Clock::time_point timer_expiry_;
  uint64_t timer_generation_ = 0;
  bool timer_armed_ = false;
  bool timed_out_ = false;  // the read deadline passed; the cancelled read answers 408
  bool need_more_ = false;  // the body parser's last put() wanted more bytes
  bool closed_ = false;
  // Facts about the current request.
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool close_after_write_ = false;
  bool linger_ = false;  // input of the current request may be left unread
  // Streaming requests: the body is empty or fully read; the first Read() sends 100 Continue; a
  // Read() failed (then `stream_failure_` says why); the response is chunked.
  bool body_done_ = false;
  bool send_continue_ = false;
  bool stream_failed_ = false;
  bool chunked_ = false;
  std::atomic<uint8_t> stream_job_{kNoJob};
  TransportFailure stream_failure_;
  std::string chunk_;  // the chunk being written (filled by the pool thread between writes)
  // The pool-thread hand-off (see Call()).
  std::mutex call_mu_;
  std::condition_variable call_cv_;
  bool call_pending_ = false;  // guarded by call_mu_
  ptrdiff_t call_result_ = 0;  // guarded by call_mu_
};

}  // namespace contactd::net::internal
