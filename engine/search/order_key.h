// Order keys: 64-bit unsigned encodings of values whose unsigned order is the values' order, used
// by SortColumn for sorting, ranges and keyset cursors.
//
//   integers  sign bit flipped
//   doubles   IEEE 754 bits, sign bit flipped for positives and all bits flipped for negatives
//   numbers   int64 values are ordered as doubles (exact up to 2^53; beyond that, equal keys)
//   dates     microseconds since the epoch, saturated; equal keys for sub-microsecond differences
//   booleans  0 and 1
//   text      the first 8 bytes of the folded text, big-endian, zero padded
//   phones    the first 16 digits, a nibble each
// Where keys are equal the values may still differ (long text, sub-microsecond dates, huge
// integers): callers break such ties with the values themselves.
//
// Thread-safety: pure functions.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "engine/contact.h"

namespace contactd::search {

inline uint64_t OrderKey(int64_t v) { return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63); }

inline uint64_t OrderKey(double v) {
  if (v == 0) v = 0;  // -0.0 and 0.0 are equal
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  return (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
}

inline uint64_t OrderKey(bool v) { return v ? 1 : 0; }

inline uint64_t OrderKeyMicros(const DateTime& t) {
  constexpr int64_t kLimit = INT64_MAX / 1'000'000 - 1;
  const int64_t secs = t.seconds > kLimit ? kLimit : t.seconds < -kLimit ? -kLimit : t.seconds;
  return OrderKey(secs * 1'000'000 + static_cast<int64_t>(t.nanos / 1000));
}

inline uint64_t OrderKeyText(std::string_view folded) {
  unsigned char buf[8] = {};
  std::memcpy(buf, folded.data(), folded.size() < 8 ? folded.size() : 8);
  uint64_t v = 0;
  for (unsigned char b : buf) v = (v << 8) | b;
  return v;
}

// Phone digits, 4 bits each (digit + 1, so a shorter number sorts before its extensions), most
// significant first: exact for up to 16 digits; longer numbers share the key of their first 16.
inline uint64_t OrderKeyDigits(std::string_view digits) {
  uint64_t v = 0;
  for (size_t i = 0; i < 16; ++i) {
    v = (v << 4) | (i < digits.size() ? static_cast<uint64_t>(digits[i] - '0' + 1) : 0);
  }
  return v;
}

// The key of a custom-attribute value (numbers: int64 and double order together).
inline uint64_t OrderKeyOf(const AttrValue& v, std::string_view folded_text = {}) {
  if (const auto* i = std::get_if<int64_t>(&v)) return OrderKey(static_cast<double>(*i));
  if (const auto* d = std::get_if<double>(&v)) return OrderKey(*d);
  if (const auto* b = std::get_if<bool>(&v)) return OrderKey(*b);
  if (const auto* t = std::get_if<DateTime>(&v)) return OrderKeyMicros(*t);
  return OrderKeyText(folded_text);
}

}  // namespace contactd::search
