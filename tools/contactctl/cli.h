// contactctl's shared command-line plumbing: exit codes, option parsing with Boost
// program_options (every command takes --help, --url and --key), the server connection, and the
// reading of the server's JSON answers (simdjson).
//
// Thread-safety: single-threaded program.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "tools/contactctl/http.h"

namespace contactd::ctl {

namespace po = boost::program_options;

enum ExitCode : int {
  kExitOk = 0,
  kExitRowsFailed = 1,  // some rows failed, or an import stopped (with a report)
  kExitUsage = 2,       // bad flags, unreadable input
  kExitFailure = 3,     // server or network failure
};

// A usage problem: main() prints it with a hint and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// --url and --key given before the command.
struct GlobalOptions {
  std::string url;
  std::string key;
};

// The server to talk to: URL and key from the command's flags, else the global flags, else
// CONTACTD_URL / CONTACTD_KEY, else http://127.0.0.1:8080 and no key.
struct Connection {
  HttpClient client;
  std::string key;

  // Adds Authorization when there is a key.
  Request Make(std::string method, std::string target) const;
};

// One command's parsed flags. Parse() returns false when --help was asked (help printed).
class CommandLine {
 public:
  // `usage`: the synopsis printed first by --help, e.g. "contactctl import FILE --chatbot ID".
  explicit CommandLine(std::string usage);

  po::options_description& options() { return options_; }
  po::positional_options_description& positional() { return positional_; }

  bool Parse(const std::vector<std::string>& args, const GlobalOptions& global);
  const po::variables_map& vm() const { return vm_; }
  bool has(const char* name) const { return vm_.count(name) > 0; }
  template <class T>
  const T& get(const char* name) const {
    return vm_[name].as<T>();
  }
  Connection Connect() const;

 private:
  std::string usage_;
  po::options_description options_;
  po::positional_options_description positional_;
  po::variables_map vm_;
  GlobalOptions global_;
};

// Parses `args` with `desc` (no guessing of abbreviated flags) without notifying (required
// options are checked by po::notify). Throws po::error.
po::variables_map ParseOptions(const std::vector<std::string>& args,
                               const po::options_description& desc,
                               const po::positional_options_description& positional);

// A JSON string literal.
std::string JsonQuote(std::string_view s);

// The "data" member of a success body, minified ("" when absent or not JSON).
std::string DataJson(std::string_view body);

// Prints why an exchange failed on stderr ("contactctl: <what>: HTTP 404: Resource not found",
// then one line per issue, or the network error) and returns kExitFailure. `on_404`, when given,
// is a line that says what a 404 means for this request (the server never says which resource).
int ReportFailure(std::string_view what, const Response& response, std::string_view on_404 = {});

// An error body's "message" and its issues as (field, message); nullopt when it is not JSON.
struct ErrorBody {
  std::string message;
  std::vector<std::pair<std::string, std::string>> issues;
};
std::optional<ErrorBody> ParseErrorBody(std::string_view body);

// The line a 404 gets from a request under /chatbots/{id}/ that names nothing else.
std::string ChatbotNotFound(std::string_view chatbot);

// Sends a control-plane request; prints `data` on stdout when it succeeds (0), else reports
// the failure (3).
int CallAndPrint(const Connection& connection, std::string_view what, const Request& request);

}  // namespace contactd::ctl
