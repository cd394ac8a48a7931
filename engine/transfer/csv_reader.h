// CsvReader: an incremental RFC 4180 reader over a pull source of bytes, so memory does not grow
// with the file: at most one record (bounded by max_record_bytes) plus one read buffer.
//
// Accepts quoted fields with embedded separators, quotes ("") and line breaks; CRLF or LF line
// ends (a lone CR too); a UTF-8 byte order mark at the start (skipped). A UTF-16 byte order mark
// at the start is an error that says so (the input must be UTF-8). Lines that are completely
// empty are skipped. A quote inside an unquoted field is kept as a character (as spreadsheets do).
// Errors: a quoted field not closed before the end of input, a character other than a separator
// or a line end right after a closing quote, a record over max_record_bytes, a failed read.
//
// The separator is ',' by default. With kDetectSeparator the reader picks it from the first
// record (the header): whichever of ',', ';' and tab occurs there most often outside quotes, ','
// on a tie or when none does. Spreadsheets in many European locales save "CSV" with ';', and a
// copy out of a spreadsheet is tab-separated. A first line "sep=X" (Excel's way to name the
// separator) is skipped, and names it when the separator is detected.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace contactd::transfer {

// Fills up to `size` bytes into `buf`; returns how many, 0 at the end, -1 on failure.
using ReadFn = std::function<ptrdiff_t(char* buf, size_t size)>;

struct CsvRecord {
  std::vector<std::string> fields;
  std::vector<uint8_t> quoted;  // per field: 1 when it was written in quotes ("  a  " keeps spaces)
  uint64_t number = 0;          // 1-based record number, the header included
  uint64_t line = 0;            // 1-based line the record starts on
};

// As a separator: pick it from the header (see above).
inline constexpr char kDetectSeparator = '\0';
// The default limit on one record.
inline constexpr size_t kMaxCsvRecordBytes = size_t{1} << 20;

struct CsvError {
  uint64_t line = 0;  // where the problem is
  std::string message;
};

class CsvReader {
 public:
  explicit CsvReader(ReadFn read, size_t max_record_bytes = kMaxCsvRecordBytes,
                     char separator = ',');

  // The next record into *out (its vectors are reused). False at the end of input or on error;
  // error() tells which.
  bool Next(CsvRecord* out);
  const std::optional<CsvError>& error() const { return error_; }
  // Bytes consumed so far (progress).
  uint64_t bytes_read() const { return bytes_read_; }
  // The separator in use; kDetectSeparator until the first record is read.
  char separator() const { return separator_; }

 private:
  enum class Parse : uint8_t { kRecord, kNeedMore, kError };

  // Parses the record starting at pos_ into *out. kNeedMore: the buffer ends inside it.
  Parse ParseRecord(CsvRecord* out);
  // Moves the unparsed bytes to the front and reads more. False on a read failure or when the
  // pending record is already over max_record_bytes (error_ set).
  bool Refill();
  // Skips empty lines and a byte order mark at pos_ (a UTF-16 one sets error_). False when more
  // bytes are needed first.
  bool SkipBlank();
  // Skips a "sep=X" line at pos_ (taking X as the separator when it is detected). False when more
  // bytes are needed first.
  bool SkipSeparatorLine();
  // Sets separator_ from the record at pos_ (kDetectSeparator). False when more bytes are needed
  // first: the record's line end is not in the buffer yet.
  bool DetectSeparator();
  void Fail(uint64_t line, std::string message);
  size_t MaxBuffer() const;  // the buffer's largest size: one record over the limit, at least

  ReadFn read_;
  size_t max_record_bytes_;
  char separator_;
  std::optional<CsvError> error_;
  uint64_t bytes_read_ = 0;

  std::string buf_;  // read buffer; [pos_, end_) not parsed yet
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;               // read_ returned 0
  bool started_ = false;           // the byte order mark check is done
  bool sep_line_checked_ = false;  // the "sep=X" line check is done
  uint64_t line_ = 1;              // line at pos_
  uint64_t records_ = 0;
};

}  // namespace contactd::transfer
