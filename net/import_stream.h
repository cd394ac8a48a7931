// Import sources: the rows of a streamed import body (HttpRequest::body_reader), one class per
// format, for the Importer (net/importer.h). Memory is bounded by one read buffer plus one row.
//
//   BodyPuller      reads the body in parts of at most 64 KiB and keeps the transport failure.
//   JsonSplitter    splits a JSON array (`[{...}, {...}]`) or JSONL/NDJSON (one value per line,
//                   blank lines skipped) into elements as bytes arrive, tracking strings, escapes
//                   and nesting across reads. An element over 1 MiB is fatal (413); broken
//                   structure (an unclosed array or string, garbage between elements) is fatal
//                   (400). An element that is well delimited but not valid JSON is a row error.
//   JsonRowSource   JsonSplitter + DecodeContactItem (the upsert's item decoder).
//   CsvRowSource    CsvReader records after the header + RowDecoder.
//
// Thread-safety: each object is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/transfer/csv_reader.h"
#include "engine/transfer/row_decoder.h"
#include "net/http_types.h"
#include "net/importer.h"

namespace contactd::net {

inline constexpr size_t kImportReadSize = size_t{64} << 10;
inline constexpr size_t kMaxImportElement = size_t{1} << 20;

class BodyPuller {
 public:
  explicit BodyPuller(BodyReader* reader) : reader_(reader) {}
  // As BodyReader::Read, at most kImportReadSize bytes at once.
  ptrdiff_t Read(char* buf, size_t size);
  // The transport failure once a read failed (http_status 0: the client went away).
  const std::optional<StreamFailure>& failure() const { return failure_; }
  transfer::ReadFn AsReadFn() {
    return [this](char* buf, size_t size) { return Read(buf, size); };
  }

 private:
  BodyReader* reader_;
  std::optional<StreamFailure> failure_;
};

class JsonSplitter {
 public:
  enum class Mode { kArray, kLines };
  JsonSplitter(transfer::ReadFn read, Mode mode, size_t max_element = kMaxImportElement);

  // The next element's text (valid until the next call) and the line it starts on. False at the
  // end of the input or on a fatal problem (failure()).
  bool Next(std::string_view* element, uint64_t* line);
  // http_status 400 (structure), 413 (too large) or the read's failure.
  const std::optional<StreamFailure>& failure() const { return failure_; }

 private:
  enum class State { kStart, kBeforeElement, kInElement, kAfterElement, kDone };

  // Reads more bytes, keeping buf_ from start_; false at the end of input or on a failed read.
  bool Fill();
  bool ReadMore();  // one read appended to buf_
  bool Fail(int status, std::string message);
  bool NextLine(std::string_view* element, uint64_t* line);
  bool NextInArray(std::string_view* element, uint64_t* line);
  // Scans the element starting at start_ from pos_; true when it is complete (end at pos_).
  bool ScanElement();

  transfer::ReadFn read_;
  const Mode mode_;
  const size_t max_element_;
  std::string buf_;
  size_t start_ = 0;  // first byte of the element being read
  size_t pos_ = 0;    // next byte to scan
  bool eof_ = false;
  bool first_read_ = true;
  uint64_t line_ = 1;  // line of buf_[pos_]
  State state_ = State::kStart;
  bool after_comma_ = false;
  uint64_t element_line_ = 0;
  // Element scan state, kept across reads.
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  std::optional<StreamFailure> failure_;
};

class JsonRowSource : public RowSource {
 public:
  JsonRowSource(BodyPuller* body, JsonSplitter::Mode mode);
  bool Next(SourceRow* out) override;
  const std::optional<StreamFailure>& failure() const override { return failure_; }

 private:
  BodyPuller* body_;
  JsonSplitter splitter_;
  std::optional<StreamFailure> failure_;
};

class CsvRowSource : public RowSource {
 public:
  // `reader` has already read the header; `decoder` maps the header's columns.
  CsvRowSource(BodyPuller* body, transfer::CsvReader* reader, const transfer::RowDecoder* decoder)
      : body_(body), reader_(reader), decoder_(decoder) {}
  bool Next(SourceRow* out) override;
  const std::optional<StreamFailure>& failure() const override { return failure_; }

 private:
  BodyPuller* body_;
  transfer::CsvReader* reader_;
  const transfer::RowDecoder* decoder_;
  transfer::CsvRecord record_;
  std::optional<StreamFailure> failure_;
};

// The failure to report for a source that stopped: the transport's when a read failed, else
// `parse` (the parser's own).
StreamFailure ResolveFailure(const BodyPuller& body, StreamFailure parse);

}  // namespace contactd::net
