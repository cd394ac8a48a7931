#include "persist/entity_codec.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/coding.h"

namespace contactd::persist {
namespace {

Workspace SampleWorkspace() { return {.no = 7, .id = "ws_abc", .name = "Acme", .created_at = -5}; }

ChatbotInfo SampleChatbot() {
  return {.workspace = 7,
          .no = 9,
          .id = "cb_1",
          .name = "Bot",
          .created_at = 1700000000,
          .default_country = "GB"};
}

ApiKeyInfo SampleKey() {
  ApiKeyInfo k;
  k.workspace = 7;
  k.no = 3;
  k.id = "key_3";
  k.name = "ci";
  k.role = Role::kAdmin;
  k.chatbot = 9;
  k.chatbot_id = "cb_1";
  k.prefix = "ck_live_ab";
  for (size_t i = 0; i < k.digest.size(); ++i) k.digest[i] = static_cast<uint8_t>(i * 7 + 1);
  k.created_at = 1700000001;
  return k;
}

AttrDef SampleAttr() {
  return {.no = 4,
          .name = "ltv",
          .type = AttrType::kNumber,
          .label = "Lifetime value",
          .description = "in cents",
          .archived = true,
          .created_at = 42};
}

void ExpectEq(const Workspace& a, const Workspace& b) {
  EXPECT_EQ(a.no, b.no);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.created_at, b.created_at);
}

void ExpectEq(const ChatbotInfo& a, const ChatbotInfo& b) {
  EXPECT_EQ(a.workspace, b.workspace);
  EXPECT_EQ(a.no, b.no);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.default_country, b.default_country);
}

void ExpectEq(const ApiKeyInfo& a, const ApiKeyInfo& b) {
  EXPECT_EQ(a.workspace, b.workspace);
  EXPECT_EQ(a.no, b.no);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.chatbot, b.chatbot);
  EXPECT_EQ(a.chatbot_id, b.chatbot_id);
  EXPECT_EQ(a.prefix, b.prefix);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.created_at, b.created_at);
}

// Decodes with the key's numbers pre-filled, as the store does.
template <typename T, typename Decode>
T RoundTrip(const T& in, const std::string& value, Decode decode) {
  T out;
  if constexpr (requires { out.workspace; }) out.workspace = in.workspace;
  out.no = in.no;
  EXPECT_TRUE(decode(value, &out));
  return out;
}

TEST(EntityCodecTest, RoundTrips) {
  ExpectEq(RoundTrip(SampleWorkspace(), EncodeWorkspace(SampleWorkspace()), DecodeWorkspace),
           SampleWorkspace());
  ExpectEq(RoundTrip(SampleChatbot(), EncodeChatbot(SampleChatbot()), DecodeChatbot),
           SampleChatbot());
  ExpectEq(RoundTrip(SampleKey(), EncodeApiKey(SampleKey()), DecodeApiKey), SampleKey());
  EXPECT_EQ(RoundTrip(SampleAttr(), EncodeAttrDef(SampleAttr()), DecodeAttrDef), SampleAttr());
}

TEST(EntityCodecTest, RoundTripsDefaultsAndExtremes) {
  Workspace ws{.no = 1, .id = "w", .name = "", .created_at = INT64_MIN};
  ExpectEq(RoundTrip(ws, EncodeWorkspace(ws), DecodeWorkspace), ws);
  ws.created_at = INT64_MAX;
  ExpectEq(RoundTrip(ws, EncodeWorkspace(ws), DecodeWorkspace), ws);

  ApiKeyInfo key;  // unscoped member key, zero digest
  key.id = "key_1";
  key.role = Role::kOperator;
  ExpectEq(RoundTrip(key, EncodeApiKey(key), DecodeApiKey), key);
  key.chatbot = UINT32_MAX;
  ExpectEq(RoundTrip(key, EncodeApiKey(key), DecodeApiKey), key);

  for (AttrType t : {AttrType::kText, AttrType::kNumber, AttrType::kBoolean, AttrType::kDate}) {
    AttrDef def;
    def.no = 1;
    def.name = "a";
    def.type = t;
    EXPECT_EQ(RoundTrip(def, EncodeAttrDef(def), DecodeAttrDef), def);
  }
}

