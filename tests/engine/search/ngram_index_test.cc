#include "engine/search/ngram_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace contactd::search {
namespace {

using Field = NgramIndex::Field;
using Keys = NgramIndex::Keys;

// The key grammar documented at the top of ngram_index.cc.
constexpr uint64_t kRadix = 0x110000;
uint64_t Uni(uint64_t space, uint64_t c) { return uint64_t{1} << 63 | space << 21 | c; }
uint64_t Tri(uint64_t space, uint64_t c0, uint64_t c1, uint64_t c2) {
  return ((space * kRadix + c0) * kRadix + c1) * kRadix + c2;
}

// A slow, obviously correct UTF-8 decoder.
std::vector<uint32_t> Decode(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    uint32_t c = n == 1 ? lead : lead & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) c = c << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(c);
    i += n;
  }
  return out;
}

// What KeysOf() should produce, computed naively.
Keys NaiveKeys(const std::vector<Field>& fields) {
  std::set<uint64_t> keys;
  for (const Field& field : fields) {
    std::vector<uint32_t> cps = Decode(field.text);
    cps.insert(cps.begin(), {0, 0});
    for (size_t i = 2; i < cps.size(); ++i) {
      keys.insert(Uni(field.space, cps[i]));
      keys.insert(Tri(field.space, cps[i - 2], cps[i - 1], cps[i]));
    }
  }
  return Keys(keys.begin(), keys.end());
}

Keys KeysOf(const std::vector<Field>& fields) {
  Keys keys;
  NgramIndex::KeysOf(fields, &keys);
  return keys;
}

std::vector<Row> Rows(const roaring::Roaring& r) {
  std::vector<Row> rows(r.cardinality());
  r.toUint32Array(rows.data());
  return rows;
}

// A document: its fields' texts and spaces, owned.
struct Doc {
  std::vector<std::pair<std::string, uint8_t>> fields;

  std::vector<Field> View() const {
    std::vector<Field> out;
    for (const auto& [text, space] : fields) out.push_back({text, space});
    return out;
  }
  Keys KeysOf() const { return search::KeysOf(View()); }
};

// An index with the brute-force truth beside it.
class Checked {
 public:
  void Put(Row row, const Doc& doc) {
    if (auto it = keys_.find(row); it != keys_.end()) index_.Remove(row, it->second);
    docs_[row] = doc;
    keys_[row] = doc.KeysOf();
    index_.Add(row, keys_[row]);
  }
  void Erase(Row row) {
    auto it = keys_.find(row);
    if (it == keys_.end()) return;
    index_.Remove(row, it->second);
    keys_.erase(it);
    docs_.erase(row);
  }

  std::vector<Row> Truth(std::string_view q, uint8_t space) const {
    std::vector<Row> rows;
    if (q.empty()) return rows;
    for (const auto& [row, doc] : docs_) {
      for (const auto& [text, s] : doc.fields) {
        if (s == space && text.find(q) != std::string::npos) {
          rows.push_back(row);
          break;
        }
      }
    }
    return rows;
  }

  // Rows holding every trigram of q (of 4+ code points) in fields of `space`.
  std::vector<Row> WithAllTrigrams(std::string_view q, uint8_t space) const {
    const std::vector<uint32_t> cps = Decode(q);
    std::vector<Row> rows;
    for (const auto& [row, keys] : keys_) {
      bool all = true;
      for (size_t i = 0; i + 2 < cps.size() && all; ++i) {
        all = std::binary_search(keys.begin(), keys.end(),
                                 Tri(space, cps[i], cps[i + 1], cps[i + 2]));
      }
      if (all) rows.push_back(row);
    }
    return rows;
  }

