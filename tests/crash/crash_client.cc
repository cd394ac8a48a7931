// One writer of the crash loop; see tests/crash/crash_client.h.
#include "tests/crash/crash_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/strings.h"

namespace contactd::crash {
namespace {

using testing::HttpClient;
using testing::HttpResult;
using testing::Json;

using testing::PathEncode;  // tests/support/strings.h

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string Brief(const HttpResult& r) {
  return "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 2000);
}

}  // namespace

struct CrashClient::Session {
  HttpClient http;
  std::string key;
  std::string contacts;  // /api/v1/chatbots/{id}/contacts
  const std::atomic<bool>& killing;

  HttpResult Send(std::string_view method, const std::string& target, const std::string& body) {
    std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Bearer " + key}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return http.Request(method, target, body, std::move(headers));
  }
};

void Shared::Violation(std::string what) {
  std::lock_guard lock(mu_);
  ++count_;
  if (kept_.size() < kMaxKept) kept_.push_back(std::move(what));
}

int64_t Shared::violations() const {
  std::lock_guard lock(mu_);
  return count_;
}

std::vector<std::string> Shared::TakeViolations() {
  std::lock_guard lock(mu_);
  return std::exchange(kept_, {});
}

void Shared::SeenId(uint64_t n) {
  uint64_t cur = max_id_.load();
  while (n > cur && !max_id_.compare_exchange_weak(cur, n)) {
  }
}

const char* OpName(OpKind kind) {
  switch (kind) {
    case OpKind::kUpsert:
      return "upsert";
    case OpKind::kDelete:
      return "delete";
    case OpKind::kPatch:
      return "patch";
  }
  return "?";
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string CheckWritten(const Contact* before, const Write& w, const Contact& got,
                         uint64_t id_floor, int64_t sent_at, int64_t seen_at) {
  std::string err;
  auto add = [&](const std::string& what) { err += (err.empty() ? "" : "; ") + what; };
  if (got.external_id != w.external_id) add("external_id " + Quote(got.external_id));
  const std::string values =
      DiffValues(Apply(before != nullptr ? &before->values : nullptr, w), got.values);
  if (!values.empty()) add(values);
  auto in_window = [&](int64_t t) { return t >= sent_at - 1 && t <= seen_at + 1; };
  if (before != nullptr) {
    if (got.id != before->id) add("id changed from " + before->id + " to " + got.id);
    if (got.created_at != before->created_at) {
      add("created_at changed from " + std::to_string(before->created_at) + " to " +
          std::to_string(got.created_at));
    }
  } else {
    if (IdNumber(got.id) <= id_floor) {
      add("new contact got id " + got.id + ", not above the largest acknowledged id contact_" +
          std::to_string(id_floor));
    }
    if (!in_window(got.created_at)) {
      add("created_at " + std::to_string(got.created_at) + " outside [" + std::to_string(sent_at) +
          ", " + std::to_string(seen_at) + "]");
    }
  }
  if (!in_window(got.updated_at)) {
    add("updated_at " + std::to_string(got.updated_at) + " outside [" + std::to_string(sent_at) +
        ", " + std::to_string(seen_at) + "]");
  }
  return err;
}

CrashClient::CrashClient(int index, const Options& options, Shared* shared)
    : index_(index),
      options_(options),
      shared_(shared),
      rng_(SplitMix64(options.seed * 1000003 + static_cast<uint64_t>(index))),
      slots_(static_cast<size_t>(options.keys_per_client)) {}

std::string CrashClient::ExternalId(int slot) const {
  // A space, a slash and a non-ASCII letter: every DELETE and PATCH path is percent-encoded.
  return "c" + std::to_string(index_) + "/s" + std::to_string(slot) + " é";
}

std::string CrashClient::NextTag() {
  return "s" + std::to_string(options_.seed) + "c" + std::to_string(index_) + "b" +
         std::to_string(next_batch_++);
}

void CrashClient::Run(uint16_t port, const std::string& key, const std::string& chatbot,
                      const std::atomic<bool>& killing) {
  Session s{HttpClient("127.0.0.1", port, std::chrono::milliseconds(options_.request_timeout_ms)),
            key, "/api/v1/chatbots/" + chatbot + "/contacts", killing};
  std::uniform_real_distribution<double> pick(0, 1);
  while (!killing.load()) {
    const bool any =
        std::any_of(slots_.begin(), slots_.end(), [](const auto& c) { return c.has_value(); });
    const double r = pick(rng_);
    bool ok;
    if (!any || r < 0.5) {
      ok = Upsert(s);
    } else if (r < 0.75) {
      ok = Deletes(s);
    } else {
      ok = Patches(s);
    }
    if (!ok) return;
  }
}

bool CrashClient::Acknowledged(Session& s, const HttpResult& r, InFlight op) {
  if (r.status == 200) return true;
  const std::string what =
      std::string(OpName(op.kind)) + " " + op.tag + " of client " + std::to_string(index_);
  in_flight_ = std::move(op);
  if (r.status == 0 && !s.killing.load()) {
    shared_->Violation("no response while the server was up to " + what + ": " + r.body);
  } else if (r.status != 0) {
    shared_->Violation("error answer to " + what + ": " + Brief(r));
  }
  return false;
}

std::vector<int> CrashClient::PickSlots(bool present, size_t n) {
  std::vector<int> out;
  for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
    if (slots_[static_cast<size_t>(i)].has_value() == present) out.push_back(i);
  }
  n = std::min(n, out.size());
  for (size_t i = 0; i < n; ++i) {  // a partial Fisher-Yates shuffle
    std::uniform_int_distribution<size_t> d(i, out.size() - 1);
    std::swap(out[i], out[d(rng_)]);
  }
  out.resize(n);
  return out;
}

Write CrashClient::MakeWrite(int slot, const std::string& tag) {
  const bool exists = slots_[static_cast<size_t>(slot)].has_value();
  std::uniform_real_distribution<double> p(0, 1);
  std::uniform_int_distribution<int> digit(0, 9999);
  Write w;
  w.external_id = ExternalId(slot);
  // Set with probability `set`, null with probability `null`, else absent.
  auto change = [&](double set, double null, auto make) {
    const double r = p(rng_);
    using T = decltype(make());
    if (r < set) return Change<T>(std::optional<T>(make()));
    if (r < set + null) return Change<T>(std::optional<T>());
    return Change<T>();
  };
  w.name = change(0.8, 0.1, [&] { return "Zoë Ünïcode \"" + tag + "\""; });
  w.email = change(exists ? 0.3 : 0.7, exists ? 0.1 : 0, [&] {
    return "c" + std::to_string(index_) + ".s" + std::to_string(slot) + "." + tag +
           "@crash.example";
  });
  w.phone = change(exists ? 0.3 : 0.6, exists ? 0.1 : 0, [&] {
    char buf[40];
    std::snprintf(buf, sizeof buf, p(rng_) < 0.5 ? "+1 415 555 %04d" : "(030) 555-%04d x12",
                  digit(rng_));
    return std::string(buf);
  });
  w.stripe = change(exists ? 0.15 : 0.3, exists ? 0.05 : 0, [&] {
    std::vector<Stripe> accounts;
    const int n = p(rng_) < 0.7 ? 1 : 2;
    for (int i = 0; i < n; ++i) {
      accounts.push_back({i == 0 ? "main" : "backup", "cus_" + tag + "_" + std::to_string(i),
                          "billing" + std::to_string(i) + "@" + std::to_string(slot) + ".example"});
    }
    return accounts;
  });
  w.attrs.batch = tag;
  w.attrs.n = std::uniform_int_distribution<int64_t>(-(int64_t{1} << 62), int64_t{1} << 62)(rng_);
  if (p(rng_) < 0.5) w.attrs.vip = p(rng_) < 0.5;
  if (p(rng_) < 0.3) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "20%02d-%02d-%02dT%02d:%02d:%02d%s%s", digit(rng_) % 80 + 10,
                  digit(rng_) % 12 + 1, digit(rng_) % 28 + 1, digit(rng_) % 24, digit(rng_) % 60,
                  digit(rng_) % 60, p(rng_) < 0.3 ? ".25" : "", p(rng_) < 0.5 ? "Z" : "+02:00");
    w.attrs.seen = buf;
  }
  if (p(rng_) < 0.2) w.attrs.note = "line 1\nline \"2\"\t✓ \\ " + tag;
  return w;
}