// A chatbot written before default_country existed (tags 1-3 only) still loads, with none.
TEST(EntityCodecTest, ChatbotWithoutDefaultCountryLoads) {
  std::string old(1, '\x01');
  coding::PutLengthPrefixed(&(old += '\x01'), "cb_1");
  coding::PutLengthPrefixed(&(old += '\x02'), "Bot");
  old += "\x03\x01\x02";  // created_at = 1 (zigzag)
  ChatbotInfo cb;
  cb.default_country = "XX";
  ASSERT_TRUE(DecodeChatbot(old, &cb));
  EXPECT_EQ(cb.id, "cb_1");
  EXPECT_EQ(cb.name, "Bot");
  EXPECT_EQ(cb.created_at, 1);
  EXPECT_EQ(cb.default_country, "");

  ChatbotInfo none = SampleChatbot();
  none.default_country.clear();
  EXPECT_EQ(EncodeChatbot(none).find("GB"), std::string::npos);
  EXPECT_NE(EncodeChatbot(SampleChatbot()).find("GB"), std::string::npos);
}

TEST(EntityCodecTest, KeyNumbersComeFromTheCaller) {
  Workspace ws;
  ws.no = 99;
  ASSERT_TRUE(DecodeWorkspace(EncodeWorkspace(SampleWorkspace()), &ws));
  EXPECT_EQ(ws.no, 99u);
  EXPECT_EQ(ws.id, "ws_abc");
}

TEST(EntityCodecTest, ApiKeyValueHoldsDigestNotPlaintext) {
  ApiKeyInfo key = SampleKey();
  const std::string value = EncodeApiKey(key);
  const std::string digest(reinterpret_cast<const char*>(key.digest.data()), key.digest.size());
  EXPECT_NE(value.find(digest), std::string::npos);
}

// Appends a field with a tag no decoder knows.
std::string WithUnknownField(std::string value, uint8_t tag, std::string_view payload) {
  value.push_back(static_cast<char>(tag));
  coding::PutLengthPrefixed(&value, payload);
  return value;
}

TEST(EntityCodecTest, SkipsUnknownTags) {
  Workspace ws;
  ASSERT_TRUE(
      DecodeWorkspace(WithUnknownField(EncodeWorkspace(SampleWorkspace()), 200, "new"), &ws));
  EXPECT_EQ(ws.id, "ws_abc");
  ChatbotInfo cb;
  ASSERT_TRUE(DecodeChatbot(WithUnknownField(EncodeChatbot(SampleChatbot()), 17, ""), &cb));
  EXPECT_EQ(cb.name, "Bot");
  ApiKeyInfo key;
  ASSERT_TRUE(DecodeApiKey(WithUnknownField(EncodeApiKey(SampleKey()), 9, "xyz"), &key));
  EXPECT_EQ(key.digest, SampleKey().digest);
  AttrDef def;
  def.no = 4;
  ASSERT_TRUE(DecodeAttrDef(WithUnknownField(EncodeAttrDef(SampleAttr()), 255, "z"), &def));
  EXPECT_EQ(def, SampleAttr());
}

// Offsets where a field ends, and the end of the field with tag `last_required`.
std::vector<size_t> FieldEnds(const std::string& value, uint8_t last_required,
                              size_t* required_end) {
  std::vector<size_t> ends;
  coding::Reader r(std::string_view(value).substr(1));
  uint8_t tag;
  std::string_view payload;
  while (r.Byte(&tag) && r.LengthPrefixed(&payload)) {
    ends.push_back(value.size() - r.remaining());
    if (tag == last_required) *required_end = ends.back();
  }
  return ends;
}

bool DecodeAny(int kind, std::string_view v) {
  Workspace ws;
  ChatbotInfo cb;
  ApiKeyInfo key;
  AttrDef def;
  switch (kind) {
    case 0:
      return DecodeWorkspace(v, &ws);
    case 1:
      return DecodeChatbot(v, &cb);
    case 2:
      return DecodeApiKey(v, &key);
    default:
      return DecodeAttrDef(v, &def);
  }
}