  // Checks Find(q) against the truth: equal for up to 3 code points; beyond, a superset: exactly
  // the rows holding all of q's trigrams.
  void Check(const NgramIndex& index, std::string_view q, uint8_t space) const {
    SCOPED_TRACE(::testing::Message() << "q=\"" << q << "\" space=" << int{space});
    const NgramIndex::Match match = index.Find(q, space);
    const std::vector<Row> truth = Truth(q, space);
    const std::vector<Row> found = Rows(match.rows);
    if (Decode(q).size() <= 3) {
      EXPECT_TRUE(match.exact);
      EXPECT_EQ(found, truth);
    } else {
      EXPECT_FALSE(match.exact);
      EXPECT_TRUE(std::includes(found.begin(), found.end(), truth.begin(), truth.end()));
      EXPECT_EQ(found, WithAllTrigrams(q, space));
    }
  }
  void Check(std::string_view q, uint8_t space) const { Check(index_, q, space); }

  // Every substring (by code points) of every field, up to `max_len` code points.
  std::set<std::pair<std::string, uint8_t>> Substrings(size_t max_len) const {
    std::set<std::pair<std::string, uint8_t>> out;
    for (const auto& [row, doc] : docs_) {
      for (const auto& [text, space] : doc.fields) {
        std::vector<size_t> starts;  // byte offsets of code points, and the end
        for (size_t i = 0; i < text.size(); ++i) {
          if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
        }
        starts.push_back(text.size());
        for (size_t i = 0; i + 1 < starts.size(); ++i) {
          for (size_t n = 1; n <= max_len && i + n < starts.size(); ++n) {
            out.emplace(text.substr(starts[i], starts[i + n] - starts[i]), space);
          }
        }
      }
    }
    return out;
  }

  // An index of the same documents made by Build().
  NgramIndex Built() const {
    roaring::Roaring rows;
    for (const auto& [row, doc] : docs_) rows.add(row);
    NgramIndex built;
    built.Build(rows,
                [this](Row row, std::vector<Field>* fields) { *fields = docs_.at(row).View(); });
    return built;
  }

  const NgramIndex& index() const { return index_; }
  const std::map<Row, Doc>& docs() const { return docs_; }

 private:
  NgramIndex index_;
  std::map<Row, Doc> docs_;
  std::map<Row, Keys> keys_;  // KeysOf(docs_)
};

TEST(NgramIndexKeysTest, AsciiUnigramsAndPaddedTrigrams) {
  EXPECT_EQ(KeysOf({{"ab", 0}}),
            (Keys{Tri(0, 0, 0, 'a'), Tri(0, 0, 'a', 'b'), Uni(0, 'a'), Uni(0, 'b')}));
  EXPECT_EQ(KeysOf({{"abc", 0}}), NaiveKeys({{"abc", 0}}));
  EXPECT_EQ(KeysOf({{"abc", 0}}).size(), 6u);
  EXPECT_TRUE(KeysOf({}).empty());
  EXPECT_TRUE(KeysOf({{"", 0}, {"", 1}}).empty());
}

TEST(NgramIndexKeysTest, MultiByteCodePoints) {
  // ü is U+00FC (2 bytes), 東 U+6771 (3 bytes), 😀 U+1F600 (4 bytes).
  EXPECT_EQ(KeysOf({{"mü", 0}}),
            (Keys{Tri(0, 0, 0, 'm'), Tri(0, 0, 'm', 0xFC), Uni(0, 'm'), Uni(0, 0xFC)}));
  EXPECT_EQ(KeysOf({{"東京", 0}}), (Keys{Tri(0, 0, 0, 0x6771), Tri(0, 0, 0x6771, 0x4EAC),
                                         Uni(0, 0x4EAC), Uni(0, 0x6771)}));
  EXPECT_EQ(KeysOf({{"a😀\U0010FFFF", 0}}),
            (Keys{Tri(0, 0, 0, 'a'), Tri(0, 0, 'a', 0x1F600), Tri(0, 'a', 0x1F600, 0x10FFFF),
                  Uni(0, 'a'), Uni(0, 0x1F600), Uni(0, 0x10FFFF)}));
}

