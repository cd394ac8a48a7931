// engine/phone: normalisation per country, error messages, known regions, and the differential
// test of the fast path against libphonenumber on numbers of every region.
#include "engine/phone.h"

#include <gtest/gtest.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace contactd::phone {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::string Ok(std::string_view input, std::string_view region) {
  Result<std::string> r = Normalize(input, region);
  return r.ok() ? *r : "error: " + r.status().message();
}

TEST(PhoneNormalize, PerCountry) {
  EXPECT_EQ(Ok("+1 (415) 555-0100", ""), "+14155550100");
  EXPECT_EQ(Ok("(415) 555-0100", "US"), "+14155550100");
  EXPECT_EQ(Ok("1-415-555-0100", "US"), "+14155550100");        // national prefix 1
  EXPECT_EQ(Ok("011 44 20 7946 0958", "US"), "+442079460958");  // IDD
  EXPECT_EQ(Ok("020 7946 0958", "GB"), "+442079460958");
  EXPECT_EQ(Ok("07700 900123", "gb"), "+447700900123");  // region in any case
  EXPECT_EQ(Ok("030 123456", "DE"), "+4930123456");
  EXPECT_EQ(Ok("00 49 30 123456", "DE"), "+4930123456");
  EXPECT_EQ(Ok("06 12 34 56 78", "FR"), "+33612345678");
  EXPECT_EQ(Ok("+39 06 1234 5678", ""), "+390612345678");  // Italian leading zero kept
  EXPECT_EQ(Ok("06 1234 5678", "IT"), "+390612345678");
  EXPECT_EQ(Ok("98765 43210", "IN"), "+919876543210");
  EXPECT_EQ(Ok("0412 345 678", "AU"), "+61412345678");
  EXPECT_EQ(Ok("+55 11 91234-5678", "BR"), "+5511912345678");
  EXPECT_EQ(Ok("090-1234-5678", "JP"), "+819012345678");
  EXPECT_EQ(Ok("+1 415 555 0100 ext. 123", ""), "+14155550100 x123");
  EXPECT_EQ(Ok("+800 1234 5678", ""), "+80012345678");  // non-geographic
}

TEST(PhoneNormalize, Errors) {
  EXPECT_EQ(Ok("hello", "US"), "error: Not a phone number");
  EXPECT_EQ(Ok("", "US"), "error: Not a phone number");
  EXPECT_EQ(Ok("4155550100", ""),
            "error: Number has no country code (+…) and no default country is set");
  EXPECT_EQ(Ok("4155550100", "XX"), "error: Unknown default country 'XX'");
  EXPECT_EQ(Ok("+999 123 456", ""), "error: Number has an unknown country code");
  EXPECT_EQ(Ok("+1 2", "US"), "error: Not a phone number");  // fewer than 3 digits
  EXPECT_EQ(Ok("011 2", "US"), "error: Number is too short after the international prefix");
  EXPECT_EQ(Ok("+44 1", ""), "error: Number is too short");
  EXPECT_EQ(Ok("123456789012345678901", "US"), "error: Number is too long");
  // An extension longer than the stored form allows (10 digits).
  const std::string long_ext = Ok("+1 415 555 0100 ext. 123456789012", "");
  EXPECT_EQ(long_ext.rfind("error: Number is not storable", 0), 0u) << long_ext;
}

TEST(PhoneRegions, IsKnownRegion) {
  for (const char* r : {"US", "GB", "DE", "FR", "IN", "BR", "JP", "AU", "XK"}) {
    EXPECT_TRUE(IsKnownRegion(r)) << r;
  }
  for (const char* r : {"us", "ZZ", "001", "", "USA", "XX", "U"}) {
    EXPECT_FALSE(IsKnownRegion(r)) << r;
  }
  std::set<std::string> regions;
  PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
  EXPECT_GT(regions.size(), 200u);
  for (const std::string& r : regions) EXPECT_TRUE(IsKnownRegion(r)) << r;
}

