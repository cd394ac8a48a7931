// Streaming row counts for progress; see tools/contactctl/row_counter.h.
#include "tools/contactctl/row_counter.h"

namespace contactd::ctl {

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  if (name == "jsonl" || name == "ndjson") return Format::kJsonl;
  return std::nullopt;
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kCsv:
      return "csv";
    case Format::kJson:
      return "json";
    case Format::kJsonl:
      return "jsonl";
  }
  return "csv";
}

std::optional<Format> FormatFromPath(std::string_view path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string ext;
  for (char c : path.substr(dot + 1)) ext.push_back(static_cast<char>(c | 0x20));
  return ParseFormat(ext);
}

void RowCounter::Feed(std::string_view bytes) {
  switch (format_) {
    case Format::kCsv:
      FeedCsv(bytes);
      break;
    case Format::kJsonl:
      FeedJsonl(bytes);
      break;
    case Format::kJson:
      FeedJson(bytes);
      break;
  }
}

uint64_t RowCounter::rows() const {
  if (format_ == Format::kCsv) return records_ > 0 ? records_ - 1 : 0;  // the header
  return records_;
}

void RowCounter::Finish() {
  if (format_ != Format::kJson && has_content_) ++records_;
  has_content_ = false;
}

void RowCounter::FeedCsv(std::string_view bytes) {
  for (char c : bytes) {
    if (quote_pending_) {
      quote_pending_ = false;
      if (c == '"') continue;  // "" inside quotes: a literal quote
      in_quotes_ = false;      // the closing quote; handle c below
    }
    if (in_quotes_) {
      if (c == '"') quote_pending_ = true;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (has_content_) ++records_;
      has_content_ = false;
      field_start_ = true;
    } else if (c == ',') {
      has_content_ = true;
      field_start_ = true;
    } else {
      has_content_ = true;
      if (c == '"' && field_start_) in_quotes_ = true;
      field_start_ = false;
    }
  }
}

void RowCounter::FeedJsonl(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n') {
      if (has_content_) ++records_;
      has_content_ = false;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      has_content_ = true;
    }
  }
}

void RowCounter::FeedJson(std::string_view bytes) {
  for (char c : bytes) {
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (depth_ == 1 && expect_element_ && c != ']' && c != ',') {
      ++records_;
      expect_element_ = false;
    }
    switch (c) {
      case '"':
        in_string_ = true;
        break;
      case '[':
      case '{':
        if (++depth_ == 1) expect_element_ = c == '[';
        break;
      case ']':
      case '}':
        if (depth_ > 0) --depth_;
        break;
      case ',':
        if (depth_ == 1) expect_element_ = true;
        break;
      default:
        break;
    }
  }
}

}  // namespace contactd::ctl
