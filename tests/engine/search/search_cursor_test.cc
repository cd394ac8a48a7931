// Keyset cursors of Engine::Search (engine/search/cursor.h, pager.cc, executor.cc).
//  - SearchCursor/SearchCursorConcurrency uses real threads: 2 writers insert, update (moving
//    contacts in every sort) and delete while 2 readers walk whole results by cursor (several
//    sorts, filters, q, page sizes) on a scanned and an indexed (>= kAccelerateAt) chatbot. A walk
//    must be ordered by the values as returned, repeat a contact only if it was updated in
//    between, and return each matching contact no writer touches exactly once. Threads share only
//    std::atomic flags and counters (and a mutex-guarded failure log); readers do a fixed number
//    of walks, then the writers stop; a watchdog thread aborts on a deadlock. The rest is
//    single-threaded:
//  - SearchCursor/SearchCursorKeyset, SearchCursorThreshold: the next page after deletes, inserts
//    and moves around the cursor, inside a run of ties, and across the switch to indexes.
//  - SearchCursorMisuse: malformed, tampered and foreign cursors, cursor with page, a cursor whose
//    contact is gone, a cursor across a restart.
//  - SearchCursorDeep: 20k contacts walked 7 at a time equal the offset pages and the reference
//    order. Nothing is timed: that is for the benchmarks.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "engine/search/cursor.h"
#include "engine/search/fold.h"
#include "engine/search/search_index.h"
#include "tests/engine/engine_harness.h"

namespace contactd::testing {
namespace {

using search::FilterInput;
using search::Fold;
using search::SearchInput;
using Ids = std::vector<ContactId>;

constexpr uint64_t kSeed = 20251121;

// ---- Sort keys, and a contact's values as search compares them.
enum class Field { kCreatedAt, kName, kEmail, kScore };
constexpr const char* kFieldNames[] = {"created_at", "name", "email", "custom_attributes.score"};
struct Key {
  Field field;
  bool desc;
};

// A returned contact: text folded, score as a double (the test only writes small numbers).
struct Seen {
  ContactId id = 0;
  int64_t created_at = 0;
  std::optional<std::string> name, email;
  std::string ext;
  std::optional<double> score;
  int64_t rev = 0;  // bumped by every update, so a contact seen twice must have moved
};

Seen Capture(const Contact& c, AttrNo score, AttrNo rev) {
  Seen s{c.id, c.created_at, std::nullopt, std::nullopt, Fold(c.external_id), std::nullopt, 0};
  if (c.name) s.name = Fold(*c.name);
  if (c.email) s.email = Fold(*c.email);
  for (const AttrEntry& e : c.attrs) {
    const auto* i = std::get_if<int64_t>(&e.value);
    const auto* d = std::get_if<double>(&e.value);
    if (e.attr == score) s.score = i ? static_cast<double>(*i) : d ? *d : 0;
    if (e.attr == rev && i) s.rev = *i;
  }
  return s;
}

std::string Describe(const Seen& s) {
  return "contact_" + std::to_string(s.id) + "{created " + std::to_string(s.created_at) +
         ", name " + s.name.value_or("-") + ", email " + s.email.value_or("-") + ", score " +
         (s.score ? std::to_string(*s.score) : "-") + ", rev " + std::to_string(s.rev) + "}";
}

// A sort value: a number (created_at, score) or folded text (name, email); nullopt when missing.
using Value = std::optional<std::variant<double, std::string>>;
Value ValueOf(const Seen& s, Field f) {
  if (f == Field::kCreatedAt) return static_cast<double>(s.created_at);  // exact below 2^53
  if (f == Field::kScore) return s.score ? Value(*s.score) : std::nullopt;
  const std::optional<std::string>& t = f == Field::kName ? s.name : s.email;
  return t ? Value(*t) : std::nullopt;
}

// The specified total order (query.h): per key, values in the key's direction (text bytewise),
// missing values last in both directions; then the id in the first key's direction. < 0: a first.
int Cmp(const Seen& a, const Seen& b, const std::vector<Key>& keys) {
  for (const Key& k : keys) {
    const Value va = ValueOf(a, k.field), vb = ValueOf(b, k.field);
    if (va.has_value() != vb.has_value()) return va ? -1 : 1;
    if (va && *va != *vb) return (*va < *vb) != k.desc ? -1 : 1;
  }
  if (a.id == b.id) return 0;
  return (a.id < b.id) != keys.front().desc ? -1 : 1;
}

enum class Filter { kNone, kScoreAtLeast0, kScoreAtLeast1, kNameStartsAn };

struct Spec {
  std::vector<Key> sort;  // as sent; empty: the default, created_at descending
  Filter filter = Filter::kNone;
  std::string q;

