// CsvReader (see csv_reader.h).
//
// The buffer holds whole chunks of input; a record is parsed from its first byte to its line end
// in one pass. When the buffer ends inside a record, the unparsed bytes move to the front, more
// are read (the buffer doubles when one record fills it), and the record is parsed again from its
// start. Unquoted fields are scanned 16 bytes at a time (SSE2) for the separator, CR and LF;
// quoted fields with memchr for the next quote.
#include "engine/transfer/csv_reader.h"

#include <strings.h>

#include <algorithm>
#include <cstring>
#include <utility>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace contactd::transfer {
namespace {

constexpr size_t kChunk = size_t{1} << 20;
constexpr size_t kMinBuffer = 64;  // room for a byte order mark and a line end's look-ahead

// The first index in [i, end) of `p` holding a, CR or LF; `end` when there is none.
size_t FindFieldEnd(const char* p, size_t i, size_t end, char a) {
#ifdef __SSE2__
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vr = _mm_set1_epi8('\r');
  const __m128i vn = _mm_set1_epi8('\n');
  for (; i + 16 <= end; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vr)),
                                     _mm_cmpeq_epi8(v, vn));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < end; ++i) {
    const char c = p[i];
    if (c == a || c == '\r' || c == '\n') return i;
  }
  return end;
}

}  // namespace

CsvReader::CsvReader(ReadFn read, size_t max_record_bytes, char separator)
    : read_(std::move(read)), max_record_bytes_(max_record_bytes), separator_(separator) {}

size_t CsvReader::MaxBuffer() const { return std::max(max_record_bytes_ + 1, kMinBuffer); }

void CsvReader::Fail(uint64_t line, std::string message) {
  error_ = CsvError{line, std::move(message)};
}

bool CsvReader::Next(CsvRecord* out) {
  if (error_) return false;
  if (buf_.empty()) buf_.resize(std::min(kChunk, MaxBuffer()));
  for (;;) {
    if (!SkipBlank()) {
      if (!Refill()) return false;
      continue;
    }
    if (error_) return false;
    if (!sep_line_checked_) {  // then blank lines again
      if (!SkipSeparatorLine() && !Refill()) return false;
      continue;
    }
    if (pos_ == end_) {
      if (eof_) return false;
      if (!Refill()) return false;
      continue;
    }
    if (separator_ == kDetectSeparator && !DetectSeparator()) {
      if (!Refill()) return false;
      continue;
    }
    switch (ParseRecord(out)) {
      case Parse::kRecord:
        return true;
      case Parse::kError:
        return false;
      case Parse::kNeedMore:
        if (!Refill()) return false;
        break;
    }
  }
}

