// Phone numbers: libphonenumber's Parse + Format(E164), with a fast path for the common shapes.
//
// Why the fast path gives exactly libphonenumber's answer (version 8.12, PhoneNumberUtil::
// ParseHelper and the functions it calls). It accepts only inputs made of ASCII digits and the
// separators " -.()/", optionally led by a single '+' as the very first byte, at most 64 bytes,
// with 3 to 20 digits; everything else (letters, extensions, '#', ';', ',', '*', non-ASCII,
// full-width plus, "tel:") goes to libphonenumber. For such an input:
//
//  1. BuildNationalNumberForParsing: no ";phone-context=" and no ";isub=", so it is
//     ExtractPossibleNumber: the text from the first '+' or digit, trailing separators trimmed; the
//     second-number pattern "[\\/] *x" needs an 'x'. What is left is the '+' (if any), the digits
//     and separators between them.
//  2. IsViablePhoneNumber: "[+＋]*(?:[punctuation]*\d){3,}[punctuation, letters, digits]*" matches,
//     since there are at least 3 digits and " -.()/" are all in kValidPunctuation.
//  3. CheckRegionForParsing: passes for '+' numbers; for the others we require a known region.
//  4. MaybeStripExtension: every extension pattern needs a letter, '#', '~', ',' or ';': none here.
//  5. MaybeExtractCountryCode -> MaybeStripInternationalPrefixAndNormalize:
//     '+' form: plus_chars_pattern consumes the '+' and Normalize keeps the digits (no letters, so
//       NormalizeDigitsOnly). Then the digits must be longer than kMinLengthForNsn (2), else
//       TOO_SHORT_AFTER_IDD: we require at least 3. ExtractCountryCode takes the first 1-, 2- or
//       3-digit prefix that is a calling code in the metadata (none starts with 0): we do the same
//       and leave the input to libphonenumber when there is none.
//     other form: Normalize, then ParsePrefixAsIdd with the region's international_prefix as a
//       regular expression anchored at the start. We require that prefix to be a non-empty plain
//       digit string (an empty one would match everywhere) and the digits not to start with it,
//       so the source is FROM_DEFAULT_COUNTRY. Then libphonenumber tries to strip the region's
//       own calling code when the digits start with it: we require that they do not. So the
//       country code is 0 and ParseHelper takes the region's.
//  6. The metadata for the rest is the region's (other form), or the calling code's main region
//     (the first region in metadata order marked main_country_for_code, else the first one; "001"
//     for non-geographic codes), as GetRegionCodeForCountryCode and
//     GetMetadataForRegionOrCallingCode pick it. (When that region equals the one given,
//     ParseHelper keeps the given region's metadata: the same object.)
//  7. MaybeStripNationalPrefixAndCarrierCode returns at once when national_prefix_for_parsing is
//     empty; else it matches it as a regular expression anchored at the start (Consume). We
//     require it to be empty, a plain digit string the national number does not start with, or a
//     pattern that no string starting with the number's first two digits can match (found once
//     per pattern with ICU, as Prefix::StartsThatMayMatch says): then nothing matches and the
//     number is unchanged (the TestNumberLength check only guards a stripping that did not
//     happen).
//  8. The national number must be 2 to 17 digits (kMinLengthForNsn, kMaxLengthForNsn): we require
//     that. SetItalianLeadingZerosForPhoneNumber records leading zeros so that
//     GetNationalSignificantNumber gives back the same digit string, and Format(E164) is "+" +
//     country code + that string.
//
// So the fast path's answer is "+" + calling code + national digits. tests/transfer/phone_test.cc
// checks this against libphonenumber on over 100k numbers of every region.
#include "engine/phone.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <bitset>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "engine/validate.h"