  std::vector<Key> Effective() const {
    return sort.empty() ? std::vector<Key>{{Field::kCreatedAt, true}} : sort;
  }
  bool Matches(const Seen& s) const {
    if (filter == Filter::kScoreAtLeast0 && !(s.score && *s.score >= 0)) return false;
    if (filter == Filter::kScoreAtLeast1 && !(s.score && *s.score >= 1)) return false;
    if (filter == Filter::kNameStartsAn && !(s.name && s.name->starts_with("an"))) return false;
    const std::string t = Fold(q);
    auto has = [&](const std::optional<std::string>& v) { return v && v->find(t) != v->npos; };
    return q.empty() || has(s.name) || has(s.email) || s.ext.find(t) != std::string::npos;
  }
  SearchInput Input(size_t per_page, std::optional<std::string> cursor = std::nullopt) const {
    SearchInput in;
    for (size_t i = 0; i < sort.size(); ++i) {
      in.sort.push_back({kFieldNames[static_cast<int>(sort[i].field)], sort[i].desc,
                         "sort[" + std::to_string(i) + "]"});
    }
    if (filter != Filter::kNone) {
      const bool name = filter == Filter::kNameStartsAn;
      FilterInput& f = in.filter.emplace();
      f.field = name ? "name" : "custom_attributes.score";
      f.op = name ? "^" : ">=";
      f.values = {name ? RawValue::String("An") : RawValue::Int(filter == Filter::kScoreAtLeast1)};
      f.value_given = true;
      f.path = "query";
    }
    in.q = q;
    in.per_page = per_page;
    in.cursor = std::move(cursor);
    return in;
  }
  std::string Describe() const {
    std::string out = "sort";
    for (const Key& k : Effective())
      out += std::string(" ") + (k.desc ? "-" : "+") + kFieldNames[static_cast<int>(k.field)];
    return out + ", filter #" + std::to_string(static_cast<int>(filter)) + ", q '" + q + "'";
  }
};

// The queries walked: the default sort, name ascending, the score descending, email ascending
// (missing values), then with filters and q.
const std::vector<Spec> kSpecs = {
    {{}, Filter::kNone, ""},
    {{{Field::kName, false}}, Filter::kNone, ""},
    {{{Field::kScore, true}}, Filter::kNone, ""},
    {{{Field::kEmail, false}}, Filter::kNone, ""},
    {{{Field::kScore, true}, {Field::kName, false}}, Filter::kScoreAtLeast0, ""},
    {{{Field::kName, false}}, Filter::kNone, "ANN"},
    {{{Field::kEmail, false}, {Field::kScore, true}}, Filter::kNameStartsAn, ""},
    {{{Field::kCreatedAt, false}, {Field::kName, true}}, Filter::kNone, "user.s"},
};

// The ids of the rows matching `spec`, in its order.
Ids Sorted(std::vector<Seen> rows, const Spec& spec) {
  std::erase_if(rows, [&](const Seen& s) { return !spec.Matches(s); });
  std::sort(rows.begin(), rows.end(),
            [&](const Seen& a, const Seen& b) { return Cmp(a, b, spec.Effective()) < 0; });
  Ids ids;
  for (const Seen& s : rows) ids.push_back(s.id);
  return ids;
}

Ids Slice(const Ids& v, size_t from, size_t n) {
  return {v.begin() + static_cast<ptrdiff_t>(from), v.begin() + static_cast<ptrdiff_t>(from + n)};
}

constexpr const char* kNames[] = {"Anna",   "Ánna",    "anna",   "Ann-Marie", "Andrés",
                                  "Bob",    "björn",   "Björn",  "Çelik",     "celik",
                                  "Émile",  "emile",   "Jeanne", "Łukasz",    "Søren",
                                  "Straße", "strasse", "Zoë",    "zoe",       "Zoe"};

// Contact number `i` of a deterministic population: folded-equal names, missing names, emails
// (sharing their first 8 bytes, the text order key) and scores, fractional scores, many ties.
ContactInput Person(const std::string& ext, uint64_t i) {
  std::optional<std::string> name, email;
  if (i % 11 != 3) name = kNames[(i * 7 + i / 13) % std::size(kNames)];
  if (i % 5 != 2) email = (i % 3 == 0 ? "User." : "user.") + ext + "@Example.com";
  Attrs attrs{{"rev", RawValue::Int(0)}};
  const int64_t v = static_cast<int64_t>(i * 13 % 41) - 20;
  if (i % 6 != 1) {
    attrs.push_back(
        {"score", i % 4 == 1 ? RawValue::Double(static_cast<double>(v) + 0.5) : RawValue::Int(v)});
  }
  return WithAttrs(Item(ext, email, name), attrs);
}

// An engine with workspace "acme" and chatbot "bot" (attributes score and rev, both numbers).
class CursorWorld {
 public:
  CursorWorld() {
    admin_key_ = h_.NewWorkspace("acme");
    admin_ = h_.Auth(admin_key_);
    h_.NewChatbot(admin_, "bot");
    h_.Define(admin_, "bot", "score", "number");
    h_.Define(admin_, "bot", "rev", "number");
    Result<ContactList> r = Search(SearchInput{});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) score_ = r->schema->Find("score")->no, rev_ = r->schema->Find("rev")->no;
  }

