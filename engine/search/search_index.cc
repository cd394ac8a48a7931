#include "engine/search/search_index.h"

#include <algorithm>
#include <array>
#include <thread>

#include "engine/record.h"
#include "engine/search/fold.h"
#include "engine/search/order_key.h"

namespace contactd::search {
namespace {

// A row's text split into its fields (TextField order) in one pass; FieldOf() finds one.
using Fields = std::array<std::string_view, kPhoneDigits + 1>;
Fields SplitFields(std::string_view text) {
  Fields fields;
  for (std::string_view& field : fields) {
    const size_t end = std::min(text.find(kFieldSeparator), text.size());
    field = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return fields;
}

// The n-gram fields of a row's text: name, email and external_id as text, phone digits apart.
void NgramFields(std::string_view text, std::vector<NgramIndex::Field>* out) {
  out->clear();
  const Fields fields = SplitFields(text);
  for (int f = kNameText; f <= kPhoneDigits; ++f) {
    out->push_back({fields[f], f == kPhoneDigits ? kPhoneSpace : kTextSpace});
  }
}

}  // namespace

void SearchIndex::FillEntry(const Contact& c, Entry* e) {
  e->id = c.id;
  e->created_at = c.created_at;
  e->updated_at = c.updated_at;
  e->has_name = c.name.has_value();
  e->has_email = c.email.has_value();
  e->has_phone = c.phonenumber.has_value();
  e->has_stripe = !c.stripe_accounts.empty();
  // Folded in a buffer of this thread's that keeps its capacity, then copied to the entry in one
  // allocation of the right size.
  thread_local std::string folded;
  folded.clear();
  std::array<size_t, kPhoneDigits + 1> ends;  // where each field ends in the text
  if (c.name) FoldTo(*c.name, &folded);
  ends[kNameText] = folded.size();
  folded.push_back(kFieldSeparator);
  if (c.email) FoldTo(*c.email, &folded);
  ends[kEmailText] = folded.size();
  folded.push_back(kFieldSeparator);
  FoldTo(c.external_id, &folded);
  ends[kExternalIdText] = folded.size();
  folded.push_back(kFieldSeparator);
  if (c.phonenumber) DigitsTo(*c.phonenumber, &folded);
  ends[kPhoneDigits] = folded.size();
  e->text.assign(folded);
  Fields f;  // as SplitFields(e->text) gives them, without searching for the separators
  const std::string_view text = e->text;
  size_t begin = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    f[i] = text.substr(begin, ends[i] - begin);
    begin = ends[i] + 1;
  }
  if (e->has_name) e->name_key = OrderKeyText(f[kNameText]);
  if (e->has_email) e->email_key = OrderKeyText(f[kEmailText]);
  if (e->has_phone) e->phone_key = OrderKeyDigits(f[kPhoneDigits]);
  e->external_id_key = OrderKeyText(f[kExternalIdText]);
  e->phone_inexact = f[kPhoneDigits].size() > 16;
  e->attr_keys.reserve(c.attrs.size());
  for (const AttrEntry& a : c.attrs) {
    if (const auto* s = std::get_if<std::string>(&a.value)) {
      folded.clear();
      FoldTo(*s, &folded);
      e->attr_keys.emplace_back(a.attr, OrderKeyText(folded));
      e->attr_texts.emplace_back(a.attr, std::string_view(folded));
      continue;
    }
    e->attr_keys.emplace_back(a.attr, OrderKeyOf(a.value));
    const auto* i = std::get_if<int64_t>(&a.value);
    const auto* t = std::get_if<DateTime>(&a.value);
    if ((i && (*i > (int64_t{1} << 53) || *i < -(int64_t{1} << 53))) || (t && t->nanos % 1000)) {
      e->inexact_attrs.push_back(a.attr);
    }
  }
}

SearchIndex::SearchIndex(size_t accelerate_at) : accelerate_at_(accelerate_at) {}

const SortColumn& SearchIndex::column(const FieldRef& field) const {
  switch (field.column) {
    case Column::kId:
      return id_;
    case Column::kCreatedAt:
      return created_;
    case Column::kUpdatedAt:
      return updated_;
    case Column::kName:
      return name_;
    case Column::kEmail:
      return email_;
    case Column::kPhone:
      return phone_;
    case Column::kExternalId:
      return external_id_;
    case Column::kAttr: {
      auto it = attrs_.find(field.attr);
      return it == attrs_.end() ? empty_ : *it->second;
    }
    default:
      return empty_;
  }
}

bool SearchIndex::KeysExact(const FieldRef& field) const {
  switch (field.kind) {
    case Kind::kInteger:
    case Kind::kBoolean:
      return true;
    case Kind::kNumber:
    case Kind::kDate:
      return !inexact_.contains(field.attr);
    case Kind::kPhone:
      return !phone_inexact_;  // digits packed whole, up to 16
    default:
      return false;  // text keys are 8-byte prefixes
  }
}

std::string_view SearchIndex::AttrText(AttrNo attr, Row row) const {
  auto it = text_attrs_.find(attr);
  return it == text_attrs_.end() ? std::string_view() : it->second->values.Get(row);
}

std::optional<roaring::Roaring> SearchIndex::AttrTextEquals(AttrNo attr,
                                                            std::string_view value) const {
  auto it = text_attrs_.find(attr);
  if (it == text_attrs_.end()) return roaring::Roaring();
  if (!it->second->dictionary) return std::nullopt;
  auto hit = it->second->dictionary->find(value);
  return hit == it->second->dictionary->end() ? roaring::Roaring() : hit->second;
}

bool SearchIndex::ForEachAttrTextValue(
    AttrNo attr, const std::function<void(std::string_view, const roaring::Roaring&)>& f) const {
  auto it = text_attrs_.find(attr);
  if (it == text_attrs_.end()) return true;
  if (!it->second->dictionary) return false;
  for (const auto& [value, rows] : *it->second->dictionary) f(value, rows);
  return true;
}

SortColumn& SearchIndex::AttrColumn(AttrNo attr) {
  auto& column = attrs_[attr];
  if (!column) {
    column = std::make_unique<SortColumn>(accelerated() ? kBucketRows : SIZE_MAX);
  }
  return *column;
}

std::string SearchIndex::Domain(std::string_view folded_email) {
  const size_t at = folded_email.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(folded_email.substr(at));
}

// One pass over the entries computes every column's changes, then the columns take them one
// after the other, so that one column's buckets stay in cache. (A pass over the entries per
// column read them all again: a batch's entries and texts are larger than the L1 cache.)
void SearchIndex::IndexColumns(std::span<const Row> rows, std::span<const Entry> entries) {
  const size_t n = rows.size();
  enum CoreColumn { kId, kCreated, kUpdated, kName, kEmail, kPhone, kExternalId, kCoreColumns };
  const std::array<SortColumn*, kCoreColumns> core = {&id_,    &created_, &updated_,    &name_,
                                                      &email_, &phone_,   &external_id_};
  // Column c's changes are at [c * n, (c + 1) * n).
  std::vector<SortColumn::Change> changes(kCoreColumns * n);
  absl::flat_hash_map<AttrNo, std::vector<SortColumn::Change>> by_attr;
  for (size_t i = 0; i < n; ++i) {
    const Row row = rows[i];
    const Entry& e = entries[i];
    const auto set = [&](CoreColumn c, std::optional<uint64_t> key) {
      changes[c * n + i] = {row, key};
    };
    const auto when = [](bool present, uint64_t key) {
      return present ? std::optional(key) : std::nullopt;
    };
    set(kId, OrderKey(static_cast<int64_t>(e.id)));
    set(kCreated, OrderKey(e.created_at));
    set(kUpdated, OrderKey(e.updated_at));
    set(kName, when(e.has_name, e.name_key));
    set(kEmail, when(e.has_email, e.email_key));
    set(kPhone, when(e.has_phone, e.phone_key));
    set(kExternalId, e.external_id_key);
    for (const auto& [attr, key] : e.attr_keys) by_attr[attr].push_back({row, key});

    alive_.add(row);
    if (e.has_stripe) stripe_.add(row);
    if (e.phone_inexact) phone_inexact_ = true;
    for (AttrNo attr : e.inexact_attrs) inexact_[attr] = true;
    for (const auto& [attr, folded_value] : e.attr_texts) {
      const std::string_view folded = folded_value;
      auto& slot = text_attrs_[attr];
      if (!slot) slot = std::make_unique<TextAttr>();
      slot->values.Set(row, folded);
      if (auto& dict = slot->dictionary) {
        (*dict)[folded].add(row);
        if (dict->size() > kMaxDictionaryValues) dict.reset();  // too many values to be worth it
      }
    }
  }
  for (size_t c = 0; c < kCoreColumns; ++c) {
    core[c]->SetMany(std::span(changes).subspan(c * n, n));
  }
  for (const auto& [attr, attr_changes] : by_attr) AttrColumn(attr).SetMany(attr_changes);
}

void SearchIndex::UnindexColumns(Row row) {
  for (auto& [attr, text_attr] : text_attrs_) {
    auto column = attrs_.find(attr);
    const bool had = column != attrs_.end() && column->second->has(row);
    const std::string_view value = text_attr->values.Get(row);
    if (text_attr->dictionary && had) {
      auto it = text_attr->dictionary->find(value);
      if (it != text_attr->dictionary->end()) {
        it->second.remove(row);
        if (it->second.isEmpty()) text_attr->dictionary->erase(it);
      }
    }
    text_attr->values.Erase(row);
  }
  for (auto& [attr, column] : attrs_) column->Erase(row);
  for (SortColumn* c : {&id_, &created_, &updated_, &name_, &email_, &phone_, &external_id_}) {
    c->Erase(row);
  }
  alive_.remove(row);
  stripe_.remove(row);
}

void SearchIndex::IndexText(Row row, const Entry& e) {
  arena_.Set(row, e.text);
  if (!ngrams_) return;
  unindexed_.add(row);
  stale_.add(row);
  if (e.has_email) {
    const std::string domain = Domain(FieldOf(e.text, kEmailText));
    roaring::Roaring& posting = domains_[domain];
    posting.add(row);
    if (posting.cardinality() == kFrequentDomain &&
        std::find(frequent_domains_.begin(), frequent_domains_.end(), domain) ==
            frequent_domains_.end()) {
      frequent_domains_.push_back(domain);
    }
  }
}

void SearchIndex::UnindexText(Row row) {
  const std::string_view text = arena_.Get(row);
  if (ngrams_) {
    unindexed_.remove(row);
    if (stale_.addChecked(row)) {  // indexed with this text: queue its n-grams for removal
      stale_text_.emplace(row, text);
    }
    const std::string_view email = FieldOf(text, kEmailText);
    if (!email.empty()) {
      auto it = domains_.find(Domain(email));
      if (it != domains_.end()) {
        it->second.remove(row);
        if (it->second.isEmpty()) domains_.erase(it);
      }
    }
  }
  arena_.Erase(row);
}

void SearchIndex::Put(Row row, const Entry& entry) { PutMany({&row, 1}, {&entry, 1}); }

void SearchIndex::PutMany(std::span<const Row> rows, std::span<const Entry> entries) {
  std::vector<bool> same_text(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row row = rows[i];
    if (!alive_.contains(row)) continue;
    same_text[i] = arena_.Get(row) == entries[i].text;
    UnindexColumns(row);
    if (!same_text[i]) UnindexText(row);
  }
  IndexColumns(rows, entries);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!same_text[i]) IndexText(rows[i], entries[i]);
  }
  if (!ngrams_ && alive_.cardinality() >= accelerate_at_) Accelerate();
  MaybeIndexStale();
}

