#include "net/importer.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "engine/phone.h"
#include "engine/secrets.h"
#include "net/errors.h"

namespace contactd::net {

// Rows gathered for one ImportContacts call, and the rows that failed before reaching it.
struct Importer::Batch {
  std::vector<ContactInput> items;
  std::vector<uint64_t> rows;          // per item
  std::vector<uint64_t> lines;         // per item
  std::vector<RowError> early_errors;  // decoding and phone problems, in row order
  uint64_t early_failed = 0;
  uint64_t first_row = 0;  // the batch's first row (item or failed)
  absl::flat_hash_set<std::string> ids;

  bool empty() const { return rows.empty() && early_failed == 0; }
};

// Counts the batches the writers have finished, for the thread that waits for any of them.
class Importer::FinishSignal {
 public:
  void Notify() {
    {
      std::lock_guard lock(mu_);
      ++finished_;
    }
    cv_.notify_one();
  }
  // Waits until more than `seen` batches have finished.
  void WaitBeyond(uint64_t seen) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return finished_ > seen; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t finished_ = 0;
};

// A batch in flight: ImportContacts running on one of the import's writer threads while the next
// batch fills. Each writer thread lasts the whole import (not one per batch): it keeps its
// allocator caches warm.
class Importer::Writer {
 public:
  Writer(Engine& engine, const Principal& principal, const std::string& chatbot, bool dry_run,
         FinishSignal* signal)
      : engine_(engine),
        principal_(principal),
        chatbot_(chatbot),
        dry_run_(dry_run),
        signal_(signal) {
    thread_ = std::thread([this] { Loop(); });
  }
  // Waits for the batch in flight, if any, then ends the thread.
  ~Writer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Starts writing `batch` in its place `turn` (REQUIRES: none in flight).
  void Start(Batch batch, ImportOrder::Turn turn) {
    batch_ = std::move(batch);
    {
      std::lock_guard lock(mu_);
      items_ = std::move(batch_.items);
      turn_.emplace(std::move(turn));
      pending_ = true;
    }
    cv_.notify_all();
  }
  // The result and rows of the batch in flight, if it is done (REQUIRES: one in flight). The
  // writer is free again once it returns one.
  std::optional<Result<ImportBatchResult>> TryFinish(Batch* batch) {
    std::lock_guard lock(mu_);
    if (!result_.has_value()) return std::nullopt;
    std::optional<Result<ImportBatchResult>> result = std::move(result_);
    result_.reset();
    *batch = std::move(batch_);
    return result;
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return pending_ || stop_; });
      if (!pending_) return;  // stopping, nothing left to write
      pending_ = false;
      std::vector<ContactInput> items = std::move(items_);
      ImportOrder::Turn turn = std::move(*turn_);
      turn_.reset();
      lock.unlock();
      Result<ImportBatchResult> result =
          engine_.ImportContacts(principal_, chatbot_, std::move(items), dry_run_, std::move(turn));
      lock.lock();
      result_.emplace(std::move(result));
      signal_->Notify();
    }
  }

  Engine& engine_;
  const Principal& principal_;
  const std::string& chatbot_;
  const bool dry_run_;
  FinishSignal* const signal_;
  Batch batch_;    // the rows of the batch in flight (its items are with the thread)
  std::mutex mu_;  // guards the fields below
  std::condition_variable cv_;
  std::vector<ContactInput> items_;
  std::optional<ImportOrder::Turn> turn_;
  bool pending_ = false;
  bool stop_ = false;
  std::optional<Result<ImportBatchResult>> result_;
  std::thread thread_;
};

Importer::Importer(Engine& engine, Principal principal, std::string chatbot, ImportOptions options)
    : engine_(engine),
      principal_(principal),
      chatbot_(std::move(chatbot)),
      options_(std::move(options)) {}

bool Importer::Prepare(SourceRow& row) {
  if (!row.issues.empty()) return false;
  ContactInput& in = row.input;
  if (in.external_id.absent()) {
    if (options_.generate_ids) {
      in.external_id.Set(secrets::NewUuid());
    } else {
      row.issues.push_back({"external_id", "Required (or import with generate_ids=true)"});
      return false;
    }
  }
  if (in.phonenumber.is_set() && !in.phonenumber.value.empty()) {
    auto e164 = phone::Normalize(in.phonenumber.value, options_.default_country);
    if (!e164.ok()) {
      row.issues.push_back({"phonenumber", e164.status().message()});
      return false;
    }
    in.phonenumber.value = std::move(*e164);
  }
  return true;
}

void Importer::AddErrors(uint64_t row, uint64_t line, const std::vector<Issue>& issues) {
  for (const Issue& issue : issues) {
    if (report_.errors.size() >= options_.max_errors) {
      report_.errors_truncated = true;
      return;
    }
    report_.errors.push_back({row, line, issue.field, issue.message});
  }
}

std::optional<ImportStop> Importer::Run(RowSource& source) {
  std::optional<ImportStop> stop = RunBatches(source);
  if (!options_.dry_run && report_.created + report_.updated > 0) {
    // Only makes searches faster: whether it ran (the chatbot may be gone by now) changes nothing
    // the report says.
    (void)engine_.CatchUpSearchIndex(principal_, chatbot_);
  }
  return stop;
}

