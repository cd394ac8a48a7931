// Randomized comparison of Engine::Search with a brute-force reference (search_reference.h,
// search_generators.h, search_checker.h).
//
// A chatbot gets thousands of random writes (new contacts, upserts and patches of existing ones,
// external_id renames, deletes) from small alphabets, interleaved with thousands of random
// queries: filter trees up to depth 3 over every field and every valid operator, free-text q,
// one to three sort keys, and page sizes from 1 to 60. Each query is walked to the end by cursor
// and by page number, and the exact total and the whole order are compared with the reference.
//
// Two regimes: a small chatbot (the scan path) and a large one that grows past
// search::kAccelerateAt and past two buckets per sort column (n-gram postings, email domains and
// bucket walks), then restarts so the indexes are rebuilt from storage.
//
// The seed is fixed; CONTACTD_ORACLE_SEED=<n> runs another. Every failure prints the seed, the
// query and the rows around the first difference.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/search/search_index.h"
#include "tests/engine/engine_harness.h"
#include "tests/engine/search/search_checker.h"

namespace contactd::testing {
namespace {

using namespace search::reference;  // NOLINT(google-build-using-namespace)

uint64_t SeedOr(uint64_t fallback) {
  const char* s = std::getenv("CONTACTD_ORACLE_SEED");
  return s != nullptr ? std::strtoull(s, nullptr, 10) : fallback;
}

// Step counts scale with CONTACTD_ORACLE_SCALE (default 1; a soak run uses 20 or more).
size_t Steps(size_t base) {
  const char* s = std::getenv("CONTACTD_ORACLE_SCALE");
  const double scale = s != nullptr ? std::strtod(s, nullptr) : 1.0;
  return std::max<size_t>(1, static_cast<size_t>(static_cast<double>(base) * scale));
}

// An engine with one chatbot, a model of its contacts, and the generators.
class World {
 public:
  explicit World(uint64_t seed) : seed_(seed), rng_(seed) {
    admin_key_ = h_.NewWorkspace("acme");
    admin_ = h_.Auth(admin_key_);
    h_.NewChatbot(admin_, "bot");
    for (auto [name, type] :
         std::vector<std::pair<std::string, std::string>>{{"plan", "text"},
                                                          {"tier", "text"},
                                                          {"ltv", "number"},
                                                          {"score", "number"},
                                                          {"vip", "boolean"},
                                                          {"renewal", "date"},
                                                          {"seen", "date"},
                                                          {"ghost", "number"}}) {
      h_.Define(admin_, "bot", name, type);
    }
    schema_ = Schema0();
    model_ = std::make_unique<Model>(*schema_);
    data_ = std::make_unique<DataGen>(&rng_, *schema_);
    queries_ = std::make_unique<QueryGen>(&rng_, model_.get());
    checker_ = std::make_unique<Checker>(model_.get(), schema_.get(), &rng_, seed);
  }

  Engine& e() { return h_.engine(); }
  Model& model() { return *model_; }
  DataGen& data() { return *data_; }
  QueryGen& queries() { return *queries_; }
  Checker& checker() { return *checker_; }
  Rng& rng() { return rng_; }
  uint64_t seed() const { return seed_; }
  ManualClock& clock() { return h_.clock(); }

  SearchFn search() {
    return [this](const search::SearchInput& in) -> Result<PageOut> {
      Result<ContactList> r = e().Search(admin_, "bot", in);
      if (!r.ok()) return r.status();
      PageOut out;
      out.total = r->total;
      out.next_cursor = r->next_cursor;
      for (const Contact& c : r->contacts) out.ids.push_back(c.id);
      return out;
    };
  }

  // Moves the clock irregularly: often not at all (ties), sometimes a little, rarely a lot.
  void Tick() {
    const size_t r = Uniform(rng_, 0, 99);
    if (r < 45) return;
    if (r < 75) return clock().Advance(1);
    if (r < 95) return clock().Advance(static_cast<int64_t>(Uniform(rng_, 2, 100)));
    clock().Advance(static_cast<int64_t>(Uniform(rng_, 1000, 100000)));
  }

  // Upserts `items`; on an email clash, again without the emails. Updates the model.
  void Upsert(std::vector<ContactInput> items) {
    std::vector<ContactInput> copy = items;
    Result<ContactList> r = e().UpsertContacts(admin_, "bot", std::move(copy));
    if (!r.ok() && r.status().code() == Code::kAlreadyExists) {
      for (ContactInput& in : items) in.email = {};
      r = e().UpsertContacts(admin_, "bot", std::move(items));
    }
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const Contact& c : r->contacts) model_->Put(c);
  }

  void Insert(size_t n) {
    std::vector<ContactInput> items;
    for (size_t i = 0; i < n; ++i) items.push_back(data_->NewContact(++counter_));
    Upsert(std::move(items));
  }

  // The size random writes hover around: more inserts below it, more deletes above it.
  void set_target_size(size_t n) { target_size_ = n; }

