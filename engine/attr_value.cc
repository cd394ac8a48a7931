#include "engine/attr_value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "engine/text.h"

namespace contactd {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at s[*pos].
bool Digits(std::string_view s, size_t* pos, size_t n, unsigned* out) {
  if (*pos + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool ParseOffset(std::string_view s, size_t pos, int* minutes) {
  if (pos == s.size()) {
    *minutes = 0;  // no offset: UTC
    return true;
  }
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    *minutes = 0;
    return true;
  }
  if (s[pos] != '+' && s[pos] != '-') return false;
  const int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  unsigned hh, mm = 0;
  if (!Digits(s, &pos, 2, &hh)) return false;
  if (pos < s.size()) {
    if (s[pos] == ':') ++pos;
    if (!Digits(s, &pos, 2, &mm)) return false;
  }
  if (pos != s.size() || hh > 23 || mm > 59) return false;
  *minutes = sign * static_cast<int>(hh * 60 + mm);
  return true;
}

const char* ExpectedTypeWord(AttrType type) {
  switch (type) {
    case AttrType::kText:
      return "string";
    case AttrType::kNumber:
      return "number";
    case AttrType::kBoolean:
      return "boolean";
    case AttrType::kDate:
      return "date";
  }
  return "value";
}

std::string Expected(AttrType type, const RawValue& raw) {
  return std::string("Expected ") + ExpectedTypeWord(type) + ", received " + RawKindName(raw.kind);
}

}  // namespace

std::optional<DateTime> ParseIsoDate(std::string_view s) {
  size_t pos = 0;
  unsigned y = 0, mo = 0, d = 0;
  if (!Digits(s, &pos, 4, &y) || pos >= s.size() || s[pos++] != '-' || !Digits(s, &pos, 2, &mo) ||
      pos >= s.size() || s[pos++] != '-' || !Digits(s, &pos, 2, &d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return std::nullopt;
  DateTime t;
  const int64_t days = DaysFromCivil(y, mo, d);
  if (pos == s.size()) {
    t.seconds = days * 86400;
    t.date_only = true;
    return t;
  }
  if (s[pos] != 'T' && s[pos] != 't') return std::nullopt;
  ++pos;
  unsigned hh, mi, ss = 0;
  if (!Digits(s, &pos, 2, &hh) || pos >= s.size() || s[pos++] != ':' || !Digits(s, &pos, 2, &mi)) {
    return std::nullopt;
  }
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!Digits(s, &pos, 2, &ss)) return std::nullopt;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      uint32_t nanos = 0;
      size_t n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (n < 9) nanos = nanos * 10 + static_cast<uint32_t>(s[pos] - '0');
        ++n;
        ++pos;
      }
      if (n == 0 || n > 9) return std::nullopt;
      for (size_t i = n; i < 9; ++i) nanos *= 10;
      t.nanos = nanos;
    }
  }
  if (hh > 23 || mi > 59 || ss > 59) return std::nullopt;
  int offset;
  if (!ParseOffset(s, pos, &offset)) return std::nullopt;
  t.offset_minutes = static_cast<int16_t>(offset);
  t.seconds = days * 86400 + hh * 3600 + mi * 60 + ss - int64_t{offset} * 60;
  return t;
}

std::string FormatIsoDate(const DateTime& t) {
  const int64_t local = t.seconds + int64_t{t.offset_minutes} * 60;
  int64_t days = local / 86400;
  int64_t secs = local % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const Civil c = CivilFromDays(days);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
  if (t.date_only) return std::string(buf, static_cast<size_t>(n));
  n += std::snprintf(buf + n, sizeof buf - n, "T%02lld:%02lld:%02lld",
                     static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                     static_cast<long long>(secs % 60));
  if (t.nanos != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, "%09u", t.nanos);
    int len = 9;
    while (len > 1 && frac[len - 1] == '0') --len;
    n += std::snprintf(buf + n, sizeof buf - n, ".%.*s", len, frac);
  }
  if (t.offset_minutes == 0) {
    n += std::snprintf(buf + n, sizeof buf - n, "Z");
  } else {
    const int off = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
    n += std::snprintf(buf + n, sizeof buf - n, "%c%02d:%02d", t.offset_minutes < 0 ? '-' : '+',
                       off / 60, off % 60);
  }
  return std::string(buf, static_cast<size_t>(n));
}

AttrValueOrError ToAttrValue(AttrType type, const RawValue& raw) {
  using Kind = RawValue::Kind;
  AttrValueOrError out;
  switch (type) {
    case AttrType::kText:
      if (raw.kind != Kind::kString) {
        out.error = Expected(type, raw);
      } else if (raw.s.size() > kMaxTextBytes) {
        out.error = "Text must be at most " + std::to_string(kMaxTextBytes) + " bytes";
      } else if (!text::IsValidUtf8(raw.s)) {
        out.error = "Text must be valid UTF-8";
      } else if (text::HasControlChars(raw.s, /*allow_whitespace=*/true)) {
        out.error = "Text must not contain control characters";
      } else {
        out.value = raw.s;
      }
      return out;
    case AttrType::kNumber:
      if (raw.kind == Kind::kInt) {
        out.value = raw.i;
      } else if (raw.kind == Kind::kDouble && std::isfinite(raw.d)) {
        out.value = raw.d;
      } else if (raw.kind == Kind::kOutOfRange) {
        out.error = "Number is out of range";
      } else {
        out.error = Expected(type, raw);
      }
      return out;
    case AttrType::kBoolean:
      if (raw.kind == Kind::kBool) {
        out.value = raw.b;
      } else if (raw.kind == Kind::kString && (raw.s == "true" || raw.s == "false")) {
        out.value = raw.s == "true";
      } else if (raw.kind == Kind::kInt && (raw.i == 0 || raw.i == 1)) {
        out.value = raw.i == 1;
      } else {
        out.error = Expected(type, raw);
      }
      return out;
    case AttrType::kDate:
      if (raw.kind != Kind::kString) {
        out.error = Expected(type, raw);
      } else if (auto t = ParseIsoDate(raw.s)) {
        out.value = *t;
      } else {
        out.error = "Invalid date: expected ISO 8601 such as 2026-11-21 or 2026-11-21T10:00:00Z";
      }
      return out;
  }
  out.error = "Unknown attribute type";
  return out;
}

}  // namespace contactd