bool CsvReader::SkipBlank() {
  if (!started_) {
    if (end_ - pos_ < 3 && !eof_) return false;
    if (end_ - pos_ >= 3 && std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
    started_ = true;
    if (end_ - pos_ >= 2 && (std::memcmp(buf_.data() + pos_, "\xFF\xFE", 2) == 0 ||
                             std::memcmp(buf_.data() + pos_, "\xFE\xFF", 2) == 0)) {
      Fail(line_, "The file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8");
      return true;
    }
  }
  while (pos_ < end_) {
    const char c = buf_[pos_];
    if (c == '\n') {
      ++pos_;
    } else if (c == '\r') {
      if (pos_ + 1 == end_ && !eof_) return false;  // a LF may follow
      ++pos_;
      if (pos_ < end_ && buf_[pos_] == '\n') ++pos_;
    } else {
      break;
    }
    ++line_;
  }
  return true;
}

bool CsvReader::SkipSeparatorLine() {
  const char* const b = buf_.data() + pos_;
  const size_t n = end_ - pos_;
  if (n < 7 && !eof_) return false;  // "sep=X" and a CRLF
  sep_line_checked_ = true;
  if (n < 5 || strncasecmp(b, "sep=", 4) != 0) return true;
  const char sep = b[4];
  if (sep == '"' || sep == '\r' || sep == '\n') return true;
  size_t used = 5;
  if (n > 5 && b[5] == '\r') ++used;
  if (n > used && b[used] == '\n') ++used;
  if (used == 5 && n > 5) return true;  // more on the line: a header that starts "sep="
  if (separator_ == kDetectSeparator) separator_ = sep;
  pos_ += used;
  ++line_;
  return true;
}

bool CsvReader::DetectSeparator() {
  // Counts the candidates outside quotes up to the record's line end, reading quotes as
  // ParseRecord does: a quote opens a quoted field only at the start of a field (the start of the
  // record or just after a candidate), and "" inside one is a quote.
  size_t commas = 0, semicolons = 0, tabs = 0;
  bool in_quotes = false;
  bool field_start = true;
  size_t i = pos_;
  for (; i < end_; ++i) {
    const char c = buf_[i];
    if (in_quotes) {
      if (c != '"') continue;
      if (i + 1 == end_ && !eof_) return false;  // maybe a doubled quote
      if (i + 1 < end_ && buf_[i + 1] == '"') {
        ++i;
      } else {
        in_quotes = false;
      }
      continue;
    }
    if (c == '\n' || c == '\r') break;
    const bool candidate = c == ',' || c == ';' || c == '\t';
    in_quotes = c == '"' && field_start;
    field_start = candidate;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (i == end_ && !eof_) return false;
  separator_ = ',';
  if (semicolons > commas && semicolons >= tabs) separator_ = ';';
  if (tabs > commas && tabs > semicolons) separator_ = '\t';
  return true;
}

bool CsvReader::Refill() {
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ > max_record_bytes_) {
    Fail(line_, "A record is longer than " + std::to_string(max_record_bytes_) + " bytes");
    return false;
  }
  if (end_ == buf_.size()) buf_.resize(std::min(buf_.size() * 2, MaxBuffer()));
  // Fill the buffer, so that a record split by the buffer's end is parsed again at most once
  // per doubling.
  while (end_ < buf_.size()) {
    const ptrdiff_t n = read_(buf_.data() + end_, buf_.size() - end_);
    if (n < 0) {
      Fail(line_, "Reading the input failed");
      return false;
    }
    if (n == 0) {
      eof_ = true;
      break;
    }
    end_ += static_cast<size_t>(n);
    bytes_read_ += static_cast<uint64_t>(n);
  }
  return true;
}

CsvReader::Parse CsvReader::ParseRecord(CsvRecord* out) {
  const char* const b = buf_.data();
  size_t i = pos_;
  size_t fields = 0;
  uint64_t breaks = 0;  // line breaks inside quoted fields
  for (;;) {
    if (fields == out->fields.size()) {
      out->fields.emplace_back();
      out->quoted.push_back(0);
    }
    std::string& f = out->fields[fields];
    const bool quoted = i < end_ && b[i] == '"';
    out->quoted[fields++] = quoted;
    if (quoted) {
      const uint64_t field_line = line_ + breaks;
      f.clear();
      ++i;
      for (;;) {
        const void* q = std::memchr(b + i, '"', end_ - i);
        if (q == nullptr) {
          if (!eof_) return Parse::kNeedMore;
          Fail(field_line, "A quoted field is not closed before the end of the input");
          return Parse::kError;
        }
        const size_t qi = static_cast<size_t>(static_cast<const char*>(q) - b);
        breaks += static_cast<uint64_t>(std::count(b + i, b + qi, '\n'));
        f.append(b + i, qi - i);
        if (qi + 1 == end_ && !eof_) return Parse::kNeedMore;  // maybe a doubled quote
        if (qi + 1 < end_ && b[qi + 1] == '"') {
          f.push_back('"');
          i = qi + 2;
          continue;
        }
        i = qi + 1;
        break;
      }
      if (i == end_ && !eof_) return Parse::kNeedMore;
      if (i < end_ && b[i] != separator_ && b[i] != '\n' && b[i] != '\r') {
        Fail(line_ + breaks, "Unexpected character after the closing quote of a field");
        return Parse::kError;
      }
    } else {
      const size_t j = FindFieldEnd(b, i, end_, separator_);
      if (j == end_ && !eof_) return Parse::kNeedMore;
      f.assign(b + i, j - i);
      i = j;
    }
    if (i < end_ && b[i] == separator_) {
      ++i;
      continue;
    }
    break;  // a line end, or the end of the input
  }
  // The line end.
  if (i < end_) {
    if (b[i] == '\r') {
      if (i + 1 == end_ && !eof_) return Parse::kNeedMore;
      ++i;
      if (i < end_ && b[i] == '\n') ++i;
    } else {
      ++i;  // '\n'
    }
  }
  if (i - pos_ > max_record_bytes_) {
    Fail(line_, "A record is longer than " + std::to_string(max_record_bytes_) + " bytes");
    return Parse::kError;
  }
  out->fields.resize(fields);
  out->quoted.resize(fields);
  out->number = ++records_;
  out->line = line_;
  line_ += breaks + 1;
  pos_ = i;
  return Parse::kRecord;
}

}  // namespace contactd::transfer