void SearchIndex::Erase(Row row) {
  if (!alive_.contains(row)) return;
  UnindexText(row);
  UnindexColumns(row);
  MaybeIndexStale();
}

void SearchIndex::MaybeIndexStale() {
  if (!ngrams_ || update_out_ || stale_.cardinality() < kMaxStaleInline) return;
  std::unique_ptr<NgramUpdate> update = TakeUpdate();
  try {
    update->Build();
  } catch (...) {
    update_out_ = false;
    throw;
  }
  InstallNgramUpdate(std::move(update));
}

std::unique_ptr<SearchIndex::NgramUpdate> SearchIndex::TakeNgramUpdate(size_t min_stale) {
  if (!ngrams_ || update_out_ || stale_.cardinality() < std::max<size_t>(min_stale, 1)) {
    return nullptr;
  }
  return TakeUpdate();
}

std::unique_ptr<SearchIndex::NgramUpdate> SearchIndex::TakeUpdate() {
  auto update = std::make_unique<NgramUpdate>();
  update->new_rows = unindexed_;
  update->new_text_ends.reserve(unindexed_.cardinality());
  size_t bytes = 0;
  for (Row row : unindexed_) bytes += arena_.Get(row).size();
  update->new_text_bytes.reserve(bytes);
  for (Row row : unindexed_) {
    update->new_text_bytes += arena_.Get(row);
    update->new_text_ends.push_back(update->new_text_bytes.size());
  }
  update->old_texts = stale_text_;
  update->stale_rows = stale_;
  update_out_ = true;
  return update;
}

