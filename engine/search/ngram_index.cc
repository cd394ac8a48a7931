// Key grammar: every n-gram is one uint64_t, collision-free. With R = 0x110000 (the number of
// Unicode code points), space in 0-3 and code points c, c0, c1, c2 < R:
//
//   unigram(space, c)          = 1 << 63 | space << 21 | c
//   trigram(space, c0, c1, c2) = ((space * R + c0) * R + c1) * R + c2        (< 4 * R^3 < 2^63)
//   suffix(space, c1, c2)      = (space * R + c1) * R + c2     (keys of trigrams_by_suffix_)
//
// c0 and c1 may be 0, the start-padding mark (texts hold no control characters). Three 21-bit
// code points and a 2-bit space need 65 bits, hence the mixed radix: each component is one digit
// in base R, so distinct n-grams give distinct keys, and bit 63 (never set in a trigram) tags the
// unigrams. Keys sort by (unigram?, space, c0, c1, c2).
#include "engine/search/ngram_index.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <utility>

#include "engine/search/roaring_build.h"
#include "engine/search/roaring_prefetch.h"

namespace contactd::search {
namespace {

constexpr uint64_t kRadix = 0x110000;
constexpr uint64_t kRadix2 = kRadix * kRadix;
constexpr uint64_t kRadix3 = kRadix2 * kRadix;
constexpr uint64_t kUnigramTag = uint64_t{1} << 63;
constexpr uint32_t kReplacement = 0xFFFD;

constexpr uint64_t Unigram(uint32_t space, uint32_t c) {
  return kUnigramTag | uint64_t{space} << 21 | c;
}
constexpr uint64_t Trigram(uint32_t space, uint32_t c0, uint32_t c1, uint32_t c2) {
  return ((space * kRadix + c0) * kRadix + c1) * kRadix + c2;
}
constexpr bool IsTrigram(uint64_t key) { return (key & kUnigramTag) == 0; }
constexpr uint64_t SuffixOf(uint64_t trigram) {
  return trigram / kRadix3 * kRadix2 + trigram % kRadix2;
}
constexpr uint32_t UnigramSpace(uint64_t unigram) { return (unigram >> 21) & 3; }

// Decodes the multi-byte sequence at *p (lead byte >= 0x80) and advances *p. Tolerates
// truncated or invalid input without reading past `end` (yielding U+FFFD or some code point).
inline uint32_t DecodeMultiByte(const unsigned char** p, const unsigned char* end) {
  const unsigned char* s = *p;
  const uint32_t lead = *s;
  const int n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  if (end - s < n) {
    *p = end;
    return kReplacement;
  }
  uint32_t c = lead & (0x7F >> n);
  for (int i = 1; i < n; ++i) c = c << 6 | (s[i] & 0x3F);
  *p = s + n;
  return c < kRadix && c != 0 ? c : kReplacement;
}

// Calls sink.Gram(space, c0, c1, c) for every code point c of every field, c0 and c1 being the
// two code points before it in its field (0 at the field's start).
template <typename Sink>
inline void ForEachGram(std::span<const NgramIndex::Field> fields, Sink& sink) {
  for (const NgramIndex::Field& field : fields) {
    const uint32_t space = field.space & 3;
    const auto* p = reinterpret_cast<const unsigned char*>(field.text.data());
    const auto* end = p + field.text.size();
    uint32_t c0 = 0;
    uint32_t c1 = 0;
    while (p < end) {
      uint32_t c = *p;
      if (c < 0x80) {
        ++p;
      } else {
        c = DecodeMultiByte(&p, end);
      }
      sink.Gram(space, c0, c1, c);
      c0 = c1;
      c1 = c;
    }
  }
}

// The code points of a query, decoded.
std::vector<uint32_t> CodePoints(std::string_view q) {
  std::vector<uint32_t> out;
  out.reserve(q.size());
  const auto* p = reinterpret_cast<const unsigned char*>(q.data());
  const auto* end = p + q.size();
  while (p < end) out.push_back(*p < 0x80 ? *p++ : DecodeMultiByte(&p, end));
  return out;
}

// KeysOf's sink: trigrams and non-ASCII unigrams go to *out; ASCII unigrams to a bitset per
// space, emitted already sorted and unique.
struct KeySink {
  NgramIndex::Keys* out;
  uint64_t ascii[4][2] = {};