// The fast path looks at the first two digits of a national number against the national prefix
// pattern of its calling code. Brazil's ("0", or "90" and a carrier code) cannot match numbers
// starting "91" to "99" (the northern area codes), so those stay on the fast path; "90..." goes to
// libphonenumber.
TEST(PhoneFastPath, TwoDigitStartsOfANationalPrefixPattern) {
  for (const char* number : {"+5591987654321", "+55 99 91234-5678", "+5511912345678"}) {
    const std::optional<std::string> fast = detail::FastE164(number, "");
    ASSERT_TRUE(fast.has_value()) << number;
    EXPECT_EQ(*fast, Ok(number, "")) << number;
  }
  EXPECT_FALSE(detail::FastE164("+55 90 12 3456 7890", "").has_value());
  EXPECT_FALSE(detail::FastE164("+55 0 11 91234-5678", "").has_value());
}

// ---- Differential test: FastE164 must equal libphonenumber whenever it answers.

struct Example {
  std::string region;              // "001" for non-geographic numbers
  std::vector<std::string> texts;  // E164, INTERNATIONAL, NATIONAL
};

std::vector<Example> ExampleNumbers() {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::vector<Example> out;
  auto add = [&](const std::string& region, const PhoneNumber& n) {
    Example e{region, {}};
    for (auto format :
         {PhoneNumberUtil::E164, PhoneNumberUtil::INTERNATIONAL, PhoneNumberUtil::NATIONAL}) {
      std::string text;
      util.Format(n, format, &text);
      e.texts.push_back(text);
    }
    out.push_back(std::move(e));
  };
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  const PhoneNumberUtil::PhoneNumberType types[] = {
      PhoneNumberUtil::FIXED_LINE,      PhoneNumberUtil::MOBILE,      PhoneNumberUtil::TOLL_FREE,
      PhoneNumberUtil::PREMIUM_RATE,    PhoneNumberUtil::SHARED_COST, PhoneNumberUtil::VOIP,
      PhoneNumberUtil::PERSONAL_NUMBER, PhoneNumberUtil::PAGER,       PhoneNumberUtil::UAN,
      PhoneNumberUtil::VOICEMAIL};
  for (const std::string& region : regions) {
    for (auto type : types) {
      PhoneNumber n;
      if (util.GetExampleNumberForType(region, type, &n)) add(region, n);
    }
  }
  std::set<int> codes;
  util.GetSupportedGlobalNetworkCallingCodes(&codes);
  for (int code : codes) {
    PhoneNumber n;
    if (util.GetExampleNumberForNonGeoEntity(code, &n)) add("001", n);
  }
  return out;
}

class Mutator {
 public:
  explicit Mutator(uint32_t seed) : rng_(seed) {}

  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // Re-spaces a number: keeps '+' and digits, puts random separators between them.
  std::string Separate(const std::string& s) {
    static constexpr std::string_view kSeparators = " -.()/";
    static constexpr std::string_view kOthers = "x#,;*~ab";
    std::string out;
    for (char c : s) {
      if (c != '+' && (c < '0' || c > '9')) continue;
      if (!out.empty() && Chance(0.3)) out.push_back(kSeparators[Below(kSeparators.size())]);
      if (!out.empty() && Chance(0.005)) out.push_back(kOthers[Below(kOthers.size())]);
      out.push_back(c);
    }
    if (Chance(0.05)) out.insert(0, " ");
    if (Chance(0.05)) out.push_back(kSeparators[Below(kSeparators.size())]);
    return out;
  }

  std::string MutateDigits(std::string s) {
    const int edits = 1 + static_cast<int>(Below(3));
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const size_t i = Below(s.size());
      if (s[i] < '0' || s[i] > '9') continue;
      switch (Below(3)) {
        case 0:
          s[i] = static_cast<char>('0' + Below(10));
          break;
        case 1:
          s.erase(i, 1);
          break;
        default:
          s.insert(i, 1, static_cast<char>('0' + Below(10)));
          break;
      }
    }
    return s;
  }

  std::string ChangePrefix(std::string s) {
    static const char* const kPrefixes[] = {"+",   "0",  "1",  "00", "011", "8",    "+0",  "++",
                                            "001", "44", "49", "33", "7",   "0011", "810", "06"};
    switch (Below(4)) {
      case 0:  // add a prefix
        return kPrefixes[Below(std::size(kPrefixes))] + s;
      case 1:  // remove the first character(s)
        return s.substr(std::min(s.size(), 1 + Below(3)));
      case 2:  // drop the plus
        if (!s.empty() && s[0] == '+') s.erase(0, 1);
        return s;
      default:  // replace the first digit
        for (char& c : s) {
          if (c >= '0' && c <= '9') {
            c = static_cast<char>('0' + Below(10));
            break;
          }
        }
        return s;
    }
  }

 private:
  std::mt19937 rng_;
};