void SearchIndex::NgramUpdate::Build() {
  roaring::Roaring old_rows;
  for (const auto& [row, text] : old_texts) old_rows.add(row);
  removed.BuildBatch(old_rows, [this](Row row, std::vector<NgramIndex::Field>* fields) {
    NgramFields(old_texts.at(row), fields);
  });
  size_t next = 0;  // BuildBatch() asks for the rows in ascending order, as NewText() has them
  added.BuildBatch(new_rows, [this, &next](Row, std::vector<NgramIndex::Field>* fields) {
    NgramFields(NewText(next++), fields);
  });
  built = true;
}

void SearchIndex::InstallNgramUpdate(std::unique_ptr<NgramUpdate> update) {
  update_out_ = false;
  if (!update->built) return;
  // While the update was out its rows stayed in stale_, so no row gained a stale_text_ entry.
  ngrams_->RemoveAll(update->removed);
  for (const auto& [row, text] : update->old_texts) stale_text_.erase(row);
  ngrams_->AddAll(std::move(update->added));
  // A row stale when taken and not among its new rows was erased then: it has no postings now,
  // and stays stale only if it was given a text since.
  stale_ -= (update->stale_rows - update->new_rows) - unindexed_;
  std::vector<Row> current;  // new rows whose postings now hold their text, ascending
  current.reserve(update->new_text_ends.size());
  size_t i = 0;
  for (Row row : update->new_rows) {
    const std::string_view text = update->NewText(i++);
    if (alive_.contains(row) && arena_.Get(row) == text) {
      current.push_back(row);
    } else {  // changed or erased since: the postings now hold a text that is not the row's
      stale_text_.insert_or_assign(row, std::string(text));
    }
  }
  const roaring::Roaring indexed(current.size(), current.data());
  unindexed_ -= indexed;
  stale_ -= indexed;
}

