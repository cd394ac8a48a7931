// pg_bench's libpq layer: owning handles for connections and results, and a Session that
// runs statements and prepared statements and treats every SQL error as fatal (a benchmark that
// hit an error has no result worth printing).
//
// Thread-safety: a Session is used by one thread at a time (libpq connections are not shared);
// Fail() may be called from any thread.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>

namespace contactd::bench::pg {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// Prints "pg_bench: <what>: <detail>" to stderr and ends the process with status 1, without
// running destructors (other threads may still be using their connections).
[[noreturn]] void Fail(std::string_view what, std::string_view detail);

class Session {
 public:
  // Connects; fails the process if the connection cannot be made.
  explicit Session(const std::string& conninfo);

  // Runs one or more SQL statements without parameters; the last one's result must have status
  // `expect`. Errors name `what`, or else the statement.
  ResultPtr Exec(const std::string& sql, ExecStatusType expect = PGRES_COMMAND_OK,
                 std::string_view what = {});
  // Runs `sql` with text parameters (nullptr: NULL); it must return rows.
  ResultPtr Query(const std::string& sql, std::span<const char* const> params);

  // Prepares `sql` as statement `name` unless this session already has it.
  void Prepare(const std::string& name, const std::string& sql, int params);
  // Runs prepared statement `name` with text parameters; its status must be `expect`.
  ResultPtr Run(const std::string& name, std::span<const char* const> params,
                ExecStatusType expect = PGRES_TUPLES_OK);

 private:
  ResultPtr Check(PGresult* r, ExecStatusType expect, std::string_view what);

  ConnPtr conn_;
  std::unordered_set<std::string> prepared_;
};

}  // namespace contactd::bench::pg