  Engine& e() { return h_.engine(); }
  ManualClock& clock() { return h_.clock(); }
  const Principal& admin() const { return admin_; }
  Seen Capture(const Contact& c) const { return testing::Capture(c, score_, rev_); }
  void Restart() { h_.Restart(), admin_ = h_.Auth(admin_key_); }
  Result<ContactList> Search(const SearchInput& in) { return e().Search(admin_, "bot", in); }
  Result<ContactList> Upsert(std::vector<ContactInput> items) {
    return e().UpsertContacts(admin_, "bot", std::move(items));
  }

  // Upserts make(i) for i in [0, n) in batches of 1000, advancing the clock a second every
  // `batches_per_tick` batches; returns the stored contacts.
  std::vector<Contact> Load(size_t n, const std::function<ContactInput(size_t)>& make,
                            size_t batches_per_tick) {
    std::vector<Contact> out;
    for (size_t start = 0, batch = 0; start < n; start += kMaxBatch, ++batch) {
      if (batch > 0 && batch % batches_per_tick == 0) clock().Advance(1);
      std::vector<ContactInput> items;
      for (size_t i = start; i < std::min(n, start + kMaxBatch); ++i) items.push_back(make(i));
      Result<ContactList> r = Upsert(std::move(items));
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (!r.ok()) return out;
      out.insert(out.end(), r->contacts.begin(), r->contacts.end());
    }
    return out;
  }
  std::vector<Contact> LoadPeople(size_t n, const std::string& prefix, size_t ticks) {
    return Load(
        n, [&](size_t i) { return Person(prefix + std::to_string(i), i); }, ticks);
  }

