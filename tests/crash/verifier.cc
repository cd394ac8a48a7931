// Verification after a restart of the crash loop; see tests/crash/verifier.h.
#include "tests/crash/verifier.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <random>
#include <set>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/strings.h"

namespace contactd::crash {
namespace {

using testing::HttpClient;
using testing::HttpResult;
using testing::Json;

using Found = std::map<std::string, Contact>;  // external_id -> contact as stored

// Query values and path segments are percent-encoded alike (tests/support/strings.h).
using testing::PathEncode;

// Lists every contact with keyset paging. False (after recording a violation) on any failure.
bool ReadAll(HttpClient& http, const std::string& key, const std::string& chatbot, Shared* shared,
             Found* found) {
  const std::string base = "/api/v1/chatbots/" + chatbot + "/contacts?per_page=1000";
  std::string cursor;
  std::set<std::string> ids;
  int64_t total = -1;
  for (int page = 0;; ++page) {
    const std::string target = cursor.empty() ? base : base + "&cursor=" + PathEncode(cursor);
    HttpResult r = http.Request("GET", target, "", {{"Authorization", "Bearer " + key}});
    const Json j(r.body);
    if (r.status != 200 || !j["data"].valid()) {
      shared->Violation("listing contacts after the restart failed: HTTP " +
                        std::to_string(r.status) + " " + r.body.substr(0, 2000));
      return false;
    }
    total = j["total"].i64();
    const Json data = j["data"];
    for (size_t i = 0; i < data.size(); ++i) {
      std::string error;
      std::optional<Contact> c = ParseContact(data[i], &error);
      if (!c) {
        shared->Violation("unreadable contact after the restart: " + error);
        continue;
      }
      if (!ids.insert(c->id).second) shared->Violation("id " + c->id + " listed twice");
      const std::string ext = c->external_id;
      if (!found->emplace(ext, std::move(*c)).second) {
        shared->Violation("external_id " + Quote(ext) + " listed twice");
      }
    }
    if (j["next_cursor"].is_null()) break;
    cursor = j["next_cursor"].str();
    if (cursor.empty() || page > total / 1000 + 2) {
      shared->Violation("listing does not end: next_cursor " + j["next_cursor"].dump() + " after " +
                        std::to_string(page + 1) + " pages of total " + std::to_string(total));
      return false;
    }
  }
  if (total != static_cast<int64_t>(ids.size())) {
    shared->Violation("listing says total " + std::to_string(total) + " but returned " +
                      std::to_string(ids.size()) + " contacts");
  }
  return true;
}

const Contact* Lookup(const Found& found, const std::string& ext) {
  auto it = found.find(ext);
  return it == found.end() ? nullptr : &it->second;
}

// An item of an in-flight write that was not applied: the slot must be as acknowledged.
void CheckUnapplied(const std::string& what, const std::optional<Contact>& before,
                    const Contact* got, const std::string& ext, Shared* shared) {
  if (before && got == nullptr) {
    shared->Violation(what + ": acknowledged contact " + Quote(ext) + " is gone; it was " +
                      Describe(*before));
  } else if (!before && got != nullptr) {
    shared->Violation(what + ": " + Quote(ext) + " should not exist (not acknowledged) but is " +
                      Describe(*got));
  } else if (before && got != nullptr) {
    const std::string diff = Diff(*before, *got);
    if (!diff.empty()) {
      shared->Violation(what + ": not applied, yet " + Quote(ext) +
                        " differs from its acknowledged state: " + diff);
    }
  }
}

// Resolves a write (upsert or patch) in flight at the kill; returns whether it was applied.
bool ResolveWrite(CrashClient& client, const InFlight& op, const Found& found, Shared* shared) {
  const int64_t now = UnixNow();
  size_t applied = 0;
  for (const auto& [slot, w] : op.items) {
    const Contact* got = Lookup(found, w.external_id);
    if (got != nullptr && got->values.attrs.batch == op.tag) ++applied;
  }
  const std::string what = std::string(OpName(op.kind)) + " " + op.tag + " (in flight)";
  if (applied != 0 && applied != op.items.size()) {
    shared->Violation(what + " is partly applied: " + std::to_string(applied) + " of " +
                      std::to_string(op.items.size()) + " items carry its tag");
  }
  for (const auto& [slot, w] : op.items) {
    std::optional<Contact>& model = client.slots()[static_cast<size_t>(slot)];
    const Contact* got = Lookup(found, w.external_id);
    if (got != nullptr && got->values.attrs.batch == op.tag) {
      const std::string error =
          CheckWritten(model ? &*model : nullptr, w, *got, op.id_floor, op.sent_at, now);
      if (!error.empty()) {
        shared->Violation(what + ": applied item " + Quote(w.external_id) + " is wrong: " + error);
      }
    } else {
      CheckUnapplied(what, model, got, w.external_id, shared);
    }
    if (got != nullptr) {
      model = *got;
      shared->SeenId(IdNumber(got->id));
    } else {
      model.reset();
    }
  }
  return applied == op.items.size();
}

// Resolves a DELETE in flight at the kill; returns whether it was applied.
bool ResolveDelete(CrashClient& client, const InFlight& op, const Found& found, Shared* shared) {
  const int slot = op.items[0].first;
  std::optional<Contact>& model = client.slots()[static_cast<size_t>(slot)];
  const std::string ext = client.ExternalId(slot);
  const Contact* got = Lookup(found, ext);
  if (got == nullptr) {
    model.reset();
    return true;
  }
  CheckUnapplied(op.tag + " (in flight)", model, got, ext, shared);
  model = *got;
  return false;
}

// GET /contacts/{external_id} for a sample of slots of each client: the point lookup by
// external_id (an index rebuilt at start-up, unlike the listing) must agree with the model, and
// answer 404 for absent (deleted or never acknowledged) contacts.
void SpotCheck(HttpClient& http, const std::string& key, const std::string& chatbot,
               const std::vector<std::unique_ptr<CrashClient>>& clients, Shared* shared,
               VerifyStats* stats) {
  constexpr size_t kPresent = 15, kAbsent = 5;  // per client
  for (const auto& client : clients) {
    const std::vector<std::optional<Contact>>& slots = client->slots();
    std::vector<size_t> present, absent, sample;
    for (size_t i = 0; i < slots.size(); ++i) (slots[i] ? present : absent).push_back(i);
    std::minstd_rand rng(static_cast<uint32_t>(stats->contacts + client->index()));
    for (auto [from, n] : {std::pair{&present, kPresent}, std::pair{&absent, kAbsent}}) {
      std::shuffle(from->begin(), from->end(), rng);
      sample.insert(sample.end(), from->begin(), from->begin() + std::min(n, from->size()));
    }
    for (const size_t slot : sample) {
      const std::string ext = client->ExternalId(static_cast<int>(slot));
      HttpResult r =
          http.Request("GET", "/api/v1/chatbots/" + chatbot + "/contacts/" + PathEncode(ext), "",
                       {{"Authorization", "Bearer " + key}});
      const std::optional<Contact>& expected = slots[slot];
      std::string error;
      std::optional<Contact> got;
      if (r.status == 200) got = ParseContact(Json(r.body)["data"], &error);
      if (expected && !got) {
        shared->Violation("GET of acknowledged contact " + Quote(ext) + " answered HTTP " +
                          std::to_string(r.status) + " " + r.body.substr(0, 500) + " " + error);
      } else if (!expected && r.status != 404) {
        shared->Violation("GET of absent contact " + Quote(ext) + " answered HTTP " +
                          std::to_string(r.status) + " " + r.body.substr(0, 500));
      } else if (expected) {
        const std::string diff = Diff(*expected, *got);
        if (!diff.empty()) {
          shared->Violation("GET of acknowledged contact " + Quote(ext) + " differs: " + diff);
        }
      }
      ++stats->lookups;
    }
  }
}

}  // namespace

bool Verify(uint16_t port, const std::string& key, const std::string& chatbot,
            const std::vector<std::unique_ptr<CrashClient>>& clients, Shared* shared,
            VerifyStats* stats) {
  HttpClient http("127.0.0.1", port, std::chrono::seconds(60));
  Found found;
  if (!ReadAll(http, key, chatbot, shared, &found)) return false;

  for (const auto& client : clients) {
    std::optional<InFlight>& op = client->in_flight();
    if (!op) continue;
    if (op->kind == OpKind::kDelete) {
      const bool applied = ResolveDelete(*client, *op, found, shared);
      ++(applied ? stats->del.applied : stats->del.not_applied);
    } else {
      const bool applied = ResolveWrite(*client, *op, found, shared);
      InFlightTally& tally = op->kind == OpKind::kUpsert ? stats->upsert : stats->patch;
      ++(applied ? tally.applied : tally.not_applied);
    }
    op.reset();
  }

  for (const auto& client : clients) {
    const std::vector<std::optional<Contact>>& slots = client->slots();
    for (size_t slot = 0; slot < slots.size(); ++slot) {
      const std::string ext = client->ExternalId(static_cast<int>(slot));
      auto it = found.find(ext);
      const std::optional<Contact>& expected = slots[slot];
      if (expected && it == found.end()) {
        shared->Violation("acknowledged contact " + Quote(ext) + " is missing; it was " +
                          Describe(*expected));
      } else if (!expected && it != found.end()) {
        shared->Violation("contact " + Quote(ext) +
                          " should be absent (deleted or never acknowledged) but is " +
                          Describe(it->second));
      } else if (expected) {
        const std::string diff = Diff(*expected, it->second);
        if (!diff.empty()) {
          shared->Violation("acknowledged contact " + Quote(ext) + " changed: " + diff);
        }
        ++stats->contacts;
      }
      if (it != found.end()) found.erase(it);
    }
  }
  for (const auto& [ext, c] : found) {
    shared->Violation("contact no client wrote: " + Describe(c));
  }
  SpotCheck(http, key, chatbot, clients, shared, stats);
  return true;
}

}  // namespace contactd::crash