void CrashClient::Adopt(int slot, const Contact& c) {
  slots_[static_cast<size_t>(slot)] = c;
  shared_->SeenId(IdNumber(c.id));
}

bool CrashClient::Upsert(Session& s) {
  const std::string tag = NextTag();
  std::uniform_real_distribution<double> p(0, 1);
  const auto batch = static_cast<size_t>(options_.batch_size);
  // Up to 60% new contacts, the rest changes to existing ones (or more new ones if too few exist).
  std::vector<int> picked = PickSlots(false, static_cast<size_t>(p(rng_) * 0.6 * batch));
  std::vector<int> existing = PickSlots(true, batch - picked.size());
  picked.insert(picked.end(), existing.begin(), existing.end());
  if (picked.size() < batch) {
    std::vector<int> more = PickSlots(false, batch);
    for (int slot : more) {
      if (picked.size() < batch && std::find(picked.begin(), picked.end(), slot) == picked.end()) {
        picked.push_back(slot);
      }
    }
  }
  std::shuffle(picked.begin(), picked.end(), rng_);
  InFlight op{OpKind::kUpsert, tag, {}, shared_->id_floor(), UnixNow()};
  std::string body = "{\"users\":[";
  for (int slot : picked) {
    op.items.emplace_back(slot, MakeWrite(slot, tag));
    if (body.back() != '[') body += ",";
    body += ItemJson(op.items.back().second);
  }
  body += "]}";
  HttpResult r = s.Send("POST", s.contacts, body);
  const int64_t acked_at = UnixNow();
  if (!Acknowledged(s, r, op)) return false;

  const Json data = Json(r.body)["data"];
  if (data.size() != op.items.size()) {
    shared_->Violation("upsert " + tag + " acknowledged with " + std::to_string(data.size()) +
                       " contacts for " + std::to_string(op.items.size()) + " items");
    in_flight_ = std::move(op);  // let the verifier find out what is stored
    return false;
  }
  for (size_t i = 0; i < op.items.size(); ++i) {
    const auto& [slot, w] = op.items[i];
    std::string error;
    std::optional<Contact> got = ParseContact(data[i], &error);
    const std::optional<Contact>& before = slots_[static_cast<size_t>(slot)];
    if (got)
      error = CheckWritten(before ? &*before : nullptr, w, *got, op.id_floor, op.sent_at, acked_at);
    if (!error.empty()) {
      shared_->Violation("upsert " + tag + " acknowledged " + Quote(w.external_id) +
                         " wrongly: " + error);
      in_flight_ = std::move(op);
      return false;
    }
    ++(before ? acked_.updated : acked_.created);
  }
  for (size_t i = 0; i < op.items.size(); ++i) {
    std::string ignored;
    Adopt(op.items[i].first, *ParseContact(data[i], &ignored));
  }
  ++acked_.upsert_batches;
  acked_.upsert_items += static_cast<int64_t>(op.items.size());
  return true;
}