TEST(NgramIndexKeysTest, FieldsAndSpacesDoNotMix) {
  const Keys keys = KeysOf({{"ab", 0}, {"cd", 0}});
  EXPECT_EQ(keys, NaiveKeys({{"ab", 0}, {"cd", 0}}));
  EXPECT_FALSE(std::binary_search(keys.begin(), keys.end(), Tri(0, 'a', 'b', 'c')));
  EXPECT_FALSE(std::binary_search(keys.begin(), keys.end(), Tri(0, 'b', 'c', 'd')));
  EXPECT_TRUE(std::binary_search(keys.begin(), keys.end(), Tri(0, 0, 'c', 'd')));

  const Keys text = KeysOf({{"12", 0}});
  const Keys phone = KeysOf({{"12", 1}});
  std::vector<uint64_t> common;
  std::set_intersection(text.begin(), text.end(), phone.begin(), phone.end(),
                        std::back_inserter(common));
  EXPECT_TRUE(common.empty());
  EXPECT_EQ(KeysOf({{"12", 0}, {"12", 1}}).size(), text.size() + phone.size());
}

TEST(NgramIndexKeysTest, SortedAndUnique) {
  EXPECT_EQ(KeysOf({{"aaaa", 0}}),
            (Keys{Tri(0, 0, 0, 'a'), Tri(0, 0, 'a', 'a'), Tri(0, 'a', 'a', 'a'), Uni(0, 'a')}));
  EXPECT_EQ(KeysOf({{"ab", 0}, {"ab", 0}}), KeysOf({{"ab", 0}}));
}

TEST(NgramIndexKeysTest, RandomTextsMatchNaive) {
  const std::vector<std::string> alphabet = {"a", "b", "z", "~", " ", "é", "ß", "東", "😀", "9"};
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> texts(rng() % 5);
    std::vector<Field> fields;
    for (std::string& text : texts) {
      for (size_t n = rng() % 12; n > 0; --n) text += alphabet[rng() % alphabet.size()];
      fields.push_back({text, static_cast<uint8_t>(rng() % 4)});
    }
    const Keys keys = KeysOf(fields);
    ASSERT_EQ(keys, NaiveKeys(fields)) << round;
    ASSERT_TRUE(std::adjacent_find(keys.begin(), keys.end(), std::greater_equal<>()) == keys.end());
  }
}

TEST(NgramIndexTest, EmptyQueryMatchesNothing) {
  Checked c;
  c.Put(1, {{{"abc", 0}}});
  EXPECT_TRUE(c.index().Find("", 0).rows.isEmpty());
  EXPECT_TRUE(c.index().Find("", 0).exact);
}

TEST(NgramIndexTest, FindIsExactUpToThreeCodePoints) {
  Checked c;
  const std::vector<Doc> docs = {
      {{{"jose garcia", 0}, {"jose.garcia@example.com", 0}, {"cus_1001", 0}, {"34911223344", 1}}},
      {{{"anna muller", 0}, {"anna@müller.de", 0}, {"14155550100", 1}}},
      {{{"muller", 0}, {"müller", 0}}},
      {{{"東京 太郎", 0}, {"taro@example.jp", 0}, {"81312345678", 1}}},
      {{{"京都", 0}, {"😀 emoji", 0}}},
      {{{"aaaa", 0}, {"a", 0}, {"", 0}, {"1", 1}}},
      {{{"zé", 0}, {"ana", 0}}},
      {{{"", 0}}},
  };
  for (size_t i = 0; i < docs.size(); ++i) c.Put(static_cast<Row>(i * 70001), docs[i]);
  for (const auto& [q, space] : c.Substrings(8)) {
    c.Check(q, space);
    c.Check(q, 1 - space);
  }
  for (const char* q : {"x", "xy", "xyz", "jose garcia!", "ana@", "muller.de", "anna@müller.dex",
                        "京京", "東京 太郎 and more", "aaaaa", "a a", "@", "999", "5550100"}) {
    c.Check(q, 0);
    c.Check(q, 1);
  }
  const std::vector<Row> whole = Rows(c.index().Find("jose.garcia@example.com", 0).rows);
  EXPECT_EQ(whole, std::vector<Row>{0});
  EXPECT_EQ(Rows(c.index().Find("ll", 0).rows), (std::vector<Row>{70001, 140002}));
  EXPECT_EQ(Rows(c.index().Find("京", 0).rows), (std::vector<Row>{210003, 280004}));
  EXPECT_EQ(Rows(c.index().Find("555", 1).rows), std::vector<Row>{70001});
  EXPECT_TRUE(c.index().Find("555", 0).rows.isEmpty());
}