 private:
  EngineHarness h_;
  std::string admin_key_;
  Principal admin_;
  AttrNo score_ = 0, rev_ = 0;
};

// ---- 1. Real threads: walks while writers insert, update and delete.
struct ConcurrencyCase {
  const char* label;
  size_t contacts, walks_per_reader, min_per_page;  // min_per_page: for unfiltered walks
};

class SearchCursorConcurrency : public ::testing::TestWithParam<ConcurrencyCase> {};

// Walks `spec` to the end by cursor into *seq; "" or what went wrong.
std::string WalkOnce(CursorWorld& w, const Spec& spec, const std::function<size_t()>& per_pages,
                     std::vector<Seen>* seq) {
  std::optional<std::string> cursor;
  for (size_t page = 0, per_page = per_pages(); page < 200000; ++page, per_page = per_pages()) {
    Result<ContactList> r = w.Search(spec.Input(per_page, cursor));
    const std::string at = "page " + std::to_string(page) + " of " + std::to_string(per_page);
    if (!r.ok()) return at + ": " + r.status().ToString();
    if (r->contacts.size() > per_page || (r->next_cursor && r->contacts.size() != per_page)) {
      return at + " has " + std::to_string(r->contacts.size()) + " rows and " +
             (r->next_cursor ? "a" : "no") + " next_cursor";
    }
    for (const Contact& c : r->contacts) seq->push_back(w.Capture(c));
    if (!r->next_cursor) return "";
    cursor = r->next_cursor;
  }
  return "the walk does not end";
}

// The properties of one walk, on the values as returned; "" when they hold.
std::string CheckWalk(const Spec& spec, const std::vector<Seen>& seq,
                      const std::vector<Seen>& stable) {
  std::map<ContactId, size_t> last_at;
  for (size_t i = 0; i < seq.size(); ++i) {
    const std::string at = "[" + std::to_string(i) + "] ";
    if (!spec.Matches(seq[i])) return at + "does not match: " + Describe(seq[i]);
    if (i > 0 && Cmp(seq[i - 1], seq[i], spec.Effective()) >= 0) {
      return at + "out of order: " + Describe(seq[i - 1]) + " then " + Describe(seq[i]);
    }
    if (auto it = last_at.find(seq[i].id);
        it != last_at.end() && seq[it->second].rev >= seq[i].rev) {
      return at + "returned twice without an update in between: " + Describe(seq[it->second]) +
             " at [" + std::to_string(it->second) + "] and " + Describe(seq[i]);
    }
    last_at[seq[i].id] = i;
  }
  for (const Seen& s : stable) {
    if (last_at.contains(s.id) != spec.Matches(s)) {  // a repeat has failed above
      return "untouched " + Describe(s) + (spec.Matches(s) ? " is skipped" : " is returned");
    }
  }
  return "";
}

TEST_P(SearchCursorConcurrency, WalksNeverRepeatOrSkipWhileWritersChurn) {
  const ConcurrencyCase& p = GetParam();
  SCOPED_TRACE(std::string(p.label) + ", seed " + std::to_string(kSeed));
  CursorWorld w;
  // Every 4th contact is stable: no writer touches it. The others belong to writer id % 2.
  // Five batches share a created_at (on the large chatbot: runs of one key over 4096 rows).
  const std::vector<Contact> loaded = w.Load(
      p.contacts, [](size_t i) { return Person((i % 4 ? "p" : "s") + std::to_string(i), i); }, 5);
  ASSERT_EQ(loaded.size(), p.contacts);
  std::vector<Seen> stable;
  std::vector<std::string> owned[2];
  for (const Contact& c : loaded) {
    if (c.external_id[0] == 's') stable.push_back(w.Capture(c));
    if (c.external_id[0] == 'p') owned[c.id % 2].push_back(c.external_id);
  }

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> writes{0}, rev{0}, rows{0};
  std::mutex log_mu;
  std::vector<std::string> log;  // failures, reported at the end
  auto fail = [&](std::string what) {
    std::lock_guard lock(log_mu);
    log.push_back(std::move(what));
  };
  // Each writer keeps its own contacts near their initial number, so the chatbot stays on its
  // side of kAccelerateAt. Updates come from one writer per contact, so revs only grow.
  auto writer = [&](int wi) {
    std::mt19937_64 rng(kSeed + wi);
    std::vector<std::string> live = owned[wi];
    const size_t target = live.size();
    for (uint64_t made = 0; !stop.load();) {
      const uint64_t op = rng() % 10;
      Status s;
      if (op < (live.size() < target ? 5u : 2u) || live.empty()) {
        const std::string ext = "w" + std::to_string(wi) + "_" + std::to_string(made++);
        s = w.Upsert({Person(ext, rng())}).status();
        if (s.ok()) live.push_back(ext);
      } else if (op < 6) {  // moves the contact in every sort
        ContactInput patch;
        patch.name.Set(kNames[rng() % std::size(kNames)]);
        if (rng() % 10 == 0) patch.name.SetNull();
        RawValue score = RawValue::Int(static_cast<int64_t>(rng() % 41) - 20);
        if (rng() % 5 == 0) score = RawValue::Null();
        patch.custom_attributes.Set(
            {{"rev", RawValue::Int(static_cast<int64_t>(++rev))}, {"score", score}});
        const uint64_t m = rng() % 10;
        if (m < 2)
          patch.email.Set("m" + std::to_string(wi) + "_" + std::to_string(made++) + "@x.io");
        if (m == 2) patch.email.SetNull();
        const std::string& ext = live[rng() % live.size()];
        s = w.e().UpdateContact(w.admin(), "bot", ext, std::move(patch)).status();
      } else {
        const size_t k = rng() % live.size();
        s = w.e().DeleteContact(w.admin(), "bot", live[k]).status();
        if (s.ok()) live.erase(live.begin() + static_cast<ptrdiff_t>(k));
      }
      if (!s.ok()) fail("writer " + std::to_string(wi) + ": " + s.ToString());
      if (rng() % 64 == 0) w.clock().Advance(1);
      ++writes;
    }
  };
  auto reader = [&](int ri) {
    std::mt19937_64 rng(kSeed + 100 + ri);
    while (writes.load() == 0) std::this_thread::yield();  // start once the writers do
    for (size_t k = 0; k < p.walks_per_reader; ++k) {
      const Spec& spec = kSpecs[(2 * k + ri) % kSpecs.size()];
      std::vector<Seen> seq;
      const uint64_t before = writes.load();
      // per_page is not part of the query: a third of the walks change it on every page.
      const size_t min = spec.filter == Filter::kNone && spec.q.empty() ? p.min_per_page : 1,
                   fixed = min + rng() % (98 - min);
      const bool vary = rng() % 3 == 0;
      std::string err = WalkOnce(
          w, spec, [&] { return vary ? min + rng() % (98 - min) : fixed; }, &seq);
      if (err.empty()) err = CheckWalk(spec, seq, stable);
      if (!err.empty()) {
        fail("reader " + std::to_string(ri) + " walk " + std::to_string(k) + " (" +
             spec.Describe() + "; " + std::to_string(writes.load() - before) +
             " writes during it): " + err);
      }
      rows += seq.size();
    }
  };

  const auto start = std::chrono::steady_clock::now();
  std::promise<void> done;
  std::thread watchdog([f = done.get_future()]() mutable {  // aborts on a deadlock
    if (f.wait_for(std::chrono::seconds(180)) == std::future_status::timeout) std::abort();
  });
  std::vector<std::thread> writers, readers;
  for (int i = 0; i < 2; ++i) writers.emplace_back(writer, i);
  for (int i = 0; i < 2; ++i) readers.emplace_back(reader, i);
  for (std::thread& t : readers) t.join();
  stop = true;
  for (std::thread& t : writers) t.join();
  done.set_value();
  watchdog.join();

  for (size_t i = 0; i < std::min<size_t>(log.size(), 5); ++i) ADD_FAILURE() << log[i];
  EXPECT_EQ(log.size(), 0u);
  Result<ContactList> all = w.Search(SearchInput{});
  ASSERT_OK(all);
  EXPECT_EQ(all->total >= search::kAccelerateAt, p.contacts >= search::kAccelerateAt) << all->total;
  std::printf("[%s] %zu walks, %zu rows, %zu writes, %zu contacts, %.1f s\n", p.label,
              2 * p.walks_per_reader, size_t{rows}, size_t{writes}, size_t{all->total},
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

INSTANTIATE_TEST_SUITE_P(SearchCursor, SearchCursorConcurrency,
                         ::testing::Values(ConcurrencyCase{"scan", 1200, 48, 1},
                                           ConcurrencyCase{"indexed", 15000, 14, 40}),
                         [](const auto& info) { return std::string(info.param.label); });

// ---- 2. Keyset semantics, single-threaded, against a model of the chatbot.
// One cursor walk; each page must be the first rows of the current state (the model) that come
// after the last row returned, as it was returned. Writes go through it to keep the model.
class Follower {
 public:
  Follower(CursorWorld* w, Spec spec, const std::vector<Contact>& contacts)
      : w_(w), spec_(std::move(spec)) {
    for (const Contact& c : contacts) Put(c);
  }

  void Put(const Contact& c) {
    model_[c.id] = w_->Capture(c);
    ext_[c.id] = c.external_id;
  }
  Contact Upsert(ContactInput in) {
    Result<ContactList> r = w_->Upsert({std::move(in)});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) Put(r->contacts.at(0));
    return r.ok() ? r->contacts.at(0) : Contact{};
  }
  void Rename(ContactId id, const std::string& name) {
    ContactInput patch;
    patch.name.Set(name);
    Result<ContactOne> r = w_->e().UpdateContact(w_->admin(), "bot", ext_.at(id), std::move(patch));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) Put(r->contact);
  }
  void Delete(ContactId id) {
    EXPECT_OK(w_->e().DeleteContact(w_->admin(), "bot", ext_.at(id)));
    model_.erase(id);
  }
  // The model's matching contacts after the last returned one, in order.
  Ids Ahead() const {
    std::vector<Seen> rows;
    for (const auto& [id, s] : model_)
      if (!last_ || Cmp(*last_, s, spec_.Effective()) < 0) rows.push_back(s);
    return Sorted(std::move(rows), spec_);
  }
  Ids Next(size_t per_page) {
    Ids want = Ahead();
    const bool more = want.size() > per_page;
    if (more) want.resize(per_page);
    Result<ContactList> r = w_->Search(spec_.Input(per_page, cursor_));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    Ids got;
    for (const Contact& c : r->contacts) got.push_back(c.id);
    EXPECT_EQ(got, want) << spec_.Describe() << " after " << (last_ ? Describe(*last_) : "start");
    EXPECT_EQ(r->next_cursor.has_value(), more);
    if (!r->contacts.empty()) last_ = w_->Capture(r->contacts.back());
    cursor_ = r->next_cursor;
    returned_.insert(returned_.end(), got.begin(), got.end());
    return got;
  }
  bool done() const { return !returned_.empty() && !cursor_; }
  const std::string& cursor() const { return *cursor_; }
  const Seen& last() const { return *last_; }
  const Ids& returned() const { return returned_; }

 private:
  CursorWorld* w_;
  Spec spec_;
  std::map<ContactId, Seen> model_;
  std::map<ContactId, std::string> ext_;
  std::optional<Seen> last_;
  std::optional<std::string> cursor_;
  Ids returned_;
};

class SearchCursorKeyset : public ::testing::TestWithParam<size_t> {};

TEST_P(SearchCursorKeyset, DeletesInsertsAndMovesAroundTheCursor) {
  const size_t n = GetParam();
  const size_t s = n < search::kAccelerateAt ? 10 : 6990;  // where the edits start
  const size_t run = s + 20;  // 10 contacts sharing one name: ties, ordered by id
  // "name-00000", ...: 10 bytes, so the 8-byte order keys are shared and ties need the text.
  auto named = [&](size_t i) {
    char name[32];
    std::snprintf(name, sizeof name, "name-%05zu", i >= run && i < run + 10 ? run : i);
    return Item("k" + std::to_string(i), std::nullopt, name);
  };
  CursorWorld w;
  Follower f(&w, kSpecs[1], w.Load(n, named, 1000));
  const Ids order = f.Ahead();
  ASSERT_EQ(order.size(), n);
  while (f.returned().size() < s) f.Next(std::min<size_t>(1000, s - f.returned().size()));
  ASSERT_EQ(f.returned(), Slice(order, 0, s));

  // The cursor's own contact is deleted: the next page starts right after it.
  f.Delete(order[s - 1]);
  EXPECT_EQ(f.Next(3), Slice(order, s, 3));

  // One contact is inserted before the cursor (never returned), one just after it (next).
  f.Upsert(Item("x-before", std::nullopt, "a-before"));
  const Contact after = f.Upsert(Item("x-after", std::nullopt, *f.last().name + "5"));
  EXPECT_EQ(f.Next(3), (Ids{after.id, order[s + 3], order[s + 4]}));

  // The cursor inside the run of ties: its contact is deleted, and a contact joins the run (a
  // larger id: at its end, after the cursor).
  EXPECT_EQ(f.Next(20), Slice(order, s + 5, 20));  // up to the run's 5th
  f.Delete(order[run + 4]);
  const Contact joins = f.Upsert(Item("x-joins", std::nullopt, *f.last().name));
  EXPECT_EQ(f.Next(3), Slice(order, run + 5, 3));

  // The cursor's contact moves forward: the next page skips nobody, and it comes again later.
  const ContactId moved = order[run + 7];
  f.Rename(moved, "zzz-moved");
  EXPECT_EQ(f.Next(3), (Ids{order[run + 8], order[run + 9], joins.id}));
  // ... and backward (with an earlier contact): neither comes again, nobody is skipped.
  f.Rename(order[run + 1], "a-moved");
  f.Rename(joins.id, "a-moved-too");
  EXPECT_EQ(f.Next(2), Slice(order, run + 10, 2));

  // A contact ahead moves further ahead: returned once, at its new place.
  const ContactId ahead = order[run + 12];
  f.Rename(ahead, "zz-ahead");
  while (!f.done() && !HasFailure()) f.Next(n < search::kAccelerateAt ? 7 : 1000);

  // The whole walk, explicitly: name order with the edits applied where the cursor met them.
  Ids want = Slice(order, 0, s + 3);
  want.push_back(after.id);
  for (size_t i = s + 3; i < n; ++i) {
    if (i != run + 12) want.push_back(order[i]);
    if (i == run + 9) want.push_back(joins.id);
  }
  want.push_back(ahead);  // "zz-ahead" < "zzz-moved"
  want.push_back(moved);  // a second time: it moved past the cursor
  EXPECT_EQ(f.returned(), want);
}

INSTANTIATE_TEST_SUITE_P(SearchCursor, SearchCursorKeyset,
                         ::testing::Values(size_t{80}, 2 * search::kAccelerateAt + 1000),
                         [](const auto& i) { return std::string(i.index ? "Indexed" : "Scan"); });

// A walk that starts on the scan path and continues after the chatbot grows past kAccelerateAt
// (sort columns get buckets): the cursor's position means the same on both sides.
TEST(SearchCursorThreshold, WalkContinuesAcrossAcceleration) {
  for (const Spec& spec : {kSpecs[1], kSpecs[3]}) {
    SCOPED_TRACE(spec.Describe());
    CursorWorld w;
    Follower f(&w, spec, w.LoadPeople(search::kAccelerateAt - 3, "t", 1));
    f.Next(600);
    f.Next(7);
    for (size_t i = 0; i < 5; ++i) f.Upsert(Person("grow" + std::to_string(i), 77 + i));
    while (!f.done() && !HasFailure()) f.Next(f.returned().size() < 700 ? 13 : 1000);
    EXPECT_GE(f.returned().size(), search::kAccelerateAt - 3);
  }
}

// ---- 3. Misuse.
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr const char* kForeign =
    "This cursor belongs to another query: its filters, q or sort differ";

// Flips the lowest of the six bits that character `pos` of a base64url token carries.
std::string FlipBit(std::string token, size_t pos) {
  token[pos] = kAlphabet[std::string_view(kAlphabet).find(token[pos]) ^ 1];
  return token;
}

class SearchCursorMisuse : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ((loaded_ = w_.LoadPeople(12, "s", 1)).size(), 12u); }
  // A walk of `spec` after its first page.
  Follower Started(const Spec& spec, size_t per_page = 2) {
    Follower f(&w_, spec, loaded_);
    f.Next(per_page);
    EXPECT_FALSE(f.done());
    return f;
  }
  void ExpectRejected(const Spec& spec, const std::string& cursor, std::optional<size_t> page,
                      const std::string& issue, const std::string& what) {
    SearchInput in = spec.Input(2, cursor);
    in.page = page;
    Result<ContactList> r = w_.Search(in);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << what;
    EXPECT_EQ(r.status().message(), kMsgInvalidRequest) << what;
    EXPECT_EQ(r.status().issues(), (std::vector<Issue>{{"cursor", issue}})) << what;
  }

  CursorWorld w_;
  std::vector<Contact> loaded_;
  const Spec& by_name_ = kSpecs[1];
};