  void Gram(uint32_t space, uint32_t c0, uint32_t c1, uint32_t c) {
    if (c < 0x80) {
      ascii[space][c >> 6] |= uint64_t{1} << (c & 63);
    } else {
      out->push_back(Unigram(space, c));
    }
    out->push_back(Trigram(space, c0, c1, c));
  }
};

// CRoaring 0.2 internals (its installed roaring_array.h and containers/*.h), for speed: Build
// appends whole containers (several times faster than addMany(), which inserts value by value:
// AppendBitset here, AppendChunk in roaring_build.h), and Add/Remove prefetch the postings they
// touch (roaring_prefetch.h). Ports to later releases must adapt these.
static_assert(ROARING_VERSION_MAJOR == 0 && ROARING_VERSION_MINOR == 2,
              "ngram_index.cc uses CRoaring 0.2 internals: port AppendBitset");

// Build appends one container per posting and chunk of 2^16 rows `key`, as an array or a bitset
// by its cardinality. REQUIRES (both): `key` is above every container of `r`.
constexpr size_t kChunkWords = 1 << 10;  // 64-bit words in a chunk bitset

// Appends the rows set in `words` (kChunkWords of them, 0 outside [lo, hi], not all 0) to `r`:
// as a bitset if they are many, else as an array read from the words set (a batch of a few
// thousand rows sets a few dozen of them).
void AppendBitset(roaring::Roaring* r, uint16_t key, const uint64_t* words, size_t lo, size_t hi) {
  int32_t count = 0;
  for (size_t w = lo; w <= hi; ++w) count += std::popcount(words[w]);
  roaring_array_t* ra = &r->roaring.high_low_container;
  if (count > DEFAULT_MAX_SIZE) {
    bitset_container_t* bits = bitset_container_create();
    std::copy(words, words + kChunkWords, bits->array);
    bits->cardinality = count;
    ra_append(ra, key, bits, BITSET_CONTAINER_TYPE_CODE);
    return;
  }
  array_container_t* array = array_container_create_given_capacity(count);
  uint16_t* out = array->array;
  for (size_t w = lo; w <= hi; ++w) {
    for (uint64_t bits = words[w]; bits != 0; bits &= bits - 1) {
      *out++ = static_cast<uint16_t>(w * 64 + std::countr_zero(bits));
    }
  }
  array->cardinality = count;
  ra_append(ra, key, array, ARRAY_CONTAINER_TYPE_CODE);
}

// Erases the emptied posting of `key`, and its entry in `by_suffix`. Leaves pointers to other
// postings valid.
void DropPosting(uint64_t key, absl::flat_hash_map<uint64_t, roaring::Roaring>* postings,
                 absl::flat_hash_map<uint64_t, std::vector<uint64_t>>* by_suffix) {
  postings->erase(key);
  if (!IsTrigram(key)) return;
  auto suffix = by_suffix->find(SuffixOf(key));
  if (suffix == by_suffix->end()) return;
  std::vector<uint64_t>& trigrams = suffix->second;
  auto pos = std::find(trigrams.begin(), trigrams.end(), key);
  if (pos != trigrams.end()) {
    *pos = trigrams.back();
    trigrams.pop_back();
  }
  if (trigrams.empty()) by_suffix->erase(suffix);
}

// Adds the rows of `add` (rows the posting of `key` does not hold) to the postings; an n-gram new
// to them gets its `by_suffix` entry.
void AddPosting(uint64_t key, roaring::Roaring&& add,
                absl::flat_hash_map<uint64_t, roaring::Roaring>* postings,
                absl::flat_hash_map<uint64_t, std::vector<uint64_t>>* by_suffix,
                std::vector<uint32_t>* scratch) {
  auto [it, inserted] = postings->try_emplace(key);
  if (inserted) {
    it->second = std::move(add);
    if (IsTrigram(key)) (*by_suffix)[SuffixOf(key)].push_back(key);
    return;
  }
  const uint64_t n = add.cardinality();
  if (n > 64) {
    it->second |= add;
    return;
  }
  scratch->resize(n);
  add.toUint32Array(scratch->data());
  it->second.addMany(n, scratch->data());  // new rows mostly append: cheaper than an OR
}

}  // namespace

void NgramIndex::KeysOf(std::span<const Field> fields, Keys* out) {
  out->clear();
  size_t bytes = 0;
  for (const Field& field : fields) bytes += field.text.size();
  out->reserve(2 * bytes + 64);
  KeySink sink{out};
  ForEachGram(fields, sink);

  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  // The ASCII unigrams go in by space, before the space's non-ASCII ones (which sort after all
  // the trigrams).
  const auto first_unigram =
      std::partition_point(out->begin(), out->end(), [](uint64_t key) { return IsTrigram(key); });
  const std::vector<uint64_t> other(first_unigram, out->end());
  out->erase(first_unigram, out->end());
  auto next = other.begin();
  for (uint32_t space = 0; space < 4; ++space) {
    for (uint32_t word = 0; word < 2; ++word) {
      for (uint64_t bits = sink.ascii[space][word]; bits != 0; bits &= bits - 1) {
        out->push_back(Unigram(space, word * 64 + std::countr_zero(bits)));
      }
    }
    for (; next != other.end() && UnigramSpace(*next) == space; ++next) out->push_back(*next);
  }
}

// Add and Remove touch a few cache lines in each of some 80 postings: they look them all up
// first, then prefetch level by level, and only then update them.
void NgramIndex::Add(Row row, const Keys& keys) {
  postings_.reserve(postings_.size() + keys.size());  // no rehash below: pointers stay valid
  for (uint64_t key : keys) postings_.prefetch(key);
  std::vector<roaring::Roaring*> postings;
  postings.reserve(keys.size());
  for (uint64_t key : keys) {
    auto [it, inserted] = postings_.try_emplace(key);
    if (inserted && IsTrigram(key)) trigrams_by_suffix_[SuffixOf(key)].push_back(key);
    postings.push_back(&it->second);
    PrefetchAdd(it->second, row, 0);
  }
  for (int level = 1; level <= 2; ++level) {
    for (const roaring::Roaring* rows : postings) PrefetchAdd(*rows, row, level);
  }
  for (roaring::Roaring* rows : postings) rows->add(row);
}

void NgramIndex::Remove(Row row, const Keys& keys) {
  for (uint64_t key : keys) postings_.prefetch(key);
  std::vector<std::pair<uint64_t, roaring::Roaring*>> postings;
  postings.reserve(keys.size());
  for (uint64_t key : keys) {
    auto it = postings_.find(key);
    if (it == postings_.end()) continue;
    postings.emplace_back(key, &it->second);
    PrefetchAdd(it->second, row, 0);
  }
  for (int level = 1; level <= 2; ++level) {
    for (const auto& [key, rows] : postings) PrefetchAdd(*rows, row, level);
  }
  for (const auto& [key, rows] : postings) rows->remove(row);
  for (const auto& [key, rows] : postings) {
    if (rows->isEmpty()) DropPosting(key, &postings_, &trigrams_by_suffix_);
  }
}

void NgramIndex::RemoveAll(const NgramIndex& other) {
  for (const auto& [key, posting] : other.postings_) {
    auto it = postings_.find(key);
    if (it == postings_.end()) continue;
    it->second -= posting;
    if (it->second.isEmpty()) DropPosting(key, &postings_, &trigrams_by_suffix_);
  }
}

// Each posting is a hash lookup that mostly misses the cache: the slots of the postings a few
// places ahead are prefetched.
void NgramIndex::AddAll(NgramIndex&& other) {
  constexpr size_t kAhead = 8;
  std::vector<std::pair<uint64_t, roaring::Roaring*>> adds;
  adds.reserve(other.postings_.size());
  for (auto& [key, posting] : other.postings_) adds.emplace_back(key, &posting);
  std::vector<uint32_t> scratch;
  for (size_t i = 0; i < adds.size(); ++i) {
    if (i + kAhead < adds.size()) postings_.prefetch(adds[i + kAhead].first);
    AddPosting(adds[i].first, std::move(*adds[i].second), &postings_, &trigrams_by_suffix_,
               &scratch);
  }
  other = NgramIndex();
}

NgramIndex::Match NgramIndex::Find(std::string_view q, uint8_t space) const {
  Match match;
  const std::vector<uint32_t> cps = CodePoints(q);
  const uint32_t s = space & 3;
  auto posting = [this](uint64_t key) -> const roaring::Roaring* {
    auto it = postings_.find(key);
    return it == postings_.end() ? nullptr : &it->second;
  };
  if (cps.empty()) return match;
  if (cps.size() == 1 || cps.size() == 3) {
    const uint64_t key = cps.size() == 1 ? Unigram(s, cps[0]) : Trigram(s, cps[0], cps[1], cps[2]);
    if (const roaring::Roaring* rows = posting(key)) match.rows = *rows;
    return match;
  }
  std::vector<const roaring::Roaring*> inputs;
  if (cps.size() == 2) {
    auto it = trigrams_by_suffix_.find((s * kRadix + cps[0]) * kRadix + cps[1]);
    if (it == trigrams_by_suffix_.end()) return match;
    for (uint64_t key : it->second) {
      if (const roaring::Roaring* rows = posting(key)) inputs.push_back(rows);
    }
    if (inputs.size() == 1) {
      match.rows = *inputs[0];
    } else if (!inputs.empty()) {
      match.rows = roaring::Roaring::fastunion(inputs.size(), inputs.data());
    }
    return match;
  }
  // L >= 4: the intersection of the query's (unpadded) trigrams, smallest posting first.
  match.exact = false;
  std::vector<uint64_t> keys;
  keys.reserve(cps.size() - 2);
  for (size_t i = 0; i + 2 < cps.size(); ++i)
    keys.push_back(Trigram(s, cps[i], cps[i + 1], cps[i + 2]));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<std::pair<uint64_t, const roaring::Roaring*>> sized;
  sized.reserve(keys.size());
  for (uint64_t key : keys) {
    const roaring::Roaring* rows = posting(key);
    if (rows == nullptr) return match;
    sized.emplace_back(rows->cardinality(), rows);
  }
  std::sort(sized.begin(), sized.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  match.rows = *sized[0].second;
  for (size_t i = 1; i < sized.size() && !match.rows.isEmpty(); ++i) match.rows &= *sized[i].second;
  return match;
}

namespace {

// Build's sink, for one chunk of 2^16 rows at a time (one container per posting). It maps each
// n-gram to a dense id (ASCII n-grams through direct tables, others through a hash map). Ids are
// given in order of first appearance, so the first kHot are mostly frequent n-grams: they set bits
// in a dense bitset per id. Other ids append (id, row) to bucket id % kBuckets, in row order, and
// Flush() counting-sorts each bucket by id (a small, cache-resident job).
//
// A builder is reusable: Reset() after Finish() returns it to its empty state and keeps its
// allocations (the pages of its id tables, its bucket capacity), which a fresh builder would
// otherwise allocate and zero again for every batch.
class BulkBuilder {
 public:
  // The row the next grams belong to: all its hot grams go to one word of hot_.
  void set_row(Row row) {
    row_ = row;
    const uint32_t word = (row >> 6) & (kChunkWords - 1);
    lo_word_ = std::min(lo_word_, word);
    hi_word_ = std::max(hi_word_, word);
    hot_word_ = hot_.get() + size_t{word} * kHot;
    row_bit_ = uint64_t{1} << (row & 63);
  }
  const uint64_t* hot() const { return hot_.get(); }

  void Gram(uint32_t space, uint32_t c0, uint32_t c1, uint32_t c) {
    if (c < 0x80) {
      uint32_t& uni = ascii_unigrams_[space << 7 | c];
      if (uni == 0) uni = NewId(Unigram(space, c));
      Push(uni);
    } else {
      Push(IdOf(Unigram(space, c)));
    }
    if ((c0 | c1 | c) < 0x80) {
      std::unique_ptr<uint32_t[]>& page = ascii_pages_[space << 7 | c0];
      if (page == nullptr) page = std::make_unique<uint32_t[]>(kPageBytes / sizeof(uint32_t));
      uint32_t& tri = page[c1 << 7 | c];
      if (tri == 0) tri = NewId(Trigram(space, c0, c1, c));
      Push(tri);
    } else {
      Push(IdOf(Trigram(space, c0, c1, c)));
    }
  }

  // Appends the rows of chunk `key` to the postings.
  void Flush(uint16_t key) {
    // Only the words rows were pushed to: a small batch touches a few of the chunk's 1024.
    for (uint32_t id = 1; id < std::min<size_t>(kHot, keys_.size()) && lo_word_ <= hi_word_; ++id) {
      uint64_t any = 0;
      for (size_t w = lo_word_; w <= hi_word_; ++w) {
        any |= words_[w] = std::exchange(hot_[w * kHot + id], 0);
      }
      if (any != 0) AppendBitset(&postings_[id], key, words_.data(), lo_word_, hi_word_);
      std::fill(words_.begin() + lo_word_, words_.begin() + hi_word_ + 1, 0);
    }
    lo_word_ = kChunkWords;
    hi_word_ = 0;
    for (uint32_t b = 0; b < kBuckets; ++b) {
      std::vector<uint64_t>& entries = buckets_[b];
      if (entries.empty()) continue;
      // ends_[i]: the end in sorted_ of the rows of id i * kBuckets + b; after the scatter, the
      // begin. Stable, so each id's rows stay ascending.
      ends_.assign((keys_.size() - b + kBuckets - 1) / kBuckets, 0);
      for (uint64_t e : entries) ++ends_[e >> 32];
      uint32_t total = 0;
      for (uint32_t& end : ends_) total = (end += total);
      sorted_.resize(entries.size());
      for (size_t k = entries.size(); k-- > 0;) {
        sorted_[--ends_[entries[k] >> 32]] = static_cast<Row>(entries[k]);
      }
      for (size_t i = 0; i < ends_.size(); ++i) {
        Row* rows = sorted_.data() + ends_[i];
        Row* end = sorted_.data() + (i + 1 < ends_.size() ? ends_[i + 1] : total);
        if (rows == end) continue;
        end = std::unique(rows, end);  // an n-gram repeated within a row
        AppendChunk(&postings_[i * kBuckets + b], key, std::span<const Row>(rows, end));
      }
      entries.clear();
    }
  }

  // Empties the builder for another build, keeping its allocations; false when they are too large
  // to keep (a build of many rows per chunk). REQUIRES: Finish() was called.
  bool Reset() {
    for (size_t id = 1; id < keys_.size(); ++id) {
      const uint64_t key = keys_[id];
      if (!IsTrigram(key)) continue;
      const uint64_t c = key % kRadix, c1 = key / kRadix % kRadix, c0 = key / kRadix2 % kRadix;
      if ((c0 | c1 | c) >= 0x80) continue;
      const uint64_t space = key / kRadix3;
      ascii_pages_[space << 7 | c0][c1 << 7 | c] = 0;
    }
    keys_.resize(1);
    postings_.resize(1);
    std::fill(std::begin(ascii_unigrams_), std::end(ascii_unigrams_), 0);
    other_ids_.clear();
    size_t bytes = 0;
    for (const std::vector<uint64_t>& bucket : buckets_) bytes += bucket.capacity() * 8;
    for (const std::unique_ptr<uint32_t[]>& page : ascii_pages_) bytes += page ? kPageBytes : 0;
    return bytes <= kMaxKeptBytes;
  }

  // Hands the postings over to `postings` and `by_suffix`, compacted if `compact`. REQUIRES:
  // flushed.
  void Finish(absl::flat_hash_map<uint64_t, roaring::Roaring>* postings,
              absl::flat_hash_map<uint64_t, std::vector<uint64_t>>* by_suffix, bool compact) {
    postings->reserve(keys_.size());
    for (size_t id = 1; id < keys_.size(); ++id) {
      roaring::Roaring& rows = postings_[id];
      if (compact) {
        rows.runOptimize();
        rows.shrinkToFit();
      }
      postings->emplace(keys_[id], std::move(rows));
      if (IsTrigram(keys_[id])) (*by_suffix)[SuffixOf(keys_[id])].push_back(keys_[id]);
    }
  }

 private:
  static constexpr uint32_t kHot = 256;
  static constexpr uint32_t kBuckets = 64;
  static constexpr size_t kPageBytes = (1 << 14) * sizeof(uint32_t);
  // Bucket and page bytes a reused builder may hold: a batch update of kMaxUnindexed rows of
  // Latin text needs 11-13 MiB of both together (3 MiB of it pages); a start-up build of full
  // chunks needs far more buckets, and is not kept.
  static constexpr size_t kMaxKeptBytes = size_t{16} << 20;

  uint32_t NewId(uint64_t key) {
    keys_.push_back(key);
    postings_.emplace_back();
    return static_cast<uint32_t>(keys_.size() - 1);
  }
  uint32_t IdOf(uint64_t key) {
    auto [it, inserted] = other_ids_.try_emplace(key, 0);
    if (inserted) it->second = NewId(key);
    return it->second;
  }
  void Push(uint32_t id) {
    if (id < kHot) {
      hot_word_[id] |= row_bit_;
    } else {
      buckets_[id % kBuckets].push_back(uint64_t{id / kBuckets} << 32 | row_);
    }
  }

  Row row_ = 0;
  // The current chunk's rows of the ids below kHot, as bitsets interleaved by word (word w of id
  // i at w * kHot + i), so that the words a row sets are close together.
  // Zeroed by calloc: fresh pages cost nothing until a batch touches them; Flush() zeroes what it
  // reads.
  std::unique_ptr<uint64_t[], decltype(&std::free)> hot_{
      static_cast<uint64_t*>(std::calloc(kChunkWords * kHot, sizeof(uint64_t))), &std::free};
  uint32_t lo_word_ = kChunkWords, hi_word_ = 0;  // the words of hot_ set_row() chose since Flush
  uint64_t* hot_word_ = nullptr;                  // the current row's: its words of hot_ ...
  uint64_t row_bit_ = 0;                          // ... and its bit in each
  std::array<uint64_t, kChunkWords> words_{};     // one id's bitset; zero outside a Flush
  // The current chunk's (id / kBuckets, row) pairs, by id % kBuckets, in row order.
  std::vector<std::vector<uint64_t>> buckets_ = std::vector<std::vector<uint64_t>>(kBuckets);
  std::vector<uint32_t> ends_;
  std::vector<Row> sorted_;  // one bucket's rows, grouped by id
  // By id; id 0 is unused (0 marks an empty table entry).
  std::vector<uint64_t> keys_ = {0};
  std::vector<roaring::Roaring> postings_ = std::vector<roaring::Roaring>(1);
  uint32_t ascii_unigrams_[4 << 7] = {};
  // By (space, c0): ids of ASCII trigrams by (c1, c2); allocated on first use.
  std::unique_ptr<uint32_t[]> ascii_pages_[4 << 7];
  absl::flat_hash_map<uint64_t, uint32_t> other_ids_;
};

// Builders kept for the next build (BulkBuilder::Reset()): at most kKept, taken by one build at a
// time. Thread-safe.
class BuilderPool {
 public:
  std::unique_ptr<BulkBuilder> Take() {
    {
      std::lock_guard lock(mu_);
      if (!kept_.empty()) {
        std::unique_ptr<BulkBuilder> builder = std::move(kept_.back());
        kept_.pop_back();
        return builder;
      }
    }
    auto builder = std::make_unique<BulkBuilder>();
    if (builder->hot() == nullptr) throw std::bad_alloc();
    return builder;
  }
  // REQUIRES: the builder finished its build.
  void Return(std::unique_ptr<BulkBuilder> builder) {
    if (!builder->Reset()) return;
    std::lock_guard lock(mu_);
    if (kept_.size() < kKept) kept_.push_back(std::move(builder));
  }

 private:
  static constexpr size_t kKept = 2;  // one per core: builds run on writer threads
  std::mutex mu_;
  std::vector<std::unique_ptr<BulkBuilder>> kept_;
};

BuilderPool& Builders() {
  static BuilderPool pool;
  return pool;
}

}  // namespace

void NgramIndex::Build(const roaring::Roaring& rows, const FieldsOf& fields_of) {
  BuildInto(rows, fields_of, /*compact=*/true);
}

void NgramIndex::BuildBatch(const roaring::Roaring& rows, const FieldsOf& fields_of) {
  BuildInto(rows, fields_of, /*compact=*/false);
}

void NgramIndex::BuildInto(const roaring::Roaring& rows, const FieldsOf& fields_of, bool compact) {
  // A build that throws drops its builder (its state is unknown) instead of returning it.
  std::unique_ptr<BulkBuilder> builder = Builders().Take();
  std::vector<Field> fields;
  uint32_t chunk = 0;
  for (Row row : rows) {
    if (row >> 16 != chunk) {
      builder->Flush(static_cast<uint16_t>(chunk));
      chunk = row >> 16;
    }
    fields.clear();
    fields_of(row, &fields);
    builder->set_row(row);
    ForEachGram(fields, *builder);
  }
  builder->Flush(static_cast<uint16_t>(chunk));
  builder->Finish(&postings_, &trigrams_by_suffix_, compact);
  Builders().Return(std::move(builder));
}

size_t NgramIndex::MemoryBytes() const {
  size_t bytes =
      postings_.capacity() * (sizeof(std::pair<uint64_t, roaring::Roaring>) + 1) +
      trigrams_by_suffix_.capacity() * (sizeof(std::pair<uint64_t, std::vector<uint64_t>>) + 1);
  for (const auto& [key, rows] : postings_) bytes += rows.getSizeInBytes(false);
  for (const auto& [suffix, trigrams] : trigrams_by_suffix_) {
    bytes += trigrams.capacity() * sizeof(uint64_t);
  }
  return bytes;
}

}  // namespace contactd::search