TEST(NgramIndexTest, LongQueriesMaySpanFieldsOnlyAsSuperset) {
  Checked c;
  c.Put(1, {{{"abcx", 0}, {"xbcd", 0}}});  // holds abc and bcd apart, not abcd
  c.Put(2, {{{"zabcdz", 0}}});
  const NgramIndex::Match match = c.index().Find("abcd", 0);
  EXPECT_FALSE(match.exact);
  EXPECT_EQ(Rows(match.rows), (std::vector<Row>{1, 2}));
  EXPECT_EQ(c.Truth("abcd", 0), std::vector<Row>{2});
  EXPECT_TRUE(c.index().Find("abcde", 0).rows.isEmpty());
}

TEST(NgramIndexTest, SpacesDoNotMatchEachOther) {
  Checked c;
  c.Put(1, {{{"415555", 0}}});
  c.Put(2, {{{"415555", 1}}});
  for (const char* q : {"4", "41", "415", "4155", "415555"}) {
    EXPECT_EQ(Rows(c.index().Find(q, 0).rows), std::vector<Row>{1}) << q;
    EXPECT_EQ(Rows(c.index().Find(q, 1).rows), std::vector<Row>{2}) << q;
    EXPECT_TRUE(c.index().Find(q, 2).rows.isEmpty()) << q;
  }
}

TEST(NgramIndexTest, RemoveDropsEmptyPostings) {
  Checked c;
  c.Put(5, {{{"abc", 0}, {"123", 1}}});
  c.Put(9, {{{"abd", 0}}});
  EXPECT_GT(c.index().posting_count(), 0u);
  EXPECT_GT(c.index().MemoryBytes(), 0u);
  c.Erase(5);
  c.Check("ab", 0);
  c.Check("bc", 0);
  c.Check("12", 1);
  c.Erase(9);
  EXPECT_EQ(c.index().posting_count(), 0u);
  c.Check("ab", 0);
  c.Put(9, {{{"abc", 0}}});  // postings and suffix lists come back
  c.Check("bc", 0);
  c.Check("ab", 0);
}

TEST(NgramIndexTest, BuildMatchesAdd) {
  Checked c;
  c.Put(0, {{{"jose garcia", 0}, {"34911223344", 1}}});
  c.Put(65535, {{{"müller", 0}}});
  c.Put(65536, {{{"muller", 0}, {"", 0}}});
  c.Put(200000, {{{"東京", 0}, {"jose", 0}}});
  c.Put(200001, {});
  const NgramIndex built = c.Built();
  EXPECT_EQ(built.posting_count(), c.index().posting_count());
  for (const auto& [q, space] : c.Substrings(6)) c.Check(built, q, space);
  EXPECT_EQ(Rows(built.Find("ll", 0).rows), (std::vector<Row>{65535, 65536}));

  NgramIndex empty;
  empty.Build(roaring::Roaring(), [](Row, std::vector<Field>*) {});
  EXPECT_EQ(empty.posting_count(), 0u);
  EXPECT_TRUE(empty.Find("a", 0).rows.isEmpty());
}

