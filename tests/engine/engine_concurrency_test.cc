// Engine under concurrent use: batch atomicity as readers see it, final state against the order
// writes were acknowledged in, email uniqueness under races, control changes racing contact
// writes, and a random churn whose result must survive a restart unchanged.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/text.h"
#include "tests/engine/engine_harness.h"

namespace contactd {
namespace {

using testing::Attrs;
using testing::EngineHarness;
using testing::Item;
using testing::WithAttrs;

// Runs `body` and aborts the whole test binary if it does not finish in time (a deadlock).
void WithDeadline(std::chrono::seconds limit, const std::function<void()>& body) {
  std::promise<void> done;
  std::thread watchdog([&, f = done.get_future()]() mutable {
    if (f.wait_for(limit) == std::future_status::timeout) {
      std::fprintf(stderr, "deadline of %llds exceeded: deadlock?\n",
                   static_cast<long long>(limit.count()));
      std::abort();
    }
  });
  body();
  done.set_value();
  watchdog.join();
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = h_.Auth(h_.NewWorkspace("acme"));
    h_.NewChatbot(admin_, "bot");
    h_.Define(admin_, "bot", "batch", "text");
  }

  Engine& e() { return h_.engine(); }

  EngineHarness h_;
  Principal admin_;
};

std::string Ext(int group, int k) { return "g" + std::to_string(group) + "_" + std::to_string(k); }

const std::string* BatchMarker(const Contact& c) {
  if (c.attrs.size() != 1) return nullptr;
  return std::get_if<std::string>(&c.attrs[0].value);
}

// Writers upsert batches that each set one marker on every contact of two groups of N: a group
// shared by all writers and the writer's own group. Readers list everything and must always see
// each group whole, with one marker, never a mix.
TEST_F(ConcurrencyTest, ReadersNeverSeePartialBatchesAndLastWriteWins) {
  constexpr int kWriters = 4, kReaders = 2, kIterations = 50, kN = 8, kShared = 3;
  struct Write {
    uint64_t start = 0, end = 0;
  };
  std::atomic<uint64_t> seq{0};
  std::mutex log_mu;
  std::map<std::pair<int, std::string>, Write> writes;  // (group, marker) -> when
  std::vector<std::vector<std::pair<int, std::string>>> observed(kReaders);
  std::atomic<int> writers_left{kWriters};
  std::atomic<int> failures{0};

  WithDeadline(std::chrono::seconds(60), [&] {
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        for (int i = 0; i < kIterations; ++i) {
          const int shared = (w + i) % kShared;
          const int own = kShared + w;
          const std::string marker = "w" + std::to_string(w) + "-" + std::to_string(i);
          std::vector<ContactInput> items;
          for (int group : {shared, own}) {
            for (int k = 0; k < kN; ++k) {
              items.push_back(WithAttrs(Item(Ext(group, (k + i) % kN), std::nullopt, marker),
                                        Attrs{{"batch", RawValue::String(marker)}}));
            }
          }
          Write wr;
          wr.start = seq.fetch_add(1);
          auto r = e().UpsertContacts(admin_, "bot", items);
          wr.end = seq.fetch_add(1);
          if (!r.ok()) {
            ++failures;
            ADD_FAILURE() << r.status().ToString();
            continue;
          }
          std::lock_guard lock(log_mu);
          writes[{shared, marker}] = wr;
          writes[{own, marker}] = wr;
        }
        --writers_left;
      });
    }
    for (int rd = 0; rd < kReaders; ++rd) {
      threads.emplace_back([&, rd] {
        std::mt19937 rng(rd);
        while (writers_left.load() > 0) {
          auto list = e().ListContacts(admin_, "bot", 1, 1000);
          ASSERT_TRUE(list.ok());
          std::map<int, std::vector<const Contact*>> groups;
          for (const Contact& c : list->contacts) {
            groups[std::stoi(c.external_id.substr(1))].push_back(&c);
          }
          for (const auto& [group, members] : groups) {
            ASSERT_EQ(members.size(), static_cast<size_t>(kN)) << "group " << group;
            const std::string* first = BatchMarker(*members[0]);
            ASSERT_NE(first, nullptr);
            for (const Contact* c : members) {
              const std::string* m = BatchMarker(*c);
              ASSERT_NE(m, nullptr);
              ASSERT_EQ(*m, *first) << "group " << group << " seen half-applied";
              ASSERT_EQ(c->name, *first);
            }
            observed[rd].emplace_back(group, *first);
          }
          // A single contact is never half-updated either.
          const int group = static_cast<int>(rng() % (kShared + kWriters));
          auto one = e().GetContact(admin_, "bot", Ext(group, static_cast<int>(rng() % kN)));
          if (one.ok()) {
            ASSERT_NE(BatchMarker(one->contact), nullptr);
            ASSERT_EQ(one->contact.name, *BatchMarker(one->contact));
          } else {
            ASSERT_EQ(one.status().code(), Code::kNotFound);
          }
        }
      });
    }
    for (auto& t : threads) t.join();
  });
  ASSERT_EQ(failures.load(), 0);

  // Final state: each writer's own group holds its last write; a shared group holds a write that
  // no other write to it followed strictly (began after it was acknowledged).
  const std::vector<Contact> all = h_.All(admin_, "bot");
  ASSERT_EQ(all.size(), static_cast<size_t>((kShared + kWriters) * kN));
  std::map<int, std::string> final_marker;
  for (const Contact& c : all) final_marker[std::stoi(c.external_id.substr(1))] = *BatchMarker(c);
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(final_marker[kShared + w],
              "w" + std::to_string(w) + "-" + std::to_string(kIterations - 1));
  }
  for (int g = 0; g < kShared; ++g) {
    const Write last = writes.at({g, final_marker[g]});
    for (const auto& [key, wr] : writes) {
      if (key.first == g) {
        EXPECT_FALSE(wr.start > last.end)
            << "group " << g << " ends at " << final_marker[g] << " but " << key.second
            << " began after it was acknowledged";
      }
    }
  }
  // Readers' views move forward: a reader never sees a write that ended before one it saw began.
  for (const auto& log : observed) {
    std::map<int, Write> last_seen;
    for (const auto& [group, marker] : log) {
      const Write now = writes.at({group, marker});
      if (auto it = last_seen.find(group); it != last_seen.end()) {
        ASSERT_FALSE(now.end < it->second.start) << "group " << group << " went back to " << marker;
      }
      last_seen[group] = now;
    }
  }
  // What readers saw was durable: the restarted engine has exactly the same contacts.
  h_.Restart();
  EXPECT_EQ(h_.All(admin_, "bot"), all);
}