TEST_F(SearchCursorMisuse, MalformedCursorsAndCursorWithPageAreInvalidArgument) {
  Follower f = Started(by_name_);
  const std::string t = f.cursor();
  ASSERT_EQ(t[0], 'A');  // version 1: its top six bits are zero
  const std::optional<search::Cursor> c = search::DecodeCursor(t);
  ASSERT_EQ(c.value_or(search::Cursor{}).values.size(), 1u);
  search::Cursor four = *c, none = *c;  // the right fingerprint, a wrong number of sort values
  four.values.resize(4, c->values[0]);
  none.values.clear();
  std::string plus = t;
  plus[t.size() / 2] = '+';
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty"},
      {"%%%", "not base64url"},
      {t + "=", "base64 padding"},
      {plus, "a '+' (base64, not base64url)"},
      {t.substr(0, 1), "truncated to 1 character"},
      {t.substr(0, t.size() / 2), "truncated by half"},
      {t.substr(0, t.size() - 1), "truncated by 1 character"},
      {t + "AA", "a byte appended"},
      {FlipBit(t, 0), "version bit flipped"},
      {search::EncodeCursor(four), "4 sort values (at most 3)"},
      {search::EncodeCursor(none), "no sort value for a 1-key sort"}};
  for (const auto& [token, what] : cases) {
    ExpectRejected(by_name_, token, std::nullopt, "Malformed cursor", what + ": '" + token + "'");
  }
  for (size_t page : {1, 3}) {
    ExpectRejected(by_name_, t, page, "Use either page or cursor", "page " + std::to_string(page));
  }
  f.Next(2);  // t itself still works
}