// Build's bulk paths: postings dense enough for bitset containers (among both the first n-grams
// met and later ones), runs of identical rows, several chunks; then removals from them.
TEST(NgramIndexTest, BuildMatchesAddOnDenseChunks) {
  std::mt19937 rng(3);
  auto random_text = [&](std::string_view alphabet, size_t n) {
    std::string s;
    for (; n > 0; --n) s += alphabet[rng() % alphabet.size()];
    return s;
  };
  Checked c;
  for (Row row = 0; row < 12000; ++row) {
    Doc doc;
    if (row < 50) {  // n-grams seen once, first
      std::string cjk;
      for (uint32_t k = 0; k < 3; ++k) {
        const uint32_t cp = 0x4E00 + row * 3 + k;
        cjk += {static_cast<char>(0xE0 | cp >> 12), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                static_cast<char>(0x80 | (cp & 0x3F))};
      }
      doc.fields.emplace_back(cjk, 0);
      if (row == 0) doc.fields.emplace_back("ab", 0);
    } else if (row >= 6000 && row < 10000) {
      doc.fields.emplace_back("abab", 0);  // a run of identical rows
    } else {
      doc.fields.emplace_back(random_text("abcdefgh", 10), 0);
      doc.fields.emplace_back(random_text("0123", 6), 1);
    }
    c.Put(row, doc);
  }
  for (Row row = 65536; row < 75536; ++row) {
    c.Put(row, {{{random_text("abcdefgh", 10), 0}, {random_text("0123", 6), 1}}});
  }
  std::vector<std::pair<std::string, uint8_t>> queries = {{"东", 0}, {"丁", 0}, {"abab", 0}};
  for (size_t len = 1; len <= 3; ++len) {
    for (int i = 0; i < 100; ++i) {
      queries.emplace_back(random_text("abcdefgh", len), 0);
      queries.emplace_back(random_text("0123", len), 1);
    }
  }
  for (int i = 0; i < 50; ++i) queries.emplace_back(random_text("abcdefgh", 4 + i % 3), 0);

  NgramIndex built = c.Built();
  auto compare = [&](const NgramIndex& a, const NgramIndex& b) {
    ASSERT_EQ(a.posting_count(), b.posting_count());
    for (const auto& [q, space] : queries) {
      ASSERT_TRUE(a.Find(q, space).rows == b.Find(q, space).rows) << q;
    }
    for (size_t i = 0; i < queries.size(); i += 25) c.Check(a, queries[i].first, queries[i].second);
  };
  compare(built, c.index());
  EXPECT_EQ(built.Find("a", 0).rows.cardinality(), c.Truth("a", 0).size());

  std::vector<Row> rows;
  for (const auto& [row, doc] : c.docs()) rows.push_back(row);
  for (size_t i = 0; i < rows.size(); i += 3) {
    built.Remove(rows[i], c.docs().at(rows[i]).KeysOf());
    c.Erase(rows[i]);
  }
  compare(built, c.index());
}

// AddAll of indexes built over batches of new rows (small and dense, within a chunk and across
// chunks, below rows already held, with n-grams old and new) gives the index Build() gives over
// all of them.
TEST(NgramIndexTest, AddAllMatchesBuildOfTheUnion) {
  std::mt19937 rng(5);
  auto random_text = [&](std::string_view alphabet, size_t n) {
    std::string s;
    for (; n > 0; --n) s += alphabet[rng() % alphabet.size()];
    return s;
  };
  Checked all;
  auto fields_of = [&all](Row row, std::vector<Field>* fields) {
    *fields = all.docs().at(row).View();
  };
  auto add_docs = [&](Row first, Row last, std::string_view alphabet, roaring::Roaring* rows) {
    for (Row row = first; row < last; ++row) {
      all.Put(row, {{{random_text(alphabet, 8), 0}, {random_text("0123", 5), 1}}});
      rows->add(row);
    }
  };
  roaring::Roaring start;
  add_docs(1000, 5000, "abcdef", &start);
  NgramIndex index;
  index.Build(start, fields_of);
  std::vector<roaring::Roaring> batches(5);
  add_docs(5000, 5003, "abcxyz", &batches[0]);       // tiny: every posting gets a few rows
  add_docs(5003, 9099, "abcdef", &batches[1]);       // dense: bitset-sized postings
  add_docs(65530, 65545, "ghijkl", &batches[2]);     // across a chunk boundary, new n-grams
  add_docs(0, 40, "abcdef", &batches[3]);            // below every row held
  add_docs(131072, 131100, "éßü東京", &batches[4]);  // multi-byte code points, a third chunk
  batches.emplace_back();                            // nothing to add
  for (const roaring::Roaring& batch : batches) {
    NgramIndex built;
    built.BuildBatch(batch, fields_of);
    index.AddAll(std::move(built));
  }

  const NgramIndex built = all.Built();
  EXPECT_EQ(index.posting_count(), built.posting_count());
  std::vector<std::pair<std::string, uint8_t>> queries = {{"東", 0}, {"京", 0}, {"üß", 0}};
  for (size_t len = 1; len <= 4; ++len) {
    for (int i = 0; i < 60; ++i) {
      queries.emplace_back(random_text("abcdefghijklxyz", len), 0);
      queries.emplace_back(random_text("0123", len), 1);
    }
  }
  for (const auto& [q, space] : queries) {
    ASSERT_TRUE(index.Find(q, space).rows == built.Find(q, space).rows) << q;
  }
  for (size_t i = 0; i < queries.size(); i += 10)
    all.Check(index, queries[i].first, queries[i].second);
}

