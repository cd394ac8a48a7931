// SearchIndex: one chatbot's secondary indexes, for search, filters, sorting and paging.
//
// Always kept, for every chatbot:
//   - the folded searchable text of each row (TextArena: name, email, external_id, phone digits);
//   - a SortColumn (order key per row) for id, created_at, updated_at, name, email, phonenumber,
//     external_id and each custom attribute that has values;
//   - the set of live rows and of rows with Stripe accounts.
// Small chatbots are searched by scanning these. Once a chatbot reaches `accelerate_at` contacts,
// the index also keeps accelerators: n-gram postings of the text (exact substring search) and of
// phone digits, email-domain postings, and buckets in every sort column.
//
// N-gram postings are not updated per write: touching ~80 postings per contact would dominate the
// write path. A row whose text is new, changed or erased becomes stale instead: searches take
// postings minus the stale rows and check the live stale rows (unindexed()) directly. The old
// text is kept aside; when kMaxUnindexed rows are stale, the old texts are bulk-built into a
// batch index subtracted from the postings (one pass per posting instead of one array shift per
// row and n-gram), and the unindexed rows are bulk-built into one added to them.
//
// That bulk update is the costliest step of a write, so writers run it without the data lock:
// TakeNgramUpdate() copies the texts it needs out of the index, NgramUpdate::Build() builds the
// two batch indexes with the lock released, and InstallNgramUpdate() applies them under the lock
// again. The rows stay stale until then, so searches stay exact; a row that changes meanwhile
// stays stale, with the text just indexed queued for removal. One update is out at a time; Put()
// and Erase() update inline only when none is taken out and kMaxStaleInline rows are stale.
//
// Writers compute an Entry for each changed contact before taking the data lock, then Put() it
// (a batch: PutMany()) under the lock along with the record, so no search (which holds the data
// lock shared) sees one without the other. (A reader of the contact table alone may see the
// record a moment before its entry: engine/chatbot.h.)
//
// Thread-safety: not thread-safe; the owning chatbot's data lock protects it (readers shared,
// writers exclusive). EntryOf() and FillEntry() are pure functions; an NgramUpdate is its
// holder's alone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <memory_resource>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <roaring/roaring.hh>

#include "absl/container/flat_hash_map.h"
#include "engine/contact.h"
#include "engine/contact_table.h"
#include "engine/search/ngram_index.h"
#include "engine/search/query.h"
#include "engine/search/sort_column.h"
#include "engine/search/text_arena.h"
#include "engine/string_map.h"

namespace contactd::search {

inline constexpr size_t kAccelerateAt = 5000;          // contacts
inline constexpr size_t kBucketRows = 1024;            // target rows per sort-column bucket
inline constexpr size_t kFrequentDomain = 256;         // contacts in a domain worth a shortcut
inline constexpr size_t kMaxDictionaryValues = 10000;  // distinct values of a text attribute
inline constexpr size_t kMaxUnindexed = 8192;          // stale rows before a bulk n-gram update
inline constexpr size_t kMaxStaleInline = 2 * kMaxUnindexed;  // ... that Put() makes itself

// Fields of a row's text, in order.
enum TextField : int { kNameText = 0, kEmailText = 1, kExternalIdText = 2, kPhoneDigits = 3 };
// N-gram spaces: folded name/email/external_id, and phone digits.
inline constexpr uint8_t kTextSpace = 0;
inline constexpr uint8_t kPhoneSpace = 1;

class SearchIndex {
 public:
  // Everything the index needs from one contact, computed before the data lock is taken. All of
  // an entry's memory comes from the memory resource it is made with: a batch makes its entries
  // in one arena (std::pmr::monotonic_buffer_resource), written in order and freed at once, where
  // each entry's own allocations came from free lists gone cold since the batch before.
  struct Entry {
    explicit Entry(std::pmr::memory_resource* memory = std::pmr::get_default_resource())
        : text(memory), attr_keys(memory), attr_texts(memory), inexact_attrs(memory) {}

