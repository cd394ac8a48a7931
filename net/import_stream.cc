#include "net/import_stream.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "net/json_decode.h"

namespace contactd::net {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string AtLine(uint64_t line) { return " at line " + std::to_string(line); }

}  // namespace

ptrdiff_t BodyPuller::Read(char* buf, size_t size) {
  const ptrdiff_t n = reader_->Read(buf, std::min(size, kImportReadSize));
  if (n < 0 && !failure_) {
    const TransportFailure& f = reader_->failure();
    failure_ =
        StreamFailure{f.status, f.message.empty() ? "The body could not be read" : f.message};
  }
  return n;
}

StreamFailure ResolveFailure(const BodyPuller& body, StreamFailure parse) {
  if (body.failure()) return *body.failure();
  return parse;
}

JsonSplitter::JsonSplitter(transfer::ReadFn read, Mode mode, size_t max_element)
    : read_(std::move(read)), mode_(mode), max_element_(max_element) {}

bool JsonSplitter::Fill() {
  if (eof_ || failure_) return false;
  if (start_ > 0) {  // drop what was consumed, so the buffer holds one element at most
    buf_.erase(0, start_);
    pos_ -= start_;
    start_ = 0;
  }
  if (!first_read_) return ReadMore();
  // A UTF-8 byte order mark at the start is skipped, however the reads split it.
  first_read_ = false;
  bool got = false;
  while (buf_.size() < 3 && ReadMore()) got = true;
  if (buf_.starts_with("\xEF\xBB\xBF")) pos_ = start_ = 3;
  return got;
}

bool JsonSplitter::ReadMore() {
  if (eof_ || failure_) return false;
  const size_t old = buf_.size();
  buf_.resize(old + kImportReadSize);
  const ptrdiff_t n = read_(buf_.data() + old, kImportReadSize);
  buf_.resize(old + static_cast<size_t>(std::max<ptrdiff_t>(n, 0)));
  if (n < 0) return Fail(400, "The body could not be read");
  if (n == 0) {
    eof_ = true;
    return false;
  }
  return true;
}

bool JsonSplitter::Fail(int status, std::string message) {
  if (!failure_) failure_ = StreamFailure{status, std::move(message)};
  state_ = State::kDone;
  return false;
}

bool JsonSplitter::Next(std::string_view* element, uint64_t* line) {
  if (failure_) return false;
  return mode_ == Mode::kLines ? NextLine(element, line) : NextInArray(element, line);
}

bool JsonSplitter::NextLine(std::string_view* element, uint64_t* line) {
  while (true) {
    size_t nl = buf_.find('\n', pos_);
    if (nl == std::string::npos) {
      pos_ = buf_.size();
      if (pos_ - start_ > max_element_) {
        return Fail(413, "The line" + AtLine(line_) + " is larger than 1 MiB");
      }
      if (Fill()) continue;
      if (failure_ || start_ == buf_.size()) return false;
      nl = buf_.size();  // the last line has no line break
    }
    const std::string_view text = Trim(std::string_view(buf_).substr(start_, nl - start_));
    const uint64_t at = line_++;
    start_ = pos_ = std::min(nl + 1, buf_.size());
    if (text.size() > max_element_) {
      return Fail(413, "The line" + AtLine(at) + " is larger than 1 MiB");
    }
    if (text.empty()) continue;
    *element = text;
    *line = at;
    return true;
  }
}

bool JsonSplitter::ScanElement() {
  const char* p = buf_.data();
  const size_t n = buf_.size();
  while (pos_ < n) {
    if (in_string_) {
      // Skip to the next quote or backslash.
      const char* q = p + pos_;
      if (!escape_) {
        while (q < p + n && *q != '"' && *q != '\\' && *q != '\n') ++q;
        pos_ = static_cast<size_t>(q - p);
        if (pos_ == n) break;
      }
      const char c = p[pos_++];
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
      } else if (c == '\n') {
        ++line_;
      }
      continue;
    }
    const char c = p[pos_];
    switch (c) {
      case '"':
        in_string_ = true;
        break;
      case '{':
      case '[':
        ++depth_;
        break;
      case '}':
      case ']':
        if (depth_ == 0) return true;  // a scalar element before the array's end
        if (--depth_ == 0) {
          ++pos_;
          return true;
        }
        break;
      case ',':
      case ' ':
      case '\t':
      case '\r':
        if (depth_ == 0) return true;
        break;
      case '\n':
        if (depth_ == 0) return true;
        ++line_;
        break;
      default:
        break;
    }
    ++pos_;
  }
  return false;
}

