// The one error vocabulary of contactd.
//
// A Status is a canonical code (named after absl::StatusCode), a sentence for humans, and an
// optional list of Issues, each naming the field a problem concerns ("users[3].email"). Every
// layer returns Status instead of throwing; net/ maps codes to HTTP statuses in one place
// (net/http_status.cc).
//
// Thread-safety: value types; no shared state.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace contactd {

enum class Code {
  kOk = 0,
  kInvalidArgument,     // the request is malformed or a value is invalid
  kUnauthenticated,     // no key, unknown key, revoked key
  kPermissionDenied,    // the key's role may not use this operation
  kNotFound,            // unknown resource, or one outside the key's scope
  kAlreadyExists,       // a uniqueness rule would be broken
  kFailedPrecondition,  // the operation is not allowed in the resource's current state
  kPayloadTooLarge,     // the request exceeds a size limit
  kResourceExhausted,   // rate limit
  kUnavailable,         // the store cannot persist right now (disk full, I/O error)
  kDataLoss,            // stored data is corrupt
  kInternal,            // a bug
};

// One problem with one field of a request.
struct Issue {
  std::string field;  // path such as "users[3].custom_attributes.ltv"; empty for the whole body
  std::string message;

  friend bool operator==(const Issue&, const Issue&) = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message, std::vector<Issue> issues = {})
      : code_(code), message_(std::move(message)), issues_(std::move(issues)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<Issue>& issues() const { return issues_; }
  std::vector<Issue>& mutable_issues() { return issues_; }

  // "NotFound: Resource not found", for logs and test failure messages.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::vector<Issue> issues_;
};

const char* CodeName(Code code);

// Messages fixed by the v1 contract (api-contract.md section 4).
inline constexpr const char* kMsgInvalidRequest = "Invalid request data";
inline constexpr const char* kMsgUnauthorized = "Unauthorized access";
inline constexpr const char* kMsgForbidden = "Forbidden";
inline constexpr const char* kMsgNotFound = "Resource not found";
inline constexpr const char* kMsgContactExists =
    "Error saving chatbot contact. External ID or email already exists.";

inline Status InvalidArgument(std::string message, std::vector<Issue> issues = {}) {
  return {Code::kInvalidArgument, std::move(message), std::move(issues)};
}
inline Status NotFound() { return {Code::kNotFound, kMsgNotFound}; }
inline Status Unauthenticated() { return {Code::kUnauthenticated, kMsgUnauthorized}; }
inline Status PermissionDenied() { return {Code::kPermissionDenied, kMsgForbidden}; }

// A value or an error. Holds exactly one of them.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  // REQUIRES: !ok() for a meaningful status; returns OK when a value is held. A reference into
  // this Result (or to a static OK), so `const auto& m = r.status().message()` stays valid.
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  // REQUIRES: ok().
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace contactd