NgramIndex::Match SearchIndex::FindText(std::string_view q, uint8_t space) const {
  NgramIndex::Match m = ngrams_->Find(q, space);
  m.rows -= stale_;
  return m;
}

void SearchIndex::Accelerate() {
  // The n-grams build on a second thread (it only reads the arena and alive_) while this one
  // buckets the sort columns and collects the email domains.
  auto ngrams = std::make_unique<NgramIndex>();
  std::thread builder([&] {
    ngrams->Build(alive_, [this](Row row, std::vector<NgramIndex::Field>* fields) {
      NgramFields(arena_.Get(row), fields);
    });
  });
  for (SortColumn* c : {&id_, &created_, &updated_, &name_, &email_, &phone_, &external_id_}) {
    c->SetTarget(kBucketRows);
  }
  for (auto& [attr, column] : attrs_) column->SetTarget(kBucketRows);
  unindexed_ = roaring::Roaring();
  stale_ = roaring::Roaring();
  stale_text_.clear();
  domains_.clear();
  frequent_domains_.clear();
  for (Row row : alive_) {
    const std::string_view email = arena_.Field(row, kEmailText);
    if (!email.empty()) domains_[Domain(email)].add(row);
  }
  for (auto& [domain, posting] : domains_) {
    posting.runOptimize();
    if (posting.cardinality() >= kFrequentDomain) frequent_domains_.push_back(domain);
  }
  builder.join();
  ngrams_ = std::move(ngrams);
}

