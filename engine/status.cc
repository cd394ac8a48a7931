#include "engine/status.h"

namespace contactd {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      return "InvalidArgument";
    case Code::kUnauthenticated:
      return "Unauthenticated";
    case Code::kPermissionDenied:
      return "PermissionDenied";
    case Code::kNotFound:
      return "NotFound";
    case Code::kAlreadyExists:
      return "AlreadyExists";
    case Code::kFailedPrecondition:
      return "FailedPrecondition";
    case Code::kPayloadTooLarge:
      return "PayloadTooLarge";
    case Code::kResourceExhausted:
      return "ResourceExhausted";
    case Code::kUnavailable:
      return "Unavailable";
    case Code::kDataLoss:
      return "DataLoss";
    case Code::kInternal:
      return "Internal";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  std::string out = CodeName(code_);
  if (!message_.empty()) out += ": " + message_;
  for (const Issue& issue : issues_) {
    out += "; ";
    if (!issue.field.empty()) out += issue.field + ": ";
    out += issue.message;
  }
  return out;
}

}  // namespace contactd