namespace i18n::phonenumbers {
// The compiled-in metadata (a serialized PhoneMetadataCollection), exported by libphonenumber.so;
// declared in its internal header metadata.h, which Debian does not install.
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace contactd::phone {
namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr size_t kMinNsn = 2;   // PhoneNumberUtil::kMinLengthForNsn
constexpr size_t kMaxNsn = 17;  // PhoneNumberUtil::kMaxLengthForNsn
constexpr size_t kMaxFastInput = 64;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// A prefix pattern of the metadata, as far as the fast path cares.
struct Prefix {
  enum class Kind : uint8_t { kNone, kPlain, kPattern };
  Kind kind = Kind::kNone;
  std::string digits;  // kPlain
  // kPattern: the starts of one digit (may_start1, by digit) and of two digits (may_start2, by
  // 10 * first + second) that a match may begin with. A number with another start cannot match
  // (the pattern is anchored at the start). Two digits tell apart e.g. Brazil's "90..." (its
  // carrier prefix) from "9x..." (the northern area codes).
  std::bitset<10> may_start1;
  std::bitset<100> may_start2;

  static Prefix Of(const std::string& pattern) {
    Prefix p;
    if (pattern.empty()) return p;
    p.kind = AllDigits(pattern) ? Kind::kPlain : Kind::kPattern;
    if (p.kind == Kind::kPlain) p.digits = pattern;
    if (p.kind == Kind::kPattern) StartsThatMayMatch(pattern, &p.may_start1, &p.may_start2);
    return p;
  }
  // Whether the prefix may match at the start of the digit string `s` (REQUIRES: not kNone).
  bool MayMatch(std::string_view s) const {
    if (kind == Kind::kPlain) return s.substr(0, digits.size()) == digits;
    if (s.empty()) return true;
    const auto first = static_cast<size_t>(s[0] - '0');
    if (s.size() == 1) return may_start1[first];
    return may_start2[first * 10 + static_cast<size_t>(s[1] - '0')];
  }

  // As libphonenumber runs the pattern (ICU, anchored at the start: RegexMatcher::lookingAt), for
  // each start t of one or two digits: a match may begin with t when t alone matches (a prefix of
  // t may be the whole match, or the pattern may match the empty string, which every start then
  // has) or when the matcher ran out of input (hitEnd: more digits could complete a match).
  // Otherwise the matcher failed within t on every path, as it does on any string starting with
  // t. Any ICU error counts every start in: the fast path then leaves such numbers alone.
  static void StartsThatMayMatch(const std::string& pattern, std::bitset<10>* one,
                                 std::bitset<100>* two) {
    one->set();
    two->set();
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexPattern> re(
        icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, status));
    if (U_FAILURE(status) || re == nullptr) return;
    const auto may_begin = [&](const std::string& start) -> std::optional<bool> {
      const icu::UnicodeString text = icu::UnicodeString::fromUTF8(start);
      std::unique_ptr<icu::RegexMatcher> m(re->matcher(text, status));
      if (U_FAILURE(status) || m == nullptr) return std::nullopt;
      const bool matched = m->lookingAt(status);
      if (U_FAILURE(status)) return std::nullopt;
      return matched || m->hitEnd();
    };
    std::bitset<10> out1;
    std::bitset<100> out2;
    for (size_t d = 0; d < 10; ++d) {
      const std::optional<bool> may = may_begin(std::string(1, static_cast<char>('0' + d)));
      if (!may) return;
      out1[d] = *may;
      for (size_t e = 0; e < 10 && *may; ++e) {
        const std::optional<bool> may2 =
            may_begin({static_cast<char>('0' + d), static_cast<char>('0' + e)});
        if (!may2) return;
        out2[d * 10 + e] = *may2;
      }
    }
    *one = out1;
    *two = out2;
  }
};

struct RegionInfo {
  int country_code = 0;
  std::string country_code_digits;
  Prefix international_prefix;
  Prefix national_prefix;  // national_prefix_for_parsing
};

// What the fast path needs from libphonenumber's metadata, read once.
struct Tables {
  absl::flat_hash_map<std::string, RegionInfo> regions;   // geographic regions ("GB")
  absl::flat_hash_map<int, Prefix> main_national_prefix;  // calling code -> its main region's

  Tables() {
    PhoneMetadataCollection collection;
    if (!collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
                                   i18n::phonenumbers::metadata_size())) {
      return;  // no fast path at all; libphonenumber itself reports the problem
    }
    // As PhoneNumberUtil's constructor: per calling code, the main country goes first, the
    // others follow in metadata order; the first one is the code's region.
    std::map<int, const PhoneMetadata*> main;
    for (const PhoneMetadata& m : collection.metadata()) {
      if (m.id() == "ZZ") continue;
      if (m.id() != "001") {
        RegionInfo info;
        info.country_code = m.country_code();
        info.country_code_digits = std::to_string(m.country_code());
        info.international_prefix = Prefix::Of(m.international_prefix());
        info.national_prefix = Prefix::Of(m.national_prefix_for_parsing());
        regions.emplace(m.id(), std::move(info));
      }
      auto [it, inserted] = main.emplace(m.country_code(), &m);
      if (!inserted && m.main_country_for_code()) it->second = &m;
    }
    for (const auto& [code, m] : main) {
      main_national_prefix.emplace(code, Prefix::Of(m->national_prefix_for_parsing()));
    }
  }
};