// Random small documents over a small alphabet, so that n-grams repeat and collide; random
// inserts, updates and deletes; Find() checked against brute force after every batch.
TEST(NgramIndexTest, RandomizedAgainstBruteForce) {
  const std::vector<std::string> letters = {"a", "b", "c", "é", "東", " "};
  const std::vector<std::string> digits = {"1", "2", "3"};
  std::mt19937 rng(42);
  auto text = [&](const std::vector<std::string>& alphabet, size_t max_len) {
    std::string s;
    for (size_t n = rng() % (max_len + 1); n > 0; --n) s += alphabet[rng() % alphabet.size()];
    return s;
  };
  auto doc = [&] {
    Doc d;
    for (size_t n = rng() % 4; n > 0; --n) d.fields.emplace_back(text(letters, 7), 0);
    if (rng() % 2 == 0) d.fields.emplace_back(text(digits, 6), 1);
    return d;
  };
  // Rows spread over several roaring containers.
  auto row = [&] { return static_cast<Row>(rng() % 1500 * 97); };

  Checked c;
  for (int batch = 0; batch < 12; ++batch) {
    for (int op = 0; op < 400; ++op) {
      if (rng() % 4 == 0) {
        c.Erase(row());
      } else {
        c.Put(row(), doc());  // an insert, or an update of a present row
      }
    }
    for (int i = 0; i < 150; ++i) {
      const bool phone = rng() % 3 == 0;
      const std::string q = text(phone ? digits : letters, 6);
      c.Check(q, phone ? 1 : 0);
    }
    const NgramIndex built = c.Built();
    ASSERT_EQ(built.posting_count(), c.index().posting_count()) << batch;
    for (int i = 0; i < 60; ++i) {
      const bool phone = rng() % 3 == 0;
      const std::string q = text(phone ? digits : letters, 5);
      const NgramIndex::Match a = built.Find(q, phone ? 1 : 0);
      const NgramIndex::Match b = c.index().Find(q, phone ? 1 : 0);
      ASSERT_TRUE(a.rows == b.rows) << q;
      ASSERT_EQ(a.exact, b.exact) << q;
    }
  }
  // Every 1-3 code point substring present is found exactly.
  for (const auto& [q, space] : c.Substrings(3)) c.Check(q, space);
  // Emptying the index leaves no postings.
  const std::vector<Row> present = [&] {
    std::vector<Row> rows;
    for (const auto& [r, d] : c.docs()) rows.push_back(r);
    return rows;
  }();
  for (Row r : present) c.Erase(r);
  EXPECT_EQ(c.index().posting_count(), 0u);
}

}  // namespace
}  // namespace contactd::search
