// RowCounter: counts the rows of an import or export file while its bytes stream past, for
// progress display. It never holds more than a few bytes of state.
//
//   CSV    records (quote-aware: line breaks inside quoted fields do not end a record; blank
//          lines are skipped as the server does), minus the header
//   JSONL  non-blank lines
//   JSON   elements of the top-level array (strings and escapes are tracked, so brackets and
//          commas inside strings or nested values do not count)
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace contactd::ctl {

enum class Format : uint8_t { kCsv, kJson, kJsonl };

// "csv", "json", "jsonl" (also "ndjson").
std::optional<Format> ParseFormat(std::string_view name);
std::string_view FormatName(Format format);
// The format a file name's extension names (.csv, .json, .jsonl, .ndjson), if any.
std::optional<Format> FormatFromPath(std::string_view path);

class RowCounter {
 public:
  explicit RowCounter(Format format) : format_(format) {}

  void Feed(std::string_view bytes);
  // Rows seen so far; after Finish(), including a last row without a line end.
  uint64_t rows() const;
  void Finish();

 private:
  void FeedCsv(std::string_view bytes);
  void FeedJsonl(std::string_view bytes);
  void FeedJson(std::string_view bytes);

  Format format_;
  uint64_t records_ = 0;
  bool has_content_ = false;  // CSV/JSONL: the current record or line has content
  // CSV state.
  bool field_start_ = true;
  bool in_quotes_ = false;
  bool quote_pending_ = false;  // a quote inside a quoted field: closing, or the first of ""
  // JSON state.
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool expect_element_ = false;
};

}  // namespace contactd::ctl