void SearchIndex::Build(const ContactTable& table) {
  // Entries are computed on two threads (decoding and folding dominate), then indexed in order.
  std::vector<Row> rows;
  rows.reserve(table.size());
  table.ForEach([&](ContactTable::Row r) { rows.push_back(r); });
  std::vector<Entry> entries(rows.size());
  auto compute = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      auto contact = DecodeRecord(table.Get(rows[i]).bytes());
      if (contact.ok()) entries[i] = EntryOf(*contact);
    }
  };
  const size_t half = rows.size() / 2;
  if (rows.size() >= 20000) {
    std::thread other(compute, half, rows.size());
    compute(0, half);
    other.join();
  } else {
    compute(0, rows.size());
  }
  const size_t accelerate_at = accelerate_at_;
  accelerate_at_ = SIZE_MAX;  // bulk-build the accelerators once, at the end
  // In slices, so that IndexColumns' per-row scratch stays small.
  constexpr size_t kSlice = 4096;
  for (size_t begin = 0; begin < rows.size(); begin += kSlice) {
    const size_t n = std::min(kSlice, rows.size() - begin);
    IndexColumns(std::span(rows).subspan(begin, n), std::span(entries).subspan(begin, n));
  }
  for (size_t i = 0; i < rows.size(); ++i) IndexText(rows[i], entries[i]);
  entries.clear();
  accelerate_at_ = accelerate_at;
  if (alive_.cardinality() >= accelerate_at_) Accelerate();
}

roaring::Roaring SearchIndex::FrequentDomainsContaining(std::string_view q) const {
  std::vector<const roaring::Roaring*> hits;
  for (const std::string& domain : frequent_domains_) {
    auto it = domains_.find(domain);
    if (it != domains_.end() && domain.find(q) != std::string::npos) hits.push_back(&it->second);
  }
  if (hits.empty()) return {};
  return roaring::Roaring::fastunion(hits.size(), hits.data());
}

size_t SearchIndex::MemoryBytes() const {
  size_t bytes =
      arena_.MemoryBytes() + alive_.getSizeInBytes(false) + stripe_.getSizeInBytes(false);
  for (const SortColumn* c :
       {&id_, &created_, &updated_, &name_, &email_, &phone_, &external_id_}) {
    bytes += c->MemoryBytes();
  }
  for (const auto& [attr, column] : attrs_) bytes += column->MemoryBytes();
  for (const auto& [attr, text_attr] : text_attrs_) {
    bytes += text_attr->values.MemoryBytes();
    if (text_attr->dictionary) {
      for (const auto& [value, rows] : *text_attr->dictionary) {
        bytes += value.size() + rows.getSizeInBytes(false);
      }
    }
  }
  if (ngrams_) bytes += ngrams_->MemoryBytes();
  for (const auto& [domain, posting] : domains_)
    bytes += domain.size() + posting.getSizeInBytes(false);
  return bytes;
}

}  // namespace contactd::search
