// Import: one batch of an import (CSV, JSON or JSONL rows decoded into ContactInputs), written like
// a bulk upsert but item by item: an item with a problem is reported with all its issues and left
// out, and the others are written as one atomic Mutation.
//
//   1. validate each item on its own (issue fields relative to the item); an external_id repeated
//      in the batch fails the later item;
//   2-5. as the upsert (upsert.cc, engine/batch.h) in its partial mode: intents, the read of the
//      stored contacts and the email check that repeats until the written set is consistent,
//      merge, commit, apply. A dry run stops after the merge: it reports the counts and failures a
//      real run would give for this batch against the current state, and writes nothing.
// With an ImportOrder::Turn, each step waits for the import's previous batch as
// engine/import_order.h describes: step 1 once that batch holds the schema lock (so this batch
// validates beside that batch's validation and read), steps 2 and 4 once it has read and
// committed. So batches written at the same time land in file order, and batches that wait to
// commit at the same time commit together (one WAL sync).
//
// After the last batch, the importer calls CatchUpSearchIndex(): it indexes the text of the rows
// the batches left stale (fewer than search::kMaxUnindexed), so that searches after an import
// need not check them one by one.
#include <mutex>
#include <shared_mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "engine/batch.h"
#include "engine/engine.h"
#include "engine/secrets.h"
#include "engine/string_map.h"

namespace contactd {
namespace {

// Validates every item into `b` (changes, generated ids, and the issues of each item).
void ValidateImportItems(const Schema& schema, std::vector<ContactInput> items, ContactBatch* b) {
  const size_t n = items.size();
  b->changes.resize(n);
  b->generated.assign(n, false);
  b->item_issues.assign(n, {});
  absl::flat_hash_map<std::string_view, size_t, StringHash, StringEq> seen;  // external_id -> item
  seen.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!items[i].external_id.is_set()) continue;
    auto [it, fresh] = seen.emplace(items[i].external_id.value, i);
    if (!fresh) {
      b->item_issues[i].push_back(
          {"external_id", "Same external_id as an earlier contact in this import"});
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const bool absent = items[i].external_id.absent();
    ValidateContactInput(schema, std::move(items[i]), "", &b->item_issues[i], &b->changes[i]);
    if (absent && b->item_issues[i].empty()) {
      b->changes[i].external_id.Set(secrets::NewUuid());
      b->generated[i] = true;
    }
  }
}

}  // namespace

Result<ImportBatchResult> Engine::ImportContacts(const Principal& p, std::string_view chatbot_id,
                                                 std::vector<ContactInput> items, bool dry_run,
                                                 ImportOrder::Turn turn) {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  if (items.size() > kMaxImportBatch) {
    return InvalidArgument("Maximum " + std::to_string(kMaxImportBatch) + " contacts per batch");
  }
  Chatbot& chatbot = **resolved;
  const size_t n = items.size();
  // An earlier batch that failed fails this one (its Turn passes the failure on). The first wait
  // comes before the schema lock: the earlier batch may still have to take it (import_order.h).
  const Status earlier_failed(Code::kUnavailable,
                              "Not written: an earlier batch of this import failed");
  if (!turn.Await(ImportOrder::Point::kSchemaHeld)) return earlier_failed;

  std::shared_lock schema_lock(chatbot.schema_lock());
  turn.Pass(ImportOrder::Point::kSchemaHeld);
  if (chatbot.deleted()) return NotFound();
  const std::shared_ptr<const Schema> schema = chatbot.schema();
  PreparedBatch batch;
  batch.partial = true;
  batch.dry_run = dry_run;
  ValidateImportItems(*schema, std::move(items), &batch);
  if (!turn.Await(ImportOrder::Point::kRead)) return earlier_failed;

  std::unique_ptr<search::SearchIndex::NgramUpdate> ngram_update;
  {
    IntentGuard intents(&chatbot.intents(), BatchIntentKeys(&batch));
    if (Status s = PrepareBatch(chatbot, *schema, &batch, &turn); !s.ok()) return s;
    if (!dry_run) {
      const Mutation m = BatchMutation(chatbot.info(), batch);
      if (m.ops.empty()) {
        if (!turn.Await(ImportOrder::Point::kCommitted)) return earlier_failed;
      } else {
        const auto commit = [this](const Mutation& all) { return CommitOrUnavailable(all); };
        if (Status s = turn.Commit(m, commit, earlier_failed); !s.ok()) return s;
        ngram_update = ApplyBatch(chatbot, &batch);
      }
    }
    turn.Pass(ImportOrder::Point::kApplied);
  }
  // After the intents and the turn: the next batch applies while this thread builds.
  UpdateNgrams(chatbot, std::move(ngram_update));

  ImportBatchResult result;
  for (size_t i = 0; i < n; ++i) {
    switch (batch.outcomes[i]) {
      case PreparedBatch::Outcome::kCreated:
        ++result.created;
        break;
      case PreparedBatch::Outcome::kUpdated:
        ++result.updated;
        break;
      case PreparedBatch::Outcome::kUnchanged:
        ++result.unchanged;
        break;
      case PreparedBatch::Outcome::kFailed:
        result.failures.push_back({i, std::move(batch.item_issues[i])});
        break;
    }
  }
  return result;
}

Result<size_t> Engine::CatchUpSearchIndex(const Principal& p, std::string_view chatbot_id) {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  Chatbot& chatbot = **resolved;
  std::shared_lock schema_lock(chatbot.schema_lock());  // as a write's update is built
  if (chatbot.deleted()) return NotFound();
  std::unique_ptr<search::SearchIndex::NgramUpdate> update;
  {
    std::unique_lock lock(chatbot.data_lock());
    update = chatbot.index().TakeNgramUpdate(/*min_stale=*/1);
  }
  const size_t rows = update ? update->rows() : 0;
  UpdateNgrams(chatbot, std::move(update));
  return rows;
}

}  // namespace contactd
