#include "bench/pg/pg_client.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace contactd::bench::pg {

void Fail(std::string_view what, std::string_view detail) {
  // `what` may be a long statement: its start identifies it.
  constexpr size_t kMaxWhat = 100;
  const size_t end = std::min(what.find('\n'), kMaxWhat);
  const char* ellipsis = end < what.size() ? "..." : "";
  what = what.substr(0, end);
  // libpq's messages end with a newline.
  while (!detail.empty() && detail.back() == '\n') detail.remove_suffix(1);
  std::fprintf(stderr, "pg_bench: %.*s%s: %.*s\n", static_cast<int>(what.size()), what.data(),
               ellipsis, static_cast<int>(detail.size()), detail.data());
  std::fflush(nullptr);
  std::_Exit(1);
}

Session::Session(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (!conn_) Fail("connect", "out of memory");
  if (PQstatus(conn_.get()) != CONNECTION_OK) Fail("connect", PQerrorMessage(conn_.get()));
}

ResultPtr Session::Check(PGresult* r, ExecStatusType expect, std::string_view what) {
  ResultPtr result(r);
  if (!result) Fail(what, PQerrorMessage(conn_.get()));
  if (PQresultStatus(result.get()) != expect) {
    const char* message = PQresultErrorMessage(result.get());
    Fail(what, *message ? message : PQresStatus(PQresultStatus(result.get())));
  }
  return result;
}

ResultPtr Session::Exec(const std::string& sql, ExecStatusType expect, std::string_view what) {
  return Check(PQexec(conn_.get(), sql.c_str()), expect, what.empty() ? sql : what);
}

ResultPtr Session::Query(const std::string& sql, std::span<const char* const> params) {
  return Check(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
                            params.data(), nullptr, nullptr, 0),
               PGRES_TUPLES_OK, sql);
}

void Session::Prepare(const std::string& name, const std::string& sql, int params) {
  if (prepared_.contains(name)) return;
  Check(PQprepare(conn_.get(), name.c_str(), sql.c_str(), params, nullptr), PGRES_COMMAND_OK,
        "prepare " + name);
  prepared_.insert(name);
}

ResultPtr Session::Run(const std::string& name, std::span<const char* const> params,
                       ExecStatusType expect) {
  return Check(PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(params.size()),
                              params.data(), nullptr, nullptr, 0),
               expect, name);
}

}  // namespace contactd::bench::pg
