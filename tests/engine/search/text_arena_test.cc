// TextArena: texts stay readable across chunk boundaries, replacement, erasure and compaction.
#include "engine/search/text_arena.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

namespace contactd::search {
namespace {

// A text of `n` bytes that differs from row to row.
std::string TextOf(Row row, size_t n) {
  std::string s(n, 'a' + row % 26);
  if (!s.empty()) s.front() = static_cast<char>('0' + row % 10);
  return s;
}

TEST(TextArenaTest, EmptyAndUnknownRowsReadEmpty) {
  TextArena arena;
  EXPECT_EQ(arena.Get(0), "");
  EXPECT_EQ(arena.Get(12345), "");
  arena.Set(3, "x");
  EXPECT_EQ(arena.Get(2), "");
  EXPECT_EQ(arena.Get(3), "x");
  arena.Set(4, "");
  EXPECT_EQ(arena.Get(4), "");
}

TEST(TextArenaTest, FieldsSplitOnTheSeparator) {
  TextArena arena;
  arena.Set(0, std::string("ann") + kFieldSeparator + "ann@example.com" + kFieldSeparator);
  EXPECT_EQ(arena.Field(0, 0), "ann");
  EXPECT_EQ(arena.Field(0, 1), "ann@example.com");
  EXPECT_EQ(arena.Field(0, 2), "");
  EXPECT_EQ(arena.Field(0, 3), "");
}

// Enough text for several chunks, in sizes that leave the chunks' tails unused: every text
// reads back whole, including those placed at the start of a new chunk.
TEST(TextArenaTest, TextsSpanningManyChunksReadBack) {
  TextArena arena;
  const size_t kRows = 40000;
  size_t total = 0;
  for (Row row = 0; row < kRows; ++row) {
    const size_t n = 1 + (row * 7919) % 300;
    arena.Set(row, TextOf(row, n));
    total += n;
  }
  ASSERT_GT(total, 4 * TextArena::kChunkBytes);
  for (Row row = 0; row < kRows; ++row) {
    ASSERT_EQ(arena.Get(row), TextOf(row, 1 + (row * 7919) % 300)) << row;
  }
  EXPECT_GE(arena.MemoryBytes(), total);
}

TEST(TextArenaTest, TheLongestTextFillsAChunkAndLongerIsRefused) {
  TextArena arena;
  arena.Set(0, "head");
  const std::string full(TextArena::kChunkBytes, 'z');
  arena.Set(1, full);
  arena.Set(2, "tail");
  EXPECT_EQ(arena.Get(0), "head");
  EXPECT_EQ(arena.Get(1), full);
  EXPECT_EQ(arena.Get(2), "tail");
  EXPECT_THROW(arena.Set(3, std::string(TextArena::kChunkBytes + 1, 'z')), std::length_error);
  EXPECT_EQ(arena.Get(3), "");
}

// Rewriting rows over and over makes garbage; compaction must keep every live text and drop
// erased ones, and keep the memory near the live bytes.
TEST(TextArenaTest, ReplacingAndErasingKeepsLiveTextsThroughCompaction) {
  TextArena arena;
  std::map<Row, std::string> expected;
  const Row kRows = 5000;
  for (int round = 0; round < 30; ++round) {
    for (Row row = 0; row < kRows; ++row) {
      if ((row + round) % 11 == 0) {
        arena.Erase(row);
        expected.erase(row);
      } else {
        const std::string text = TextOf(row + round, 50 + (row + round) % 200);
        arena.Set(row, text);
        expected[row] = text;
      }
    }
  }
  size_t live = 0;
  for (Row row = 0; row < kRows; ++row) {
    auto it = expected.find(row);
    ASSERT_EQ(arena.Get(row), it == expected.end() ? "" : it->second) << row;
    if (it != expected.end()) live += it->second.size();
  }
  // Without compaction the arena would hold all 30 rounds' bytes.
  EXPECT_LT(arena.MemoryBytes(), 4 * live + 2 * TextArena::kChunkBytes);
}

}  // namespace
}  // namespace contactd::search