std::optional<ImportStop> Importer::RunBatches(RowSource& source) {
  // Batches start in file order on whichever writer is free; the import's ImportOrder keeps what
  // they write in that order (engine/import_order.h). They may finish out of order (the batch
  // that builds an n-gram update takes longer), so a finished batch waits in `held` until every
  // batch before it is accounted; at most kMaxAhead batches are started and not yet accounted.
  // Declared before the writers: they end (waiting for their batch) before these do.
  ImportOrder order;
  FinishSignal signal;
  std::array<std::optional<Writer>, kWriters> writers;
  for (auto& w : writers) w.emplace(engine_, principal_, chatbot_, options_.dry_run, &signal);
  std::array<std::optional<uint64_t>, kWriters> running;  // the batch each writer has
  struct Finished {
    Batch batch;
    Result<ImportBatchResult> result;
  };
  std::map<uint64_t, Finished> held;  // finished, not yet accounted, by batch
  uint64_t started = 0;               // batches started (numbered from 0)
  uint64_t taken = 0;                 // results taken from the writers
  uint64_t accounted = 0;             // batches accounted: every one before `accounted`
  Batch filling;

  // Accounts for a finished batch: counts, then its errors in row order.
  auto account = [&](Batch& done, const ImportBatchResult& result) {
    report_.rows += done.rows.size() + done.early_failed;  // items were moved to the engine
    report_.created += result.created;
    report_.updated += result.updated;
    report_.unchanged += result.unchanged;
    report_.failed += done.early_failed + result.failures.size();
    auto early = done.early_errors.begin();
    for (const ImportBatchResult::Failure& f : result.failures) {
      const uint64_t row = done.rows[f.item];
      for (; early != done.early_errors.end() && early->row < row; ++early) {
        AddErrors(early->row, early->line, {{early->field, early->message}});
      }
      AddErrors(row, done.lines[f.item], f.issues);
    }
    for (; early != done.early_errors.end(); ++early) {
      AddErrors(early->row, early->line, {{early->field, early->message}});
    }
  };
  // Waits until a writer finishes a batch (REQUIRES: one is running), takes the results of all
  // that have, and accounts the batches whose predecessors are all accounted. After a stop, the
  // batches still running write nothing (they fail in the order), and the writers' destructors
  // wait for them.
  auto reap = [&]() -> std::optional<ImportStop> {
    signal.WaitBeyond(taken);
    for (size_t i = 0; i < kWriters; ++i) {
      if (!running[i]) continue;
      Batch done;
      if (auto result = writers[i]->TryFinish(&done)) {
        held.emplace(*running[i], Finished{std::move(done), std::move(*result)});
        running[i].reset();
        ++taken;
      }
    }
    for (auto it = held.begin(); it != held.end() && it->first == accounted;
         it = held.erase(it), ++accounted) {
      if (!it->second.result.ok()) {
        const Status& s = it->second.result.status();
        return ImportStop{HttpStatusFor(s.code()), it->second.batch.first_row, s.message()};
      }
      account(it->second.batch, *it->second.result);
    }
    return std::nullopt;
  };
  auto free_writer = [&]() -> std::optional<size_t> {
    for (size_t i = 0; i < kWriters; ++i) {
      if (!running[i]) return i;
    }
    return std::nullopt;
  };
  // Sends the filling batch on its way (once a writer is free). A batch of failed rows only is
  // accounted at once, after every batch before it. (The oldest batch not accounted is always
  // running, since a finished one is accounted as soon as its predecessors are: reap() never
  // waits for nothing.)
  auto submit = [&]() -> std::optional<ImportStop> {
    if (filling.rows.empty()) {
      while (accounted < started) {
        if (auto stop = reap()) return stop;
      }
      account(filling, ImportBatchResult{});
    } else {
      while (!free_writer() || started - accounted >= kMaxAhead) {
        if (auto stop = reap()) return stop;
      }
      const size_t w = *free_writer();
      running[w] = started;
      writers[w]->Start(std::move(filling), ImportOrder::Turn(&order, started));
      ++started;
    }
    filling = Batch{};
    return std::nullopt;
  };

  uint64_t row_no = 0;
  SourceRow row;
  while (source.Next(&row)) {
    ++row_no;
    const bool ok = Prepare(row);
    const bool repeated =
        ok && row.input.external_id.is_set() && filling.ids.contains(row.input.external_id.value);
    // Failed rows count towards the size too, so that their errors are bounded as well.
    if (repeated || filling.rows.size() + filling.early_failed >= kMaxImportBatch) {
      if (auto stop = submit()) return stop;
    }
    if (filling.empty()) filling.first_row = row_no;
    if (!ok) {
      ++filling.early_failed;
      for (const Issue& issue : row.issues) {
        filling.early_errors.push_back({row_no, row.line, issue.field, issue.message});
      }
      continue;
    }
    if (row.input.external_id.is_set()) filling.ids.insert(row.input.external_id.value);
    filling.rows.push_back(row_no);
    filling.lines.push_back(row.line);
    filling.items.push_back(std::move(row.input));
  }
  // The rows before the end (or before a fatal problem) are imported either way.
  if (!filling.empty()) {
    if (auto stop = submit()) return stop;
  }
  while (accounted < started) {
    if (auto stop = reap()) return stop;
  }
  if (const auto& failure = source.failure()) {
    return ImportStop{failure->http_status, row_no + 1, failure->message};
  }
  return std::nullopt;
}

}  // namespace contactd::net