  // One random write.
  void Mutate() {
    Tick();
    const double insert_share = model_->size() < target_size_ ? 0.45 : 0.08;
    const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (model_->size() < 5 || r < insert_share) {
      std::vector<ContactInput> items;
      const size_t n = Uniform(rng_, 1, 4);
      for (size_t i = 0; i < n; ++i) items.push_back(data_->NewContact(++counter_));
      if (model_->size() > 0 && Chance(rng_, 0.3)) {  // and an existing one, by external_id
        ContactInput patch = data_->Patch();
        patch.external_id.Set(model_->Random(rng_).c.external_id);
        items.push_back(std::move(patch));
      }
      return Upsert(std::move(items));
    }
    const RefRow& victim = model_->Random(rng_);
    const std::string ext = victim.c.external_id;
    const ContactId id = victim.c.id;
    if (r < insert_share + (1 - insert_share) * 0.35) {  // upsert an existing contact
      ContactInput patch = data_->Patch();
      patch.external_id.Set(ext);
      return Upsert({std::move(patch)});
    }
    if (r < insert_share + (1 - insert_share) * 0.7) {  // PATCH, perhaps renaming
      ContactInput patch = data_->Patch();
      if (Chance(rng_, 0.15)) patch.external_id.Set(data_->NewExternalId(++counter_));
      ContactInput retry = patch;
      Result<ContactOne> u = e().UpdateContact(admin_, "bot", ext, std::move(patch));
      if (!u.ok() && u.status().code() == Code::kAlreadyExists) {
        retry.email = {};
        u = e().UpdateContact(admin_, "bot", ext, std::move(retry));
      }
      ASSERT_TRUE(u.ok()) << u.status().ToString();
      return model_->Put(u->contact);
    }
    Result<ContactOne> d = e().DeleteContact(admin_, "bot", ext);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    model_->Erase(id);
  }

  // Spot-checks the model against the engine: the count and some contacts read back.
  void Audit(size_t samples) {
    Result<ContactList> all = e().Search(admin_, "bot", search::SearchInput{});
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    ASSERT_EQ(all->total, model_->size());
    for (size_t i = 0; i < samples && model_->size() > 0; ++i) {
      const RefRow& r = model_->Random(rng_);
      Result<ContactOne> got = e().GetContact(admin_, "bot", r.c.external_id);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_EQ(got->contact, r.c);
    }
  }

  // Restarts the engine over the same storage: the indexes are rebuilt (SearchIndex::Build).
  void Restart() {
    h_.Restart();
    admin_ = h_.Auth(admin_key_);
  }

  // A cursor walk with writes between the pages. Each page must be the first rows, in the
  // current state, that come after the last row returned (as it was when returned): keyset
  // semantics. Total is the current one.
  bool CheckLiveCursor(RQuery q) {
    const std::vector<RSort> sort = Model::EffectiveSort(q, model_->Field("created_at"));
    search::SearchInput in = ToInput(q);
    std::optional<RefRow> last;
    for (size_t page = 0; page < 1000; ++page) {
      std::vector<const RefRow*> now = model_->Run(q);
      std::vector<ContactId> want;
      for (const RefRow* r : now) {
        if (last && CmpRows(*last, *r, sort) >= 0) continue;
        want.push_back(r->c.id);
      }
      Result<ContactList> r = e().Search(admin_, "bot", in);
      if (!r.ok()) {
        ADD_FAILURE() << "seed " << seed_ << ": live cursor page " << page << ": "
                      << r.status().ToString() << "\n  " << Describe(q);
        return false;
      }
      std::vector<ContactId> got;
      for (const Contact& c : r->contacts) got.push_back(c.id);
      const size_t n = std::min(q.per_page, want.size());
      const std::vector<ContactId> expect(want.begin(), want.begin() + n);
      if (got != expect || r->total != now.size() ||
          r->next_cursor.has_value() != (want.size() > n)) {
        std::ostringstream os;
        os << "seed " << seed_ << ": live cursor page " << page << " differs (total " << r->total
           << ", want " << now.size() << "; next_cursor " << r->next_cursor.has_value() << ", want "
           << (want.size() > n) << ")\n  " << Describe(q) << "\n  after "
           << (last ? Describe(last->c, schema_.get()) : "(start)") << "\n";
        for (size_t i = 0; i < std::max(got.size(), expect.size()); ++i) {
          os << "  [" << i << "] want "
             << (i < expect.size() ? Describe(model_->row(expect[i]).c, schema_.get()) : "-")
             << "\n       got  "
             << (i < got.size() ? (model_->FindRow(got[i])
                                       ? Describe(model_->FindRow(got[i])->c, schema_.get())
                                       : "contact_" + std::to_string(got[i]))
                                : "-")
             << "\n";
        }
        ADD_FAILURE() << os.str();
        return false;
      }
      if (!r->next_cursor) return true;
      last = model_->row(got.back());
      in.cursor = r->next_cursor;
      const size_t writes = Uniform(rng_, 0, 3);
      for (size_t i = 0; i < writes; ++i) Mutate();
    }
    return true;
  }