TEST(PhoneFastPath, AgreesWithLibphonenumber) {
  const std::vector<Example> examples = ExampleNumbers();
  ASSERT_GT(examples.size(), 1000u);
  std::set<std::string> region_set;
  PhoneNumberUtil::GetInstance()->GetSupportedRegions(&region_set);
  const std::vector<std::string> regions(region_set.begin(), region_set.end());

  Mutator m(20261121);
  struct Input {
    std::string text;
    std::string region;
  };
  std::vector<Input> inputs;
  constexpr int kVariants = 32;
  for (const Example& e : examples) {
    for (const std::string& base : e.texts) {
      for (int v = 0; v < kVariants; ++v) {
        std::string text = base;
        if (v > 0 && m.Chance(0.7)) text = m.Separate(text);
        if (v > 0 && m.Chance(0.3)) text = m.MutateDigits(text);
        if (v > 0 && m.Chance(0.3)) text = m.ChangePrefix(text);
        std::string region;
        switch (v == 0 ? 0 : m.Below(6)) {
          case 0:
          case 1:
          case 2:
            region = e.region;
            break;
          case 3:
          case 4:
            region = regions[m.Below(regions.size())];
            break;
          default:
            region = m.Chance(0.5) ? "" : (m.Chance(0.5) ? "ZZ" : "gb");
            break;
        }
        inputs.push_back({std::move(text), std::move(region)});
      }
    }
  }
  ASSERT_GE(inputs.size(), 100000u);

  size_t fast_hits = 0;
  std::vector<std::string> mismatches;
  for (const Input& in : inputs) {
    const std::optional<std::string> fast = detail::FastE164(in.text, in.region);
    if (!fast) continue;
    ++fast_hits;
    const Result<std::string> lib = detail::LibE164(in.text, in.region);
    const std::string want = lib.ok() ? *lib : "error: " + lib.status().message();
    if (want != *fast && mismatches.size() < 20) {
      mismatches.push_back("'" + in.text + "' in '" + in.region + "': fast " + *fast +
                           ", libphonenumber " + want);
    }
  }
  for (const std::string& s : mismatches) ADD_FAILURE() << s;
  // The fast path must actually be exercised, on a good share of the inputs.
  EXPECT_GT(fast_hits, inputs.size() / 5) << fast_hits << " of " << inputs.size();

  // Timing (informative): both paths over 20k of the inputs the fast path handles.
  std::vector<const Input*> handled;
  for (const Input& in : inputs) {
    if (handled.size() < 20000 && detail::FastE164(in.text, in.region)) handled.push_back(&in);
  }
  using Clock = std::chrono::steady_clock;
  size_t sink = 0;
  auto t0 = Clock::now();
  for (const Input* in : handled) sink += detail::FastE164(in->text, in->region)->size();
  auto t1 = Clock::now();
  for (const Input* in : handled) sink += detail::LibE164(in->text, in->region)->size();
  auto t2 = Clock::now();
  auto ns = [&](Clock::duration d) {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()) /
           static_cast<double>(handled.size());
  };
  std::printf(
      "phone: %zu inputs from %zu example numbers, %zu on the fast path; per number: fast path "
      "%.0f ns, libphonenumber %.0f ns (checksum %zu)\n",
      inputs.size(), examples.size(), fast_hits, ns(t1 - t0), ns(t2 - t1), sink);
}

}  // namespace
}  // namespace contactd::phone