// Many threads try to give the same email (in different cases) to different contacts, through
// upsert and update: exactly one wins each round.
TEST_F(ConcurrencyTest, ExactlyOneWriterTakesAnEmail) {
  constexpr int kThreads = 8, kRounds = 40;
  std::vector<ContactInput> seed;
  for (int t = 0; t < kThreads; ++t) seed.push_back(Item("c" + std::to_string(t)));
  ASSERT_OK(e().UpsertContacts(admin_, "bot", seed));

  std::vector<std::atomic<int>> wins(kRounds);
  std::atomic<int> unexpected{0};
  std::barrier sync(kThreads);
  WithDeadline(std::chrono::seconds(60), [&] {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int r = 0; r < kRounds; ++r) {
          std::string email = "race" + std::to_string(r) + "@example.com";
          if (t % 2) email = "RACE" + std::to_string(r) + "@EXAMPLE.com";
          const std::string ext = "c" + std::to_string(t);
          sync.arrive_and_wait();
          Status s;
          switch ((t + r) % 3) {
            case 0:  // update through upsert
              s = e().UpsertContacts(admin_, "bot", {Item(ext, email)}).status();
              break;
            case 1:  // a new contact
              s = e().UpsertContacts(admin_, "bot", {Item(ext + "_r" + std::to_string(r), email)})
                      .status();
              break;
            default:
              s = e().UpdateContact(admin_, "bot", ext, Item(ext, email)).status();
          }
          if (s.ok()) {
            ++wins[r];
          } else if (s.code() != Code::kAlreadyExists ||
                     s.message() !=
                         "Error saving chatbot contact. External ID or email already exists.") {
            ++unexpected;
          }
        }
      });
    }
    for (auto& t : threads) t.join();
  });
  EXPECT_EQ(unexpected.load(), 0);
  for (int r = 0; r < kRounds; ++r) EXPECT_EQ(wins[r].load(), 1) << "round " << r;

  // Later rounds' winners among the seeded contacts moved away from earlier emails, so count
  // owners: no email has two.
  std::map<std::string, int> owners;
  for (const Contact& c : h_.All(admin_, "bot")) {
    if (c.email) ++owners[text::CaseFold(*c.email)];
  }
  for (const auto& [email, n] : owners) EXPECT_EQ(n, 1) << email;
}

