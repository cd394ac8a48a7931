#include "net/errors.h"

#include <string>

#include "net/json_writer.h"

namespace contactd::net {

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kInvalidArgument:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kPermissionDenied:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition:
      return 409;
    case Code::kPayloadTooLarge:
      return 413;
    case Code::kResourceExhausted:
      return 429;
    case Code::kUnavailable:
      return 503;
    case Code::kDataLoss:
    case Code::kInternal:
      return 500;
  }
  return 500;
}

namespace {

HttpResponse Build(int http_status, std::string_view message, const std::vector<Issue>* issues) {
  HttpResponse r;
  r.status = http_status;
  JsonWriter w(&r.body);
  w.BeginObject().Field("message", message);
  if (issues && !issues->empty()) {
    w.Key("issues").BeginArray();
    for (const Issue& issue : *issues) {
      w.BeginObject().Field("field", issue.field).Field("message", issue.message).EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return r;
}

}  // namespace

HttpResponse ErrorResponse(const Status& status) {
  return Build(HttpStatusFor(status.code()), status.message(), &status.issues());
}

HttpResponse TransportErrorResponse(int http_status, std::string_view message) {
  return Build(http_status, message, nullptr);
}

HttpResponse RateLimitedResponse(int retry_after_seconds) {
  HttpResponse r = ErrorResponse(Status(Code::kResourceExhausted, "Rate limit exceeded"));
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return r;
}

}  // namespace contactd::net