bool JsonSplitter::NextInArray(std::string_view* element, uint64_t* line) {
  while (true) {
    if (pos_ == buf_.size()) {
      if (state_ != State::kInElement) start_ = pos_;  // nothing to keep
      if (Fill()) continue;
      if (failure_) return false;
      switch (state_) {
        case State::kDone:
          return false;
        case State::kStart:
          return Fail(400, "The body is empty; expected a JSON array of contacts");
        case State::kInElement:
          return Fail(400, "Unexpected end of the body: the contact that starts" +
                               AtLine(element_line_) + " is not complete");
        default:
          return Fail(400, "Unexpected end of the body: the JSON array is not closed with ']'");
      }
    }
    const char c = buf_[pos_];
    if (state_ != State::kInElement && IsSpace(c)) {
      if (c == '\n') ++line_;
      ++pos_;
      continue;
    }
    switch (state_) {
      case State::kStart:
        if (c != '[') {
          return Fail(400, "Expected a JSON array of contacts ('[')" + AtLine(line_));
        }
        ++pos_;
        after_comma_ = false;
        state_ = State::kBeforeElement;
        break;
      case State::kBeforeElement:
        if (c == ']') {
          if (after_comma_) return Fail(400, "Unexpected ']' after ','" + AtLine(line_));
          ++pos_;
          state_ = State::kDone;
        } else if (c == ',') {
          return Fail(400, "Unexpected ','" + AtLine(line_));
        } else {
          start_ = pos_;
          element_line_ = line_;
          depth_ = 0;
          in_string_ = escape_ = false;
          state_ = State::kInElement;
        }
        break;
      case State::kInElement: {
        const bool complete = ScanElement();
        if (pos_ - start_ > max_element_) {
          return Fail(413,
                      "The contact that starts" + AtLine(element_line_) + " is larger than 1 MiB");
        }
        if (!complete) break;
        *element = std::string_view(buf_).substr(start_, pos_ - start_);
        *line = element_line_;
        state_ = State::kAfterElement;
        return true;
      }
      case State::kAfterElement:
        start_ = pos_;
        if (c == ',') {
          after_comma_ = true;
          state_ = State::kBeforeElement;
        } else if (c == ']') {
          state_ = State::kDone;
        } else {
          return Fail(400, "Expected ',' or ']' after the contact that starts" +
                               AtLine(element_line_) + ", found '" + std::string(1, c) + "'" +
                               AtLine(line_));
        }
        ++pos_;
        break;
      case State::kDone:
        return Fail(400, "Unexpected data after the JSON array" + AtLine(line_));
    }
  }
}

JsonRowSource::JsonRowSource(BodyPuller* body, JsonSplitter::Mode mode)
    : body_(body), splitter_(body->AsReadFn(), mode) {}

bool JsonRowSource::Next(SourceRow* out) {
  out->input = ContactInput{};
  out->issues.clear();
  std::string_view text;
  if (!splitter_.Next(&text, &out->line)) {
    if (splitter_.failure()) failure_ = ResolveFailure(*body_, *splitter_.failure());
    return false;
  }
  DecodeContactItem(text, &out->input, &out->issues);
  return true;
}

bool CsvRowSource::Next(SourceRow* out) {
  out->input = ContactInput{};
  out->issues.clear();
  if (!reader_->Next(&record_)) {
    if (const auto& error = reader_->error()) {
      failure_ = ResolveFailure(
          *body_, {400, "Malformed CSV" + AtLine(error->line) + ": " + error->message});
    }
    return false;
  }
  out->line = record_.line;
  decoder_->Decode(record_, &out->input, &out->issues);
  return true;
}

}  // namespace contactd::net
