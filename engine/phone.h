// Phone numbers: normalisation to E.164 with libphonenumber, and the regions it knows.
//
// Normalize() gives exactly what libphonenumber's Parse + Format(E164) gives, plus " x<digits>"
// when the number has an extension. libphonenumber's parser costs about 20 µs per number (ICU
// regular expressions), too slow for bulk imports, so common shapes take a fast path whose result
// is identical by construction (see phone.cc), and a differential test compares both on numbers
// of every region (tests/transfer/phone_test.cc).
//
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace contactd::phone {

// Whether `region` is an ISO 3166-1 alpha-2 code libphonenumber has metadata for (upper case).
bool IsKnownRegion(std::string_view region);

// `input` as E.164 ("+14155550100", or "+14155550100 x123" with an extension). `region` (may be
// empty) is the country of numbers written without "+" or an international prefix. Errors are
// kInvalidArgument with a sentence for the user ("Not a phone number", "Number has no country
// code (+…) and no default country is set", "Number is too short", ...).
// The region is upper-cased first ("gb" works as "GB").
Result<std::string> Normalize(std::string_view input, std::string_view region);

// The two paths of Normalize, for the differential test and the benchmark. `region` as given
// (not upper-cased).
namespace detail {
// The E.164 form when `input` has a shape the fast path handles, else nullopt (never an error).
std::optional<std::string> FastE164(std::string_view input, std::string_view region);
// libphonenumber alone: Parse + Format(E164) (+ " x<ext>").
Result<std::string> LibE164(std::string_view input, std::string_view region);
}  // namespace detail

}  // namespace contactd::phone
