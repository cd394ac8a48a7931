// CrashClient: one writer of the crash loop, and the record of what the server acknowledged to it.
//
// Each client owns a disjoint set of external_ids ("slots") in the crash chatbot and runs one
// request at a time, so at most one of its writes is in flight when the server is killed. It
// mixes three operations, every write tagged with a batch id in the `batch` attribute (and name):
//   upsert  one POST /contacts of up to 1000 items: new contacts and changes to existing ones
//           (name, email, phone, stripe accounts and attributes set, cleared or left alone);
//   delete  a run of DELETE /contacts/{id}, one contact each;
//   patch   a run of PATCH /contacts/{id}, one contact each.
// A 2xx is an acknowledgement: the response must match what Apply() predicts, and the client's
// model (slots()) then holds the acknowledged contact. A request without a response after the
// kill began is in flight: its outcome is unknown until the verifier reads the data back. Any
// other failure (an error status, or no response while the server is up) is a violation.
//
// Thread-safety: Run() is called from one thread at a time; the accessors are for the loop's
// thread while no Run() is active. Shared is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/crash/contact_model.h"
#include "tests/crash/crash_options.h"

namespace contactd::testing {
class HttpClient;
struct HttpResult;
}  // namespace contactd::testing

namespace contactd::crash {

// What every client and the verifier share: the violations found and the largest contact id
// acknowledged so far (a contact created later must get a larger one).
class Shared {
 public:
  // Records a violation (the first kMaxKept are kept with their details).
  void Violation(std::string what);
  int64_t violations() const;
  // The kept violations not yet taken.
  std::vector<std::string> TakeViolations();

  uint64_t id_floor() const { return max_id_.load(); }
  void SeenId(uint64_t n);

  static constexpr size_t kMaxKept = 200;

 private:
  mutable std::mutex mu_;
  int64_t count_ = 0;
  std::vector<std::string> kept_;
  std::atomic<uint64_t> max_id_{0};
};

enum class OpKind { kUpsert, kDelete, kPatch };
const char* OpName(OpKind kind);

// A write sent without a response: applied or not, it must be all or nothing.
struct InFlight {
  OpKind kind = OpKind::kUpsert;
  std::string tag;                           // the batch tag (upsert, patch)
  std::vector<std::pair<int, Write>> items;  // (slot, write); a delete has one item, its slot
  uint64_t id_floor = 0;                     // contacts it creates must have larger ids
  int64_t sent_at = 0;                       // Unix seconds
};

// Acknowledged operations, counted.
struct AckCounts {
  int64_t upsert_batches = 0;
  int64_t upsert_items = 0;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t deletes = 0;
  int64_t patches = 0;
};

// Checks a contact written by `w` (acknowledged or found applied): the values Apply() predicts;
// for an update the same id and created_at as `before`; for a create an id above `id_floor`;
// timestamps within [sent_at, seen_at] (one second of slack). Returns "" or what is wrong.
std::string CheckWritten(const Contact* before, const Write& w, const Contact& got,
                         uint64_t id_floor, int64_t sent_at, int64_t seen_at);

int64_t UnixNow();

class CrashClient {
 public:
  CrashClient(int index, const Options& options, Shared* shared);

  // Writes to `chatbot` on 127.0.0.1:`port` until a request fails. A failure after `killing` was
  // set leaves the write in in_flight(); any other failure is also a violation.
  void Run(uint16_t port, const std::string& key, const std::string& chatbot,
           const std::atomic<bool>& killing);

  int index() const { return index_; }
  std::string ExternalId(int slot) const;
  // The acknowledged state of each slot (nullopt: absent).
  std::vector<std::optional<Contact>>& slots() { return slots_; }
  std::optional<InFlight>& in_flight() { return in_flight_; }
  const AckCounts& acked() const { return acked_; }

 private:
  struct Session;  // one Run()'s connection and settings
  bool Upsert(Session& s);
  bool Deletes(Session& s);
  bool Patches(Session& s);
  // True for a 200; otherwise records `op` as in flight (and a violation unless the server is
  // being killed and gave no response).
  bool Acknowledged(Session& s, const testing::HttpResult& r, InFlight op);
  Write MakeWrite(int slot, const std::string& tag);
  std::string NextTag();
  std::vector<int> PickSlots(bool present, size_t n);
  void Adopt(int slot, const Contact& c);

  int index_;
  Options options_;
  Shared* shared_;
  std::mt19937_64 rng_;
  int64_t next_batch_ = 0;
  std::vector<std::optional<Contact>> slots_;
  std::optional<InFlight> in_flight_;
  AckCounts acked_;
};

}  // namespace contactd::crash