    ContactId id = 0;
    int64_t created_at = 0;
    int64_t updated_at = 0;
    std::pmr::string text;  // folded name, email, external_id and phone digits, 0x1F between
    bool has_name = false, has_email = false, has_phone = false;
    bool has_stripe = false;
    bool phone_inexact = false;  // over 16 digits: the phone's order key does not pin it down
    // The order keys of the text columns, from `text` (name, email and phone only when present),
    // so that the data lock is not held to compute them.
    uint64_t name_key = 0, email_key = 0, phone_key = 0, external_id_key = 0;
    std::pmr::vector<std::pair<AttrNo, uint64_t>> attr_keys;           // ascending attr
    std::pmr::vector<std::pair<AttrNo, std::pmr::string>> attr_texts;  // folded text attributes
    std::pmr::vector<AttrNo> inexact_attrs;  // values whose order key does not pin them down
  };
  // Sets *e (a fresh Entry) to c's entry, allocating from e's memory resource.
  static void FillEntry(const Contact& c, Entry* e);
  // c's entry, on the default memory resource.
  static Entry EntryOf(const Contact& c) {
    Entry e;
    FillEntry(c, &e);
    return e;
  }

  explicit SearchIndex(size_t accelerate_at = kAccelerateAt);
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Inserts or replaces the row's entry.
  void Put(Row row, const Entry& entry);
  // Put() for each (rows[i], entries[i]), each sort column taking all the rows in turn
  // (SortColumn::SetMany). REQUIRES: distinct rows.
  void PutMany(std::span<const Row> rows, std::span<const Entry> entries);
  void Erase(Row row);

  // A bulk n-gram update taken out of the index. It owns copies of the texts it indexes.
  class NgramUpdate {
   public:
    // Builds the batch indexes of the old and the new texts. Needs no lock.
    void Build();
    // The rows it covers: those stale when taken (new, changed or erased since indexed).
    size_t rows() const { return stale_rows.cardinality(); }

   private:
    friend class SearchIndex;
    // The text of the i-th of new_rows.
    std::string_view NewText(size_t i) const {
      const size_t begin = i == 0 ? 0 : new_text_ends[i - 1];
      return std::string_view(new_text_bytes).substr(begin, new_text_ends[i] - begin);
    }

    roaring::Roaring new_rows;          // the unindexed rows when taken
    std::string new_text_bytes;         // their texts, in row order, one after another (one
    std::vector<size_t> new_text_ends;  // allocation, not one per row), and where each ends
    absl::flat_hash_map<Row, std::string> old_texts;  // the indexed texts of stale rows
    roaring::Roaring stale_rows;                      // the stale rows when taken
    NgramIndex added, removed;
    bool built = false;
  };
  // When `min_stale` (at least 1) rows are stale and no update is out, takes one out; nullptr
  // otherwise. Writers take one when it is due; a catch-up takes whatever is stale.
  std::unique_ptr<NgramUpdate> TakeNgramUpdate(size_t min_stale = kMaxUnindexed);
  // Applies an update from this index's TakeNgramUpdate(), if built; one that is not (its build
  // failed) is only forgotten, and its rows wait for the next.
  void InstallNgramUpdate(std::unique_ptr<NgramUpdate> update);
  // Rebuilds everything from the table's records (start-up). REQUIRES: the index is empty.
  void Build(const ContactTable& table);

  bool accelerated() const { return ngrams_ != nullptr; }
  size_t size() const { return alive_.cardinality(); }

  const roaring::Roaring& alive() const { return alive_; }
  const roaring::Roaring& with_stripe() const { return stripe_; }
  std::string_view Text(Row row) const { return arena_.Get(row); }
  std::string_view Field(Row row, TextField f) const { return arena_.Field(row, f); }
  void PrefetchSpan(Row row) const { arena_.PrefetchSpan(row); }
  void Prefetch(Row row) const { arena_.Prefetch(row); }

