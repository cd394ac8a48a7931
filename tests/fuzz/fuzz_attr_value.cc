// Fuzz target: the custom-attribute value parser (engine/attr_value.h) and the record encoding
// of the values it accepts (engine/record.h).
//
// Input: a first byte choosing the kind of client value, then its payload:
//   's' string (the payload), 'i' integer and 'd' double (the payload parsed with from_chars),
//   'b' boolean (payload "true"), 'n' null, 'o' object, 'a' array, 'r' a number out of range;
//   any other first byte: the whole input is a string.
// The value is converted to each of the four attribute types.
//
// Invariants: a value is either accepted or rejected with a message, never both; accepted text
// is the input unchanged, a number is finite, a date formats (FormatIsoDate) to text that parses
// back to the same date; an accepted value survives a record encode, check and decode unchanged.
// ParseIsoDate also sees every payload directly, with the same round-trip check.
//
// Thread-safety: libFuzzer calls it from one thread.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "engine/attr_value.h"
#include "engine/record.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using contactd::AttrType;
using contactd::AttrValue;
using contactd::DateTime;
using contactd::RawValue;

RawValue ToRaw(std::string_view input) {
  if (input.empty()) return RawValue::String("");
  const std::string_view payload = input.substr(1);
  const char* begin = payload.data();
  const char* end = begin + payload.size();
  switch (input[0]) {
    case 'i': {
      int64_t v = 0;
      std::from_chars(begin, end, v);
      return RawValue::Int(v);
    }
    case 'd': {
      double v = 0;
      std::from_chars(begin, end, v);
      return RawValue::Double(v);
    }
    case 'b':
      return RawValue::Bool(payload == "true");
    case 'n':
      return RawValue::Null();
    case 'o':
      return RawValue::Of(RawValue::Kind::kObject);
    case 'a':
      return RawValue::Of(RawValue::Kind::kArray);
    case 'r':
      return RawValue::Of(RawValue::Kind::kOutOfRange);
    case 's':
      return RawValue::String(std::string(payload));
    default:
      return RawValue::String(std::string(input));
  }
}

void CheckDateRoundTrip(const DateTime& t, std::string_view input) {
  const std::string text = contactd::FormatIsoDate(t);
  auto again = contactd::ParseIsoDate(text);
  FUZZ_CHECK(again.has_value(), text);
  FUZZ_CHECK(*again == t, std::string(input) + " -> " + text);
}

// The value stored in a record reads back unchanged.
void CheckRecordRoundTrip(const AttrValue& value, std::string_view input) {
  contactd::Contact c;
  c.id = 7;
  c.external_id = "x";
  c.attrs.push_back({3, value});
  const std::string bytes = contactd::EncodeRecord(c);
  FUZZ_CHECK(contactd::CheckRecord(bytes), input);
  auto decoded = contactd::DecodeRecord(bytes);
  FUZZ_CHECK(decoded.ok(), decoded.status().ToString());
  FUZZ_CHECK(*decoded == c, input);
  auto one = contactd::RecordView(bytes).attr(3);
  FUZZ_CHECK(one.has_value() && *one == value, input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const RawValue raw = ToRaw(input);
  for (AttrType type : {AttrType::kText, AttrType::kNumber, AttrType::kBoolean, AttrType::kDate}) {
    const contactd::AttrValueOrError r = contactd::ToAttrValue(type, raw);
    FUZZ_CHECK(r.value.has_value() != !r.error.empty(), input);
    if (!r.value) continue;
    const AttrValue& v = *r.value;
    switch (type) {
      case AttrType::kText:
        FUZZ_CHECK(std::get<std::string>(v) == raw.s, input);
        break;
      case AttrType::kNumber:
        FUZZ_CHECK(std::holds_alternative<int64_t>(v) ||
                       (std::holds_alternative<double>(v) && std::isfinite(std::get<double>(v))),
                   input);
        break;
      case AttrType::kBoolean:
        FUZZ_CHECK(std::holds_alternative<bool>(v), input);
        break;
      case AttrType::kDate:
        CheckDateRoundTrip(std::get<DateTime>(v), input);
        break;
    }
    CheckRecordRoundTrip(v, input);
  }
  if (auto t = contactd::ParseIsoDate(input.empty() ? input : input.substr(1))) {
    CheckDateRoundTrip(*t, input);
  }
  return 0;
}
