// Tests of the contact record format (engine/record.h): round trips of every field and value kind,
// rejection of malformed bytes, forward compatibility, and RecordView.
#include "engine/record.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/coding.h"

#include "tests/engine/test_printers.h"

namespace contactd {
namespace {

Contact FullContact() {
  Contact c;
  c.id = 42;
  c.created_at = 1763683200;
  c.updated_at = 1763683260;
  c.external_id = "user_8821";
  c.name = "Sam Rivera";
  c.email = "Sam@Acme.com";
  c.phonenumber = "+14155550100";
  c.stripe_accounts = {{"main", "cus_123", "billing@acme.com"},
                       {"only-id", "cus_456", std::nullopt},
                       {"only-email", std::nullopt, "x@acme.com"}};
  c.attrs = {{1, std::string("pro")},
             {2, int64_t{540}},
             {3, 2.5},
             {4, true},
             {5, false},
             {7, DateTime{1763719200, 500000000, 120, false}},
             {9, DateTime{1763683200, 0, 0, true}}};
  return c;
}

Contact RoundTrip(const Contact& c) {
  const std::string bytes = EncodeRecord(c);
  EXPECT_TRUE(CheckRecord(bytes));
  Result<Contact> decoded = DecodeRecord(bytes);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? *decoded : Contact{};
}

// The fixed header of a version 1 record with `id` and zero timestamps.
std::string Header(ContactId id = 5) {
  std::string s;
  s.push_back(1);
  coding::PutFixed64LE(&s, id);
  coding::PutVarint(&s, coding::ZigZag(0));
  coding::PutVarint(&s, coding::ZigZag(0));
  return s;
}

void PutField(std::string* s, uint8_t tag, std::string_view payload) {
  s->push_back(static_cast<char>(tag));
  coding::PutLengthPrefixed(s, payload);
}

// A record with external_id "x" and one more field, `tag`, holding `payload`.
std::string WithField(uint8_t tag, std::string_view payload) {
  std::string s = Header();
  PutField(&s, 1, "x");
  PutField(&s, tag, payload);
  return s;
}

TEST(RecordTest, RoundTripsEveryField) {
  const Contact c = FullContact();
  EXPECT_EQ(RoundTrip(c), c);
}

TEST(RecordTest, RoundTripsMinimalContact) {
  Contact c;
  c.id = 1;
  c.external_id = "x";
  const Contact back = RoundTrip(c);
  EXPECT_EQ(back, c);
  EXPECT_FALSE(back.name.has_value());
  EXPECT_FALSE(back.email.has_value());
  EXPECT_FALSE(back.phonenumber.has_value());
  EXPECT_TRUE(back.stripe_accounts.empty());
  EXPECT_TRUE(back.attrs.empty());
}

TEST(RecordTest, RoundTripsEmptyStringsAsPresent) {
  Contact c;
  c.id = 7;
  c.external_id = "e";
  c.name = "";
  c.email = "";
  c.phonenumber = "";
  const Contact back = RoundTrip(c);
  ASSERT_TRUE(back.name.has_value());
  EXPECT_EQ(*back.name, "");
  EXPECT_EQ(back, c);
}

TEST(RecordTest, RoundTripsExtremeHeaderValues) {
  Contact c;
  c.id = std::numeric_limits<uint64_t>::max();
  c.created_at = std::numeric_limits<int64_t>::min();
  c.updated_at = std::numeric_limits<int64_t>::max();
  c.external_id = std::string(300, 'z');
  EXPECT_EQ(RoundTrip(c), c);
  c.created_at = -1;
  c.updated_at = 0;
  EXPECT_EQ(RoundTrip(c), c);
}

TEST(RecordTest, RoundTripsUtf8AndBinarySafeStrings) {
  Contact c;
  c.id = 3;
  c.external_id = "ünïcødé-😀";
  c.name = std::string("a\0b", 3);
  c.email = "müller@example.de";
  EXPECT_EQ(RoundTrip(c), c);
}

class AttrValueRoundTrip : public ::testing::TestWithParam<AttrValue> {};

TEST_P(AttrValueRoundTrip, KeepsValueAndKind) {
  Contact c;
  c.id = 9;
  c.external_id = "v";
  c.attrs = {{65535, GetParam()}};
  const Contact back = RoundTrip(c);
  ASSERT_EQ(back.attrs.size(), 1u);
  EXPECT_EQ(back.attrs[0].attr, 65535);
  EXPECT_EQ(back.attrs[0].value.index(), GetParam().index());
  EXPECT_EQ(back.attrs[0].value, GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, AttrValueRoundTrip,
    ::testing::Values(AttrValue(std::string("")), AttrValue(std::string("line\nnext\ttab")),
                      AttrValue(std::string(20000, 'q')), AttrValue(int64_t{0}),
                      AttrValue(int64_t{-1}), AttrValue(std::numeric_limits<int64_t>::min()),
                      AttrValue(std::numeric_limits<int64_t>::max()), AttrValue(0.0),
                      AttrValue(-0.0), AttrValue(3.141592653589793), AttrValue(-1e308),
                      AttrValue(std::numeric_limits<double>::denorm_min()), AttrValue(true),
                      AttrValue(false), AttrValue(DateTime{0, 0, 0, true}),
                      AttrValue(DateTime{-86400, 0, 0, true}),
                      AttrValue(DateTime{-1, 999999999, -720, false}),
                      AttrValue(DateTime{253402300799, 1, 1440, false}),
                      AttrValue(DateTime{1763719200, 123456789, -330, false})));

TEST(RecordTest, NegativeZeroDoubleKeepsItsSign) {
  Contact c;
  c.id = 1;
  c.external_id = "z";
  c.attrs = {{1, -0.0}};
  const Contact back = RoundTrip(c);
  EXPECT_TRUE(std::signbit(std::get<double>(back.attrs[0].value)));
}

TEST(RecordTest, NanDoubleDecodesAsNan) {
  Contact c;
  c.id = 1;
  c.external_id = "n";
  c.attrs = {{1, std::numeric_limits<double>::quiet_NaN()}};
  const std::string bytes = EncodeRecord(c);
  ASSERT_TRUE(CheckRecord(bytes));
  Result<Contact> back = DecodeRecord(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(std::isnan(std::get<double>(back->attrs[0].value)));
}

TEST(RecordTest, EncodingIsDeterministic) {
  EXPECT_EQ(EncodeRecord(FullContact()), EncodeRecord(FullContact()));
}

TEST(RecordTest, HeaderLayoutIsVersionThenFixedId) {
  Contact c;
  c.id = 0x0102030405060708;
  c.external_id = "x";
  const std::string bytes = EncodeRecord(c);
  ASSERT_GE(bytes.size(), 9u);
  EXPECT_EQ(bytes[0], 1);                           // version
  EXPECT_EQ(static_cast<uint8_t>(bytes[1]), 0x08);  // little-endian id
  EXPECT_EQ(static_cast<uint8_t>(bytes[8]), 0x01);
}

TEST(RecordTest, RejectsEmptyAndGarbage) {
  EXPECT_FALSE(CheckRecord(""));
  EXPECT_FALSE(CheckRecord(std::string(1, '\x01')));
  EXPECT_FALSE(CheckRecord("hello world, not a record"));
  EXPECT_FALSE(CheckRecord(std::string(64, '\xff')));
  EXPECT_FALSE(CheckRecord(std::string(64, '\0')));
  Result<Contact> r = DecodeRecord("garbage");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kDataLoss);
  EXPECT_EQ(r.status().message(), "corrupt contact record");
}

TEST(RecordTest, RejectsUnknownVersions) {
  for (int version : {0, 2, 255}) {
    std::string bytes = EncodeRecord(FullContact());
    bytes[0] = static_cast<char>(version);
    EXPECT_FALSE(CheckRecord(bytes)) << version;
    EXPECT_EQ(DecodeRecord(bytes).status().code(), Code::kDataLoss) << version;
  }
}

TEST(RecordTest, RejectsIdZero) {
  Contact c = FullContact();
  c.id = 0;
  const std::string bytes = EncodeRecord(c);
  EXPECT_FALSE(CheckRecord(bytes));
  EXPECT_FALSE(DecodeRecord(bytes).ok());
}

TEST(RecordTest, RejectsRecordWithoutExternalId) {
  std::string bytes = Header();
  EXPECT_FALSE(CheckRecord(bytes));  // header only
  EXPECT_FALSE(DecodeRecord(bytes).ok());
  PutField(&bytes, 2, "Sam");  // a name field but no external_id
  EXPECT_FALSE(CheckRecord(bytes));
  EXPECT_FALSE(DecodeRecord(bytes).ok());
}

TEST(RecordTest, RejectsFieldsOutOfOrderOrRepeated) {
  std::string repeated = Header();
  PutField(&repeated, 1, "a");
  PutField(&repeated, 1, "b");
  EXPECT_FALSE(CheckRecord(repeated));
  EXPECT_FALSE(DecodeRecord(repeated).ok());

  std::string descending = Header();
  PutField(&descending, 1, "a");
  PutField(&descending, 3, "a@b.co");
  PutField(&descending, 2, "Sam");
  EXPECT_FALSE(CheckRecord(descending));
  EXPECT_FALSE(DecodeRecord(descending).ok());
}

// Every prefix of a full record is either rejected or, exactly when it ends on a field boundary, a
// valid record holding the fields before that boundary.
TEST(RecordTest, EveryTruncationIsRejectedUnlessItEndsOnAFieldBoundary) {
  const Contact full = FullContact();
  std::vector<Contact> prefixes;
  Contact c = full;
  c.name.reset();
  c.email.reset();
  c.phonenumber.reset();
  c.stripe_accounts.clear();
  c.attrs.clear();
  prefixes.push_back(c);
  c.name = full.name;
  prefixes.push_back(c);
  c.email = full.email;
  prefixes.push_back(c);
  c.phonenumber = full.phonenumber;
  prefixes.push_back(c);
  c.stripe_accounts = full.stripe_accounts;
  prefixes.push_back(c);

  const std::string bytes = EncodeRecord(full);
  std::map<size_t, Contact> boundaries;
  for (const Contact& p : prefixes) {
    const std::string enc = EncodeRecord(p);
    ASSERT_EQ(bytes.compare(0, enc.size(), enc), 0);
    boundaries[enc.size()] = p;
  }
  for (size_t n = 0; n < bytes.size(); ++n) {
    const std::string_view cut(bytes.data(), n);
    auto b = boundaries.find(n);
    if (b == boundaries.end()) {
      EXPECT_FALSE(CheckRecord(cut)) << "length " << n;
      EXPECT_FALSE(DecodeRecord(cut).ok()) << "length " << n;
    } else {
      EXPECT_TRUE(CheckRecord(cut)) << "length " << n;
      Result<Contact> d = DecodeRecord(cut);
      ASSERT_TRUE(d.ok()) << "length " << n;
      EXPECT_EQ(*d, b->second);
    }
  }
}

TEST(RecordTest, RandomByteFlipsNeverCrashAndCheckAgreesWithDecode) {
  const std::string original = EncodeRecord(FullContact());
  std::mt19937 rng(20261121);
  int accepted = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
    }
    const bool checked = CheckRecord(bytes);
    Result<Contact> decoded = DecodeRecord(bytes);
    ASSERT_EQ(checked, decoded.ok()) << "iteration " << i;
    if (!checked) continue;
    ++accepted;
    const RecordView v(bytes);
    EXPECT_EQ(v.id(), decoded->id);
    EXPECT_EQ(v.created_at(), decoded->created_at);
    EXPECT_EQ(v.updated_at(), decoded->updated_at);
    EXPECT_EQ(v.external_id(), decoded->external_id);
    EXPECT_EQ(v.name(), decoded->name);
    EXPECT_EQ(v.email(), decoded->email);
    EXPECT_EQ(v.phonenumber(), decoded->phonenumber);
  }
  EXPECT_GT(accepted, 0);  // flips inside string payloads keep the record well-formed
}

TEST(RecordTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (char& ch : bytes) ch = static_cast<char>(rng());
    if (!bytes.empty() && rng() % 2) bytes[0] = 1;  // a plausible version byte
    ASSERT_EQ(CheckRecord(bytes), DecodeRecord(bytes).ok());
  }
}