// Contact writes racing a chatbot delete: each write either lands before the delete or is turned
// away; nothing is left behind in storage and the store loads again.
TEST_F(ConcurrencyTest, ChatbotDeleteRacingWritesLeavesNothingBehind) {
  h_.NewChatbot(admin_, "doomed");
  h_.Define(admin_, "doomed", "plan", "text");
  std::atomic<int> unexpected{0};
  std::atomic<int> written{0};
  WithDeadline(std::chrono::seconds(60), [&] {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0;; ++i) {
          const std::string ext = "t" + std::to_string(t) + "_" + std::to_string(i);
          auto r = e().UpsertContacts(
              admin_, "doomed",
              {WithAttrs(Item(ext), Attrs{{"plan", RawValue::String("x")}}), Item(ext + "b")});
          if (r.ok()) {
            ++written;
            continue;
          }
          if (r.status().code() != Code::kNotFound) ++unexpected;
          break;
        }
      });
    }
    while (written.load() < 40 && unexpected.load() == 0) std::this_thread::yield();
    EXPECT_OK(e().DeleteChatbot(admin_, "doomed"));
    for (auto& t : threads) t.join();
  });
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(h_.storage().contact_count(), 0u);
  h_.Restart();
  EXPECT_NOT_FOUND(e().GetChatbot(admin_, "doomed"));
  EXPECT_EQ(h_.All(admin_, "bot").size(), 0u);
}

// Random mixed operations on a small pool of ids and emails from several threads: afterwards the
// uniqueness rules hold, nothing deadlocked, and a restart loads exactly what memory held.
TEST_F(ConcurrencyTest, RandomChurnKeepsInvariantsAndMatchesStorage) {
  constexpr int kThreads = 6, kOps = 300;
  std::atomic<int> unexpected{0};
  std::mutex bad_mu;
  std::string bad;
  WithDeadline(std::chrono::seconds(60), [&] {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 rng(1000 + t);
        auto ext = [&] { return "x" + std::to_string(rng() % 16); };
        auto email = [&]() -> std::optional<std::string> {
          const unsigned n = rng() % 10;
          if (n == 9) return std::nullopt;
          return (rng() % 2 ? "E" : "e") + std::to_string(n) + "@acme.com";
        };
        for (int i = 0; i < kOps; ++i) {
          Status s;
          switch (rng() % 8) {
            case 0:
            case 1:
            case 2: {
              std::vector<ContactInput> items;
              std::set<std::string> used;
              const int n = 1 + static_cast<int>(rng() % 4);
              for (int k = 0; k < n; ++k) {
                std::string x = ext();
                if (!used.insert(x).second) continue;
                ContactInput in = Item(x, email(), "t" + std::to_string(t));
                if (rng() % 3 == 0) in.email.SetNull();
                items.push_back(WithAttrs(std::move(in), Attrs{{"batch", RawValue::String("m")}}));
              }
              s = e().UpsertContacts(admin_, "bot", items).status();
              break;
            }
            case 3: {
              ContactInput patch;
              if (rng() % 2) patch.external_id.Set(ext());
              if (auto m = email()) patch.email.Set(*m);
              s = e().UpdateContact(admin_, "bot", ext(), patch).status();
              break;
            }
            case 4:
              s = e().DeleteContact(admin_, "bot", ext()).status();
              break;
            case 5: {
              AttributeInput in;
              in.archived = rng() % 2 == 0;
              s = e().UpdateAttribute(admin_, "bot", "batch", in).status();
              break;
            }
            case 6:
              s = e().ListContacts(admin_, "bot", 1, 10).status();
              break;
            default:
              s = e().GetContact(admin_, "bot", ext()).status();
              break;
          }
          const bool expected =
              s.ok() || s.code() == Code::kAlreadyExists || s.code() == Code::kNotFound ||
              (s.code() == Code::kInvalidArgument && !s.issues().empty() &&
               s.issues()[0].message == "Attribute is archived; only null is accepted");
          if (!expected) {
            ++unexpected;
            std::lock_guard lock(bad_mu);
            bad = s.ToString();
          }
        }
      });
    }
    for (auto& t : threads) t.join();
  });
  EXPECT_EQ(unexpected.load(), 0) << bad;

  const std::vector<Contact> all = h_.All(admin_, "bot");
  std::set<std::string> exts, emails;
  std::set<ContactId> ids;
  for (const Contact& c : all) {
    EXPECT_TRUE(exts.insert(c.external_id).second) << c.external_id;
    EXPECT_TRUE(ids.insert(c.id).second) << c.id;
    if (c.email) {
      EXPECT_TRUE(emails.insert(text::CaseFold(*c.email)).second) << *c.email;
    }
    ASSERT_OK(e().GetContact(admin_, "bot", c.external_id));
  }
  EXPECT_EQ(h_.storage().contact_count(), all.size());
  const auto attrs = *e().ListAttributes(admin_, "bot");
  h_.Restart();
  EXPECT_EQ(h_.All(admin_, "bot"), all);
  EXPECT_EQ(*e().ListAttributes(admin_, "bot"), attrs);
}

}  // namespace
}  // namespace contactd