TEST_F(SearchCursorMisuse, CursorsOfOtherQueriesAreRejected) {
  const std::string t = Started(by_name_).cursor();
  for (const Spec& other : kSpecs) {
    if (other.Describe() == by_name_.Describe()) continue;
    ExpectRejected(other, t, std::nullopt, kForeign, other.Describe());
    ExpectRejected(by_name_, Started(other).cursor(), std::nullopt, kForeign,
                   "of " + other.Describe());
  }
  // Another filter operand; a bit of the fingerprint flipped.
  ExpectRejected({{{Field::kName, false}}, Filter::kScoreAtLeast1, ""},
                 Started({{{Field::kName, false}}, Filter::kScoreAtLeast0, ""}).cursor(),
                 std::nullopt, kForeign, "score >= 1 with a cursor of score >= 0");
  ExpectRejected(by_name_, FlipBit(t, 3), std::nullopt, kForeign, "fingerprint bit flipped");

  Started(by_name_).Next(5);  // per_page is not part of the query
}

TEST_F(SearchCursorMisuse, CursorWhoseContactIsGoneStillWorks) {
  Follower f = Started(by_name_, 4);
  const Ids order = Follower(&w_, by_name_, loaded_).Ahead();
  f.Delete(order[3]);  // the cursor's contact
  f.Delete(order[4]);  // and the one after it
  EXPECT_EQ(f.Next(4), Slice(order, 5, 4));
  for (size_t i = 8; i < order.size(); ++i) f.Delete(order[i]);  // the cursor's and all after it
  EXPECT_EQ(f.Next(4), Ids{});
  EXPECT_TRUE(f.done());
}