TEST(RecordTest, RejectsMalformedAttributeValues) {
  auto with_attrs = [](std::string_view payload) { return WithField(6, payload); };
  std::string ok;
  coding::PutVarint(&ok, 1);
  coding::PutVarint(&ok, 1);
  ok.push_back(5);  // true
  EXPECT_TRUE(CheckRecord(with_attrs(ok)));

  std::string unknown_kind = ok;
  unknown_kind.back() = 7;
  EXPECT_FALSE(CheckRecord(with_attrs(unknown_kind)));

  std::string attr_zero;
  coding::PutVarint(&attr_zero, 1);
  coding::PutVarint(&attr_zero, 0);
  attr_zero.push_back(5);
  EXPECT_FALSE(CheckRecord(with_attrs(attr_zero)));

  std::string attr_too_big;
  coding::PutVarint(&attr_too_big, 1);
  coding::PutVarint(&attr_too_big, 65536);
  attr_too_big.push_back(5);
  EXPECT_FALSE(CheckRecord(with_attrs(attr_too_big)));

  std::string not_ascending;
  coding::PutVarint(&not_ascending, 2);
  coding::PutVarint(&not_ascending, 3);
  not_ascending.push_back(5);
  coding::PutVarint(&not_ascending, 3);
  not_ascending.push_back(4);
  EXPECT_FALSE(CheckRecord(with_attrs(not_ascending)));

  std::string count_too_big;
  coding::PutVarint(&count_too_big, 2);
  coding::PutVarint(&count_too_big, 1);
  count_too_big.push_back(5);
  EXPECT_FALSE(CheckRecord(with_attrs(count_too_big)));

  std::string trailing = ok;
  trailing.push_back(0);
  EXPECT_FALSE(CheckRecord(with_attrs(trailing)));

  auto date = [](uint64_t nanos, int64_t offset) {
    std::string p;
    coding::PutVarint(&p, 1);
    coding::PutVarint(&p, 1);
    p.push_back(6);
    coding::PutVarint(&p, coding::ZigZag(0));
    coding::PutVarint(&p, nanos);
    coding::PutVarint(&p, coding::ZigZag(offset));
    p.push_back(0);
    return p;
  };
  EXPECT_TRUE(CheckRecord(with_attrs(date(999999999, 1440))));
  EXPECT_TRUE(CheckRecord(with_attrs(date(0, -1440))));
  EXPECT_FALSE(CheckRecord(with_attrs(date(1000000000, 0))));
  EXPECT_FALSE(CheckRecord(with_attrs(date(0, 1441))));
  EXPECT_FALSE(CheckRecord(with_attrs(date(0, -1441))));
}

