// Importer: turns a stream of decoded rows (any format) into Engine::ImportContacts batches and a
// report, for POST /contacts/import.
//
// Rows come from a RowSource (net/import_stream.h has one per format). Each row gets its phone
// number normalized to E.164 (phone::Normalize with the import's default country) and, with
// generate_ids, a generated external_id when it has none (as the upsert does); without it a row
// with no external_id is an error on "external_id". Rows accumulate into batches of at most
// kMaxImportBatch (engine/engine.h). A batch is cut early when an external_id repeats inside it, so
// that a later row of the file updates the earlier one, as sequential upserts would. Each batch is
// atomic.
//
// Batches are written on kWriters writer threads while the next one is decoded. A batch goes to
// whichever writer is free, so one that takes longer (the batch that builds an n-gram update)
// does not keep the others idle; its successors' results wait until it is accounted. At most
// kMaxAhead batches are started and not yet accounted, and one is being filled, so memory does
// not grow with the file. Batches in flight overlap (one validates and merges while the one
// before it commits and updates the indexes; a third writer gained nothing once batches grew to
// kMaxImportBatch rows, and cost CPU: docs/benchmarks.md), and an ImportOrder
// (engine/import_order.h) makes the result that of writing them one after the other: a row updates
// a contact an earlier row wrote, new contacts get ids in file order, and when a batch fails
// nothing after it is written. Row errors (decoding, phone numbers, the engine's item failures) are
// reported in row order up to max_errors; `failed` always counts every failed row.
//
// A dry run checks every batch without writing; each batch is checked against the stored
// contacts only (not against earlier batches of the same dry run), so a file that creates and then
// updates the same contact in different batches reports two creations.
//
// Thread-safety: an Importer is used by one thread (it runs its own writer threads internally).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/contact.h"
#include "engine/engine.h"
#include "engine/status.h"
#include "engine/types.h"

namespace contactd::net {

// One row as a source decoded it.
struct SourceRow {
  ContactInput input;
  uint64_t line = 0;          // line of the body where the row starts (0: not known)
  std::vector<Issue> issues;  // decoding problems: the row fails with these
};

// Why a source or the import stopped before the end of the body.
struct StreamFailure {
  int http_status = 400;  // 0: the client went away, nothing can be answered
  std::string message;    // a sentence without a final period
};

// The rows of one import body, in order.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // The next row into *out (reset by the source). False at the end of the body, or on a fatal
  // problem (failure() says which).
  virtual bool Next(SourceRow* out) = 0;
  virtual const std::optional<StreamFailure>& failure() const = 0;
};

struct ImportOptions {
  bool dry_run = false;
  std::string default_country;  // for phone numbers written without "+"; may be empty
  bool generate_ids = false;
  size_t max_errors = 1000;
};

struct RowError {
  uint64_t row = 0;   // 1-based data row (a CSV header is not counted)
  uint64_t line = 0;  // where it starts in the body; 0 when not known
  std::string field;
  std::string message;
};

struct ImportReport {
  uint64_t rows = 0;  // rows whose outcome is known: created + updated + unchanged + failed
  uint64_t created = 0;
  uint64_t updated = 0;
  uint64_t unchanged = 0;
  uint64_t failed = 0;
  std::vector<RowError> errors;  // in row order, at most max_errors
  bool errors_truncated = false;
};

// An import that stopped early: `row` is the first row whose outcome is unknown.
struct ImportStop {
  int http_status = 400;  // 0: nothing can be answered
  uint64_t row = 0;
  std::string why;
};

class Importer {
 public:
  Importer(Engine& engine, Principal principal, std::string chatbot, ImportOptions options);

  // Imports every row of `source`. Returns why it stopped early, if it did; report() then covers
  // the rows before that point (all of them were written, or checked on a dry run). Then brings
  // the chatbot's search index up to date with what was written (Engine::CatchUpSearchIndex).
  std::optional<ImportStop> Run(RowSource& source);
  const ImportReport& report() const { return report_; }

 private:
  struct Batch;
  class FinishSignal;
  class Writer;
  static constexpr size_t kWriters = 2;
  // Batches started and not yet accounted (running, or finished before an earlier one).
  static constexpr size_t kMaxAhead = 2 * kWriters;

  // Run() but the catch-up.
  std::optional<ImportStop> RunBatches(RowSource& source);
  // Normalizes and checks one row; false (with issues in `row`) when it cannot be imported.
  bool Prepare(SourceRow& row);
  void AddErrors(uint64_t row, uint64_t line, const std::vector<Issue>& issues);

  Engine& engine_;
  const Principal principal_;
  const std::string chatbot_;
  const ImportOptions options_;
  ImportReport report_;
};

}  // namespace contactd::net