  // The column of a sortable field; an empty column for an attribute nobody has a value for.
  const SortColumn& column(const FieldRef& field) const;
  // False when some value of the column shares its order key with a different value (integers
  // beyond 2^53, sub-microsecond dates): equal keys must then be checked against the values.
  bool KeysExact(const FieldRef& field) const;

  // The folded value of a text attribute for a row ("" when none).
  std::string_view AttrText(AttrNo attr, Row row) const;
  // Rows whose text attribute equals the folded `value`, when the attribute keeps a value
  // dictionary (at most kMaxDictionaryValues distinct values); nullopt otherwise.
  std::optional<roaring::Roaring> AttrTextEquals(AttrNo attr, std::string_view value) const;
  // Calls f(value, rows) for each distinct value of a text attribute's dictionary; false when the
  // attribute keeps none.
  bool ForEachAttrTextValue(
      AttrNo attr, const std::function<void(std::string_view, const roaring::Roaring&)>& f) const;

  // Accelerators; null unless accelerated().
  const NgramIndex* ngrams() const { return ngrams_.get(); }
  // NgramIndex::Find over the indexed rows whose text is current: exact for them; the rows of
  // unindexed() are not included and must be checked directly. REQUIRES: accelerated().
  NgramIndex::Match FindText(std::string_view q, uint8_t space) const;
  // Live rows whose current text is not in the postings.
  const roaring::Roaring& unindexed() const { return unindexed_; }
  // Rows whose email is in a frequent domain (one with at least kFrequentDomain contacts) whose
  // folded "@domain" contains `q`. Every such row matches q; rows in rarer domains are not
  // included and must be found another way.
  roaring::Roaring FrequentDomainsContaining(std::string_view q) const;

  // Heap bytes held, for memory reports.
  size_t MemoryBytes() const;

 private:
  // A text attribute's folded values, and a dictionary value -> rows while it stays small.
  struct TextAttr {
    TextArena values;
    std::unique_ptr<StringMap<roaring::Roaring>> dictionary =
        std::make_unique<StringMap<roaring::Roaring>>();
  };
  SortColumn& AttrColumn(AttrNo attr);
  void IndexColumns(std::span<const Row> rows, std::span<const Entry> entries);
  void UnindexColumns(Row row);
  void IndexText(Row row, const Entry& e);
  void UnindexText(Row row);
  std::unique_ptr<NgramUpdate> TakeUpdate();
  void MaybeIndexStale();
  void Accelerate();
  static std::string Domain(std::string_view folded_email);

  size_t accelerate_at_;
  roaring::Roaring alive_;
  roaring::Roaring stripe_;
  TextArena arena_;
  SortColumn id_, created_, updated_, name_, email_, phone_, external_id_;
  absl::flat_hash_map<AttrNo, std::unique_ptr<SortColumn>> attrs_;
  absl::flat_hash_map<AttrNo, std::unique_ptr<TextAttr>> text_attrs_;
  absl::flat_hash_map<AttrNo, bool> inexact_;  // attributes with values KeysExact() warns of
  bool phone_inexact_ = false;                 // a phone number with more than 16 digits
  SortColumn empty_;
  std::unique_ptr<NgramIndex> ngrams_;
  // Accelerated only: rows whose postings are not their current text (changed or erased since
  // indexed), the live ones among them whose text is not indexed, and the indexed (old) text of
  // stale rows, still to remove from the postings.
  roaring::Roaring stale_;
  roaring::Roaring unindexed_;
  absl::flat_hash_map<Row, std::string> stale_text_;
  bool update_out_ = false;              // an NgramUpdate is taken out and not yet installed
  StringMap<roaring::Roaring> domains_;  // accelerated only
  std::vector<std::string> frequent_domains_;
};

}  // namespace contactd::search