TEST(RecordTest, RejectsMalformedStripeAccounts) {
  auto with_stripe = [](std::string_view payload) { return WithField(5, payload); };
  std::string ok;
  coding::PutVarint(&ok, 1);
  ok.push_back(1);
  coding::PutLengthPrefixed(&ok, "main");
  coding::PutLengthPrefixed(&ok, "cus_1");
  ASSERT_TRUE(CheckRecord(with_stripe(ok)));
  Result<Contact> d = DecodeRecord(with_stripe(ok));
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->stripe_accounts.size(), 1u);
  EXPECT_EQ(d->stripe_accounts[0], (StripeAccount{"main", "cus_1", std::nullopt}));

  std::string bad_flags = ok;
  bad_flags[1] = 4;
  EXPECT_FALSE(CheckRecord(with_stripe(bad_flags)));

  std::string missing_id;
  coding::PutVarint(&missing_id, 1);
  missing_id.push_back(3);  // says both follow, but only the id does
  coding::PutLengthPrefixed(&missing_id, "main");
  coding::PutLengthPrefixed(&missing_id, "cus_1");
  EXPECT_FALSE(CheckRecord(with_stripe(missing_id)));
}

TEST(RecordTest, SkipsUnknownFutureTags) {
  const Contact c = FullContact();
  std::string bytes = EncodeRecord(c);
  bytes.push_back(9);  // a field a later version adds
  coding::PutLengthPrefixed(&bytes, "verified_at=1763683200");
  bytes.push_back(static_cast<char>(200));
  coding::PutLengthPrefixed(&bytes, std::string(300, '\x7f'));
  ASSERT_TRUE(CheckRecord(bytes));
  Result<Contact> d = DecodeRecord(bytes);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, c);
  const RecordView v(bytes);
  EXPECT_EQ(v.external_id(), "user_8821");
  EXPECT_EQ(v.phonenumber(), "+14155550100");

  std::string truncated_unknown = EncodeRecord(c);
  truncated_unknown.push_back(9);
  coding::PutVarint(&truncated_unknown, 10);
  truncated_unknown += "short";
  EXPECT_FALSE(CheckRecord(truncated_unknown));
  EXPECT_FALSE(DecodeRecord(truncated_unknown).ok());
}