bool CrashClient::Deletes(Session& s) {
  const int n = std::uniform_int_distribution<int>(10, 100)(rng_);
  for (int slot : PickSlots(true, static_cast<size_t>(n))) {
    const Contact before = *slots_[static_cast<size_t>(slot)];
    InFlight op{
        OpKind::kDelete, "delete " + before.id, {{slot, Write{}}}, shared_->id_floor(), UnixNow()};
    HttpResult r = s.Send("DELETE", s.contacts + "/" + PathEncode(before.external_id), "");
    if (!Acknowledged(s, r, op)) return false;
    std::string error;
    std::optional<Contact> got = ParseContact(Json(r.body)["data"], &error);
    if (got) error = Diff(before, *got);
    if (!error.empty()) {
      shared_->Violation("DELETE of " + Quote(before.external_id) +
                         " answered with another contact: " + error);
    }
    slots_[static_cast<size_t>(slot)].reset();
    ++acked_.deletes;
  }
  return true;
}

bool CrashClient::Patches(Session& s) {
  const int n = std::uniform_int_distribution<int>(10, 50)(rng_);
  std::uniform_real_distribution<double> p(0, 1);
  for (int slot : PickSlots(true, static_cast<size_t>(n))) {
    const std::string tag = NextTag();
    InFlight op{
        OpKind::kPatch, tag, {{slot, MakeWrite(slot, tag)}}, shared_->id_floor(), UnixNow()};
    const Write& w = op.items[0].second;
    // Both body forms: {"data":{...}} and the bare object.
    const std::string item = ItemJson(w, false);
    const std::string body = p(rng_) < 0.5 ? "{\"data\":" + item + "}" : item;
    HttpResult r = s.Send("PATCH", s.contacts + "/" + PathEncode(w.external_id), body);
    const int64_t acked_at = UnixNow();
    if (!Acknowledged(s, r, op)) return false;
    std::string error;
    std::optional<Contact> got = ParseContact(Json(r.body)["data"], &error);
    const Contact before = *slots_[static_cast<size_t>(slot)];
    if (got) error = CheckWritten(&before, w, *got, op.id_floor, op.sent_at, acked_at);
    if (!error.empty()) {
      shared_->Violation("patch " + tag + " acknowledged " + Quote(w.external_id) +
                         " wrongly: " + error);
      in_flight_ = std::move(op);
      return false;
    }
    Adopt(slot, *got);
    ++acked_.patches;
  }
  return true;
}

}  // namespace contactd::crash