TEST_F(SearchCursorMisuse, CursorSurvivesARestart) {
  Follower a = Started(by_name_), b = Started(kSpecs[2]);
  w_.Restart();
  a.Next(5);
  b.Next(5);
}

// ---- 4. Depth: a long walk equals the offset pages and the reference order.
TEST(SearchCursorDeep, WalkOf20kSevenAtATimeEqualsOffsetPagesAndReference) {
  CursorWorld w;
  std::vector<Seen> rows;  // seven batches a second: runs of 7000 contacts share a created_at
  for (const Contact& c : w.LoadPeople(20000, "s", 7)) rows.push_back(w.Capture(c));
  ASSERT_EQ(rows.size(), 20000u);
  const auto seven = [] { return size_t{7}; };
  for (const Spec& spec : {kSpecs[0], kSpecs[1], kSpecs[2], kSpecs[3], kSpecs[4], kSpecs[7]}) {
    SCOPED_TRACE(spec.Describe());
    const Ids want = Sorted(rows, spec);
    ASSERT_GT(want.size(), 1000u);
    std::vector<Seen> seq;
    ASSERT_EQ(WalkOnce(w, spec, seven, &seq), "");
    Ids walked, paged;
    for (const Seen& s : seq) walked.push_back(s.id);
    EXPECT_EQ(walked, want);
    for (size_t page = 1; page <= (want.size() + 999) / 1000; ++page) {
      SearchInput in = spec.Input(1000);
      in.page = page;
      Result<ContactList> r = w.Search(in);
      ASSERT_OK(r);
      EXPECT_EQ(r->total, want.size());
      for (const Contact& c : r->contacts) paged.push_back(c.id);
    }
    EXPECT_EQ(paged, want);
  }
}

}  // namespace
}  // namespace contactd::testing