TEST(RecordTest, UnknownTagBetweenKnownTagsIsSkipped) {
  Contact c;
  c.id = 11;
  c.external_id = "ext";
  c.name = "N";
  c.phonenumber = "123";
  std::string bytes = Header(c.id);
  PutField(&bytes, 1, "ext");
  PutField(&bytes, 2, "N");
  PutField(&bytes, 4, "123");
  PutField(&bytes, 9, "x");
  ASSERT_TRUE(CheckRecord(bytes));
  EXPECT_EQ(*DecodeRecord(bytes), c);
  EXPECT_EQ(RecordView(bytes).email(), std::nullopt);
  EXPECT_EQ(RecordView(bytes).phonenumber(), "123");
}

TEST(RecordViewTest, AccessorsAgreeWithDecodedRecord) {
  const Contact c = FullContact();
  const std::string bytes = EncodeRecord(c);
  const RecordView v(bytes);
  EXPECT_EQ(v.bytes(), bytes);
  EXPECT_EQ(v.id(), 42u);
  EXPECT_EQ(v.created_at(), 1763683200);
  EXPECT_EQ(v.updated_at(), 1763683260);
  EXPECT_EQ(v.external_id(), "user_8821");
  EXPECT_EQ(v.name(), "Sam Rivera");
  EXPECT_EQ(v.email(), "Sam@Acme.com");
  EXPECT_EQ(v.phonenumber(), "+14155550100");
}