 private:
  std::shared_ptr<const Schema> Schema0() {
    // The schema as the engine holds it, read through a search response.
    Result<ContactList> r = e().Search(admin_, "bot", search::SearchInput{});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->schema : std::make_shared<Schema>();
  }

  uint64_t seed_;
  Rng rng_;
  EngineHarness h_;
  std::string admin_key_;
  Principal admin_;
  std::shared_ptr<const Schema> schema_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<DataGen> data_;
  std::unique_ptr<QueryGen> queries_;
  std::unique_ptr<Checker> checker_;
  uint64_t counter_ = 0;
  size_t target_size_ = 700;
};

constexpr size_t kMaxFailures = 5;

TEST(SearchOracleTest, SmallChatbotScanPath) {
  const uint64_t seed = SeedOr(20251121);
  SCOPED_TRACE("seed " + std::to_string(seed) + " (CONTACTD_ORACLE_SEED to change)");
  World w(seed);
  const auto start = std::chrono::steady_clock::now();
  w.Insert(100);
  WalkOptions opt;
  opt.max_pages = 60;
  size_t live = 0;
  for (size_t step = 0, steps = Steps(3000); step < steps && w.checker().failures() < kMaxFailures;
       ++step) {
    // Grow to about 700 contacts (the default target size), then hover.
    w.Mutate();
    if (HasFatalFailure()) return;
    w.checker().Check(w.search(), w.queries().Query(), opt);
    if (step % 25 == 0) {
      RQuery q = w.queries().Query();
      q.per_page = Uniform(w.rng(), 1, 40);
      ++live;
      if (!w.CheckLiveCursor(q)) break;
    }
    if (step % 500 == 0) {
      w.Audit(20);
      if (HasFatalFailure()) return;
    }
  }
  ASSERT_LT(w.model().size(), search::kAccelerateAt);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "[oracle small] seed %llu: %zu queries, %zu live cursor walks, %zu pages, %zu "
      "contacts, %.1f s\n",
      static_cast<unsigned long long>(seed), w.checker().queries(), live, w.checker().pages(),
      w.model().size(), secs);
}

TEST(SearchOracleTest, LargeChatbotAcceleratedPath) {
  const uint64_t seed = SeedOr(20251122);
  SCOPED_TRACE("seed " + std::to_string(seed) + " (CONTACTD_ORACLE_SEED to change)");
  World w(seed);
  const auto start = std::chrono::steady_clock::now();
  WalkOptions opt;
  opt.max_pages = 25;
  opt.offset_pages = 6;
  auto queries = [&](size_t n) {
    for (size_t i = 0; i < n && w.checker().failures() < kMaxFailures; ++i) {
      w.checker().Check(w.search(), w.queries().Query(), opt);
    }
  };

  // Loaded at one instant, nearly all VIPs: created_at and vip each get a run of one key past
  // two buckets' worth of rows (the pager walks such runs by the next key).
  w.data().set_vip(0.97, 0.97);
  const size_t below = search::kAccelerateAt - 10;
  while (w.model().size() < below) {
    w.Insert(std::min<size_t>(1000, below - w.model().size()));
    if (HasFatalFailure()) return;
  }
  queries(30);                                             // scan path, just below the threshold
  while (w.model().size() < search::kAccelerateAt + 10) {  // across it, one contact at a time
    w.Insert(1);
    if (HasFatalFailure()) return;
    queries(2);
  }
  while (w.model().size() < 9300) {
    w.Insert(std::min<size_t>(1000, 9300 - w.model().size()));
    if (HasFatalFailure()) return;
  }
  w.data().set_vip(0.6, 0.5);
  w.set_target_size(9300);
  queries(40);
  for (size_t step = 0, steps = Steps(1500); step < steps && w.checker().failures() < kMaxFailures;
       ++step) {
    w.Mutate();
    if (HasFatalFailure()) return;
    if (step % 8 == 0) queries(1);
    if (step % 100 == 0) {
      RQuery q = w.queries().Query();
      q.per_page = std::max<size_t>(q.per_page, 400);
      if (!w.CheckLiveCursor(q)) break;
    }
  }
  w.Audit(50);
  if (HasFatalFailure()) return;

  // The same data, indexed from scratch at start-up.
  w.Restart();
  queries(50);
  for (size_t step = 0; step < 200 && w.checker().failures() < kMaxFailures; ++step) {
    w.Mutate();
    if (HasFatalFailure()) return;
    if (step % 10 == 0) queries(1);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[oracle large] seed %llu: %zu queries, %zu pages, %zu contacts, %.1f s\n",
              static_cast<unsigned long long>(seed), w.checker().queries(), w.checker().pages(),
              w.model().size(), secs);
}

}  // namespace
}  // namespace contactd::testing