TEST(EntityCodecTest, RejectsTruncatedValues) {
  const std::string values[] = {EncodeWorkspace(SampleWorkspace()), EncodeChatbot(SampleChatbot()),
                                EncodeApiKey(SampleKey()), EncodeAttrDef(SampleAttr())};
  const uint8_t last_required[] = {1, 1, 7, 2};  // id, id, digest, type
  for (int kind = 0; kind < 4; ++kind) {
    const std::string& full = values[kind];
    size_t required_end = 0;
    const std::vector<size_t> ends = FieldEnds(full, last_required[kind], &required_end);
    ASSERT_EQ(ends.back(), full.size());
    ASSERT_GT(required_end, 0u);
    for (size_t n = 0; n <= full.size(); ++n) {
      const bool on_boundary = std::find(ends.begin(), ends.end(), n) != ends.end();
      // Cutting inside a field, or before a required one, must fail; cutting off whole optional
      // fields leaves a valid (older-looking) value.
      EXPECT_EQ(DecodeAny(kind, full.substr(0, n)), on_boundary && n >= required_end)
          << "kind " << kind << " cut at " << n << " of " << full.size();
    }
  }
}

TEST(EntityCodecTest, RejectsGarbage) {
  Workspace ws;
  ApiKeyInfo key;
  AttrDef def;
  EXPECT_FALSE(DecodeWorkspace(std::string("\x02\x01\x01x", 4), &ws));  // unknown version
  EXPECT_FALSE(DecodeWorkspace(std::string("\x01\x01\x05x", 4), &ws));  // length past the end
  EXPECT_FALSE(DecodeWorkspace(std::string("\x01\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12),
                               &ws));                                            // varint overflow
  EXPECT_FALSE(DecodeWorkspace(std::string("\x01\x02\x01x\x01\x01y", 7), &ws));  // tags descend
  EXPECT_FALSE(DecodeWorkspace(std::string("\x01\x01\x01x\x01\x01y", 7), &ws));  // tag repeats
  EXPECT_FALSE(DecodeWorkspace(std::string("\x01\x02\x01x", 4), &ws));           // id missing
  EXPECT_FALSE(DecodeWorkspace(std::string("\x01\x01\x01x\x03\x01\x80", 7), &ws));  // bad svarint
  EXPECT_FALSE(DecodeWorkspace(std::string("\x01\x01\x01x\x03\x02\x01\x01", 8), &ws));  // trailing

  // Enum values out of range.
  std::string bad_role = EncodeApiKey(SampleKey());
  bad_role[bad_role.find(std::string("\x03\x01\x02", 3)) + 2] = 9;
  EXPECT_FALSE(DecodeApiKey(bad_role, &key));
  std::string bad_type = EncodeAttrDef(SampleAttr());
  bad_type[bad_type.find(std::string("\x02\x01\x02", 3)) + 2] = 0;
  EXPECT_FALSE(DecodeAttrDef(bad_type, &def));

  // A digest of the wrong length.
  std::string v(1, '\x01');
  coding::PutLengthPrefixed(&(v += '\x01'), "key_1");
  v += "\x03\x01\x01";
  coding::PutLengthPrefixed(&(v += '\x07'), std::string(31, 'd'));
  EXPECT_FALSE(DecodeApiKey(v, &key));

  // Random bytes never crash a decoder (and mostly fail).
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    std::string junk(i % 40, '\0');
    for (char& c : junk) c = static_cast<char>((x = x * 1103515245 + 12345) >> 16);
    if (!junk.empty() && i % 2) junk[0] = 1;  // a valid version byte, to reach the fields
    ChatbotInfo cb;
    (void)DecodeWorkspace(junk, &ws);
    (void)DecodeChatbot(junk, &cb);
    (void)DecodeApiKey(junk, &key);
    (void)DecodeAttrDef(junk, &def);
  }
}

}  // namespace
}  // namespace contactd::persist
