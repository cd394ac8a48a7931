#include "persist/keys.h"

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace contactd::persist {
namespace {

constexpr uint32_t kMax32 = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kMax64 = std::numeric_limits<uint64_t>::max();

TEST(KeysTest, RoundTripsEveryKeyKind) {
  for (uint32_t a : {0u, 1u, 255u, 256u, 0x01020304u, kMax32}) {
    for (uint32_t b : {0u, 1u, 65536u, kMax32}) {
      WorkspaceNo ws;
      ChatbotNo cb;
      ASSERT_TRUE(DecodeWorkspaceKey(WorkspaceKey(a), &ws));
      EXPECT_EQ(ws, a);
      ASSERT_TRUE(DecodeChatbotKey(ChatbotKey(a, b), &ws, &cb));
      EXPECT_EQ(ws, a);
      EXPECT_EQ(cb, b);
      KeyNo key;
      ASSERT_TRUE(DecodeApiKeyKey(ApiKeyKey(a, b), &ws, &key));
      EXPECT_EQ(ws, a);
      EXPECT_EQ(key, b);
      for (AttrNo attr : {AttrNo{0}, AttrNo{1}, AttrNo{300}, AttrNo{65535}}) {
        AttrNo got;
        ASSERT_TRUE(DecodeAttributeKey(AttributeKey(a, b, attr), &ws, &cb, &got));
        EXPECT_EQ(ws, a);
        EXPECT_EQ(cb, b);
        EXPECT_EQ(got, attr);
      }
      for (ContactId id : {ContactId{1}, ContactId{1} << 32, kMax64}) {
        ContactId got;
        ASSERT_TRUE(DecodeContactKey(ContactKey(a, b, id), &ws, &cb, &got));
        EXPECT_EQ(ws, a);
        EXPECT_EQ(cb, b);
        EXPECT_EQ(got, id);
      }
    }
  }
}

TEST(KeysTest, KeysHaveFixedWidthsAndBigEndianBytes) {
  EXPECT_EQ(WorkspaceKey(1).size(), kWorkspaceKeySize);
  EXPECT_EQ(ChatbotKey(1, 2).size(), kChatbotKeySize);
  EXPECT_EQ(AttributeKey(1, 2, 3).size(), kAttributeKeySize);
  EXPECT_EQ(ApiKeyKey(1, 2).size(), kApiKeyKeySize);
  EXPECT_EQ(ContactKey(1, 2, 3).size(), kContactKeySize);
  EXPECT_EQ(WorkspaceKey(0x01020304), std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(ContactKey(1, 2, 3), std::string("\0\0\0\1\0\0\0\2\0\0\0\0\0\0\0\3", 16));
  EXPECT_EQ(AttributeKey(1, 2, 0x0102), std::string("\0\0\0\1\0\0\0\2\1\2", 10));
}

TEST(KeysTest, CounterAndVersionKeys) {
  EXPECT_EQ(CounterKey(Counter::kContactId), std::string("c\x01", 2));
  uint8_t counter;
  ASSERT_TRUE(DecodeCounterKey(CounterKey(Counter::kKeyNo), &counter));
  EXPECT_EQ(counter, static_cast<uint8_t>(Counter::kKeyNo));
  EXPECT_FALSE(DecodeCounterKey(FormatVersionKey(), &counter));
  EXPECT_FALSE(DecodeCounterKey("x\x01", &counter));
  EXPECT_FALSE(DecodeCounterKey("c", &counter));
  EXPECT_NE(FormatVersionKey(), CounterKey(Counter::kContactId));
}

TEST(KeysTest, DecodersRejectWrongSizes) {
  WorkspaceNo ws;
  ChatbotNo cb;
  AttrNo attr;
  KeyNo key;
  ContactId id;
  for (size_t extra : {size_t{0}, size_t{1}}) {
    const std::string longer = ContactKey(1, 2, 3) + std::string(extra, 'x');
    EXPECT_FALSE(DecodeWorkspaceKey(longer.substr(0, 3 + extra * 2), &ws));
    EXPECT_FALSE(DecodeChatbotKey(longer.substr(0, 7 + extra * 2), &ws, &cb));
    EXPECT_FALSE(DecodeAttributeKey(longer.substr(0, 9 + extra * 2), &ws, &cb, &attr));
    EXPECT_FALSE(DecodeApiKeyKey(longer.substr(0, 7 + extra * 2), &ws, &key));
    EXPECT_FALSE(DecodeContactKey(longer.substr(0, 15 + extra * 2), &ws, &cb, &id));
  }
  EXPECT_FALSE(DecodeWorkspaceKey("", &ws));
  EXPECT_FALSE(DecodeContactKey("", &ws, &cb, &id));
}

TEST(KeysTest, BytewiseOrderIsNumericOrder) {
  std::mt19937_64 rng(42);
  struct Tuple {
    uint32_t ws, cb;
    uint64_t id;
    auto operator<=>(const Tuple&) const = default;
  };
  std::vector<Tuple> tuples;
  const uint32_t edges32[] = {0, 1, 255, 256, 65535, 65536, 0x7fffffff, 0x80000000, kMax32};
  for (int i = 0; i < 500; ++i) {
    tuples.push_back({static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()), rng()});
    tuples.push_back({edges32[i % 9], edges32[(i / 9) % 9], i % 2 ? kMax64 - i : uint64_t(i)});
  }
  std::vector<Tuple> by_number = tuples;
  std::sort(by_number.begin(), by_number.end());
  std::vector<Tuple> by_key = tuples;
  std::sort(by_key.begin(), by_key.end(), [](const Tuple& a, const Tuple& b) {
    return ContactKey(a.ws, a.cb, a.id) < ContactKey(b.ws, b.cb, b.id);
  });
  EXPECT_EQ(by_key, by_number);

  // Numbers that a decimal or little-endian encoding would misorder.
  EXPECT_LT(WorkspaceKey(9), WorkspaceKey(10));
  EXPECT_LT(WorkspaceKey(255), WorkspaceKey(256));
  EXPECT_LT(AttributeKey(1, 1, 255), AttributeKey(1, 1, 256));
  EXPECT_LT(ContactKey(1, 1, 0xff), ContactKey(1, 1, 0x100));
}

TEST(KeysTest, TenantComesFirst) {
  // Every key of workspace 1 sorts before every key of workspace 2, whatever follows.
  EXPECT_LT(ContactKey(1, kMax32, kMax64), ContactKey(2, 0, 0));
  EXPECT_LT(AttributeKey(1, kMax32, 65535), AttributeKey(2, 0, 0));
  EXPECT_LT(ApiKeyKey(1, kMax32), ApiKeyKey(2, 0));
  EXPECT_EQ(ContactKey(7, 8, 9).substr(0, 4), WorkspaceKey(7));
  EXPECT_EQ(ContactKey(7, 8, 9).substr(0, 8), ChatbotKey(7, 8));
  EXPECT_EQ(AttributeKey(7, 8, 9).substr(0, 8), ChatbotKey(7, 8));
  EXPECT_EQ(ApiKeyKey(7, 8).substr(0, 4), WorkspaceKey(7));
}

bool InRange(const KeyRange& r, const std::string& key) { return r.begin <= key && key < r.end; }

TEST(KeysTest, WorkspaceRangeCoversExactlyItsKeys) {
  for (uint32_t ws : {0u, 1u, 0xffu, 0x1ffu, 0xfffffffeu, kMax32}) {
    const KeyRange r = WorkspaceRange(ws);
    EXPECT_TRUE(InRange(r, WorkspaceKey(ws)));
    EXPECT_TRUE(InRange(r, ChatbotKey(ws, 0)));
    EXPECT_TRUE(InRange(r, ChatbotKey(ws, kMax32)));
    EXPECT_TRUE(InRange(r, AttributeKey(ws, kMax32, 65535)));
    EXPECT_TRUE(InRange(r, ApiKeyKey(ws, kMax32)));
    EXPECT_TRUE(InRange(r, ContactKey(ws, 0, 0)));
    EXPECT_TRUE(InRange(r, ContactKey(ws, kMax32, kMax64)));
    if (ws > 0) {
      EXPECT_FALSE(InRange(r, ContactKey(ws - 1, kMax32, kMax64)));
    }
    if (ws < kMax32) {
      EXPECT_FALSE(InRange(r, ContactKey(ws + 1, 0, 0)));
    }
    if (ws < kMax32) {
      EXPECT_FALSE(InRange(r, WorkspaceKey(ws + 1)));
    }
  }
}

TEST(KeysTest, ChatbotRangeCoversExactlyItsKeys) {
  for (uint32_t ws : {1u, kMax32}) {
    for (uint32_t cb : {0u, 1u, 0xffu, kMax32}) {
      const KeyRange r = ChatbotRange(ws, cb);
      EXPECT_TRUE(InRange(r, AttributeKey(ws, cb, 0)));
      EXPECT_TRUE(InRange(r, AttributeKey(ws, cb, 65535)));
      EXPECT_TRUE(InRange(r, ContactKey(ws, cb, 0)));
      EXPECT_TRUE(InRange(r, ContactKey(ws, cb, kMax64)));
      if (cb > 0) {
        EXPECT_FALSE(InRange(r, ContactKey(ws, cb - 1, kMax64)));
      }
      if (cb < kMax32) {
        EXPECT_FALSE(InRange(r, ContactKey(ws, cb + 1, 0)));
      }
      if (ws < kMax32) {
        EXPECT_FALSE(InRange(r, ContactKey(ws + 1, 0, 0)));
      }
      EXPECT_FALSE(InRange(r, ContactKey(ws - 1, cb, 5)));
    }
  }
}

TEST(KeysTest, KeySpaceEndIsAboveEveryKey) {
  const std::string end = KeySpaceEnd();
  EXPECT_LT(ContactKey(kMax32, kMax32, kMax64), end);
  EXPECT_LT(AttributeKey(kMax32, kMax32, 65535), end);
  EXPECT_LT(CounterKey(Counter::kKeyNo), end);
  EXPECT_LT(FormatVersionKey(), end);
  EXPECT_EQ(PrefixRange(std::string(4, '\xff')).end, end);
}

}  // namespace
}  // namespace contactd::persist