const Tables& GetTables() {
  static const Tables* const tables = new Tables();
  return *tables;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string ErrorMessage(PhoneNumberUtil::ErrorType error, std::string_view input,
                         const std::string& region) {
  switch (error) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: {
      const size_t first = input.find_first_not_of(" \t");
      const bool plus = first != std::string_view::npos && input[first] == '+';
      if (plus || IsKnownRegion(region)) return "Number has an unknown country code";
      if (region.empty()) return "Number has no country code (+…) and no default country is set";
      return "Unknown default country '" + region + "'";
    }
    case PhoneNumberUtil::NOT_A_NUMBER:
      return "Not a phone number";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
      return "Number is too short after the international prefix";
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return "Number is too short";
    case PhoneNumberUtil::TOO_LONG_NSN:
      return "Number is too long";
    default:
      return "Not a phone number";
  }
}

}  // namespace

bool IsKnownRegion(std::string_view region) {
  return region.size() == 2 && GetTables().regions.contains(std::string(region));
}

namespace detail {

std::optional<std::string> FastE164(std::string_view input, std::string_view region) {
  if (input.empty() || input.size() > kMaxFastInput) return std::nullopt;
  const bool plus = input.front() == '+';
  char digits[kMaxFastInput];
  size_t n = 0;
  for (size_t i = plus ? 1 : 0; i < input.size(); ++i) {
    const char c = input[i];
    if (IsDigit(c)) {
      digits[n++] = c;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
      return std::nullopt;
    }
  }
  if (n < 3 || n > 20) return std::nullopt;
  const std::string_view all(digits, n);
  const Tables& t = GetTables();
  if (plus) {
    if (all[0] == '0') return std::nullopt;
    int code = 0;
    for (size_t len = 1; len <= 3; ++len) {
      code = code * 10 + (all[len - 1] - '0');
      auto it = t.main_national_prefix.find(code);
      if (it == t.main_national_prefix.end()) continue;
      const std::string_view nsn = all.substr(len);
      const Prefix& np = it->second;
      if (np.kind != Prefix::Kind::kNone && np.MayMatch(nsn)) return std::nullopt;
      if (nsn.size() < kMinNsn || nsn.size() > kMaxNsn) return std::nullopt;
      return "+" + std::string(all);
    }
    return std::nullopt;
  }
  auto it = t.regions.find(std::string(region));
  if (it == t.regions.end()) return std::nullopt;
  const RegionInfo& r = it->second;
  if (r.international_prefix.kind != Prefix::Kind::kPlain) return std::nullopt;
  if (r.international_prefix.MayMatch(all)) return std::nullopt;
  if (all.substr(0, r.country_code_digits.size()) == r.country_code_digits) return std::nullopt;
  if (r.national_prefix.kind != Prefix::Kind::kNone && r.national_prefix.MayMatch(all)) {
    return std::nullopt;
  }
  if (n < kMinNsn || n > kMaxNsn) return std::nullopt;
  std::string out;
  out.reserve(1 + r.country_code_digits.size() + n);
  out += '+';
  out += r.country_code_digits;
  out += all;
  return out;
}

Result<std::string> LibE164(std::string_view input, std::string_view region) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const std::string region_code(region);
  PhoneNumber number;
  const PhoneNumberUtil::ErrorType error = util.Parse(std::string(input), region_code, &number);
  if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
    return InvalidArgument(ErrorMessage(error, input, region_code));
  }
  std::string out;
  util.Format(number, PhoneNumberUtil::E164, &out);
  if (number.has_extension() && !number.extension().empty()) {
    out += " x";
    out += number.extension();
  }
  return out;
}

}  // namespace detail

Result<std::string> Normalize(std::string_view input, std::string_view region) {
  const std::string upper = Upper(region);
  if (std::optional<std::string> fast = detail::FastE164(input, upper)) return *std::move(fast);
  Result<std::string> out = detail::LibE164(input, upper);
  if (!out.ok()) return out;
  // libphonenumber accepts extensions of up to 20 digits; the stored form allows 10.
  if (std::string problem = CheckPhone(*out); !problem.empty()) {
    return InvalidArgument("Number is not storable as " + *out + ": " + problem);
  }
  return out;
}

}  // namespace contactd::phone