TEST(RecordViewTest, AbsentFieldsAreNullopt) {
  Contact c;
  c.id = 2;
  c.created_at = -5;
  c.updated_at = -4;
  c.external_id = "only";
  const std::string bytes = EncodeRecord(c);
  const RecordView v(bytes);
  EXPECT_EQ(v.id(), 2u);
  EXPECT_EQ(v.created_at(), -5);
  EXPECT_EQ(v.updated_at(), -4);
  EXPECT_EQ(v.external_id(), "only");
  EXPECT_EQ(v.name(), std::nullopt);
  EXPECT_EQ(v.email(), std::nullopt);
  EXPECT_EQ(v.phonenumber(), std::nullopt);
}

TEST(RecordTest, OwnedRecordHoldsACopyOfTheBytes) {
  std::string bytes = EncodeRecord(FullContact());
  const Record r(bytes);
  bytes.assign(bytes.size(), '\0');
  EXPECT_FALSE(r.empty());
  EXPECT_EQ(r.bytes(), EncodeRecord(FullContact()));
  EXPECT_EQ(r.view().external_id(), "user_8821");
  EXPECT_TRUE(Record().empty());
  EXPECT_EQ(Record().bytes(), "");
}

TEST(RecordTest, CopiesShareTheBytesAndTheLastOneFreesThem) {
  const std::string bytes = EncodeRecord(FullContact());
  auto original = std::make_unique<Record>(bytes);
  EXPECT_EQ(original->use_count(), 1u);
  const char* shared = original->bytes().data();

  Record copy(*original);
  EXPECT_EQ(copy.bytes().data(), shared);  // a reference, not a copy of the bytes
  EXPECT_EQ(original->use_count(), 2u);
  Record assigned;
  assigned = copy;
  EXPECT_EQ(assigned.bytes().data(), shared);
  EXPECT_EQ(copy.use_count(), 3u);

  original.reset();  // the others keep the bytes alive (ASan would flag a use after free)
  EXPECT_EQ(copy.use_count(), 2u);
  EXPECT_EQ(copy.bytes(), bytes);
  EXPECT_EQ(assigned.view().external_id(), "user_8821");

  Record moved(std::move(copy));
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(copy.use_count(), 0u);
  EXPECT_EQ(moved.use_count(), 2u);
  assigned = Record();  // drops one reference
  EXPECT_EQ(moved.use_count(), 1u);
  assigned = moved;
  const Record& same = assigned;
  assigned = same;  // self-assignment keeps the count
  EXPECT_EQ(moved.use_count(), 2u);
  moved = Record(EncodeRecord(Contact{.id = 1, .external_id = "x"}));
  EXPECT_EQ(assigned.use_count(), 1u);
  EXPECT_EQ(assigned.bytes(), bytes);
  EXPECT_EQ(moved.view().external_id(), "x");
}

TEST(RecordTest, ConcurrentCopiesAndDestructionsKeepTheCountExact) {
  const Record r(EncodeRecord(FullContact()));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&r] {
      for (int i = 0; i < 20000; ++i) {
        std::vector<Record> copies(3, r);
        EXPECT_EQ(copies[2].view().external_id(), "user_8821");
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(r.use_count(), 1u);
}

}  // namespace
}  // namespace contactd
