// Bulk upsert: 1-1000 contacts matched by external_id, all or nothing.
//
//   1. validate every item against the schema (held shared until the end), listing every problem;
//   2. take intents on every external_id and new email (engine/intents.h);
//   3. under the table lock shared: read the stored contacts and check email uniqueness; then,
//      without the lock, merge, assign ids and timestamps, encode records;
//   4. commit one Mutation (the WAL sync is shared with concurrent requests);
//   5. under the data lock exclusive: make the whole batch visible at once. The table changes
//      under the table lock too, which is let go before the search index changes, so the next
//      batch's step 3 runs beside that (engine/chatbot.h).
//
// Steps 2-5 are shared with the import (import_ops.cc), which leaves out the items with a problem
// instead of failing the batch (engine/batch.h).
#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <shared_mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/batch.h"
#include "engine/engine.h"
#include "engine/record.h"
#include "engine/secrets.h"
#include "engine/string_map.h"
#include "engine/text.h"
#include "engine/write_keys.h"

namespace contactd {

namespace {

// How many items ahead a batch loop prefetches the contact table's index slots: enough to cover a
// memory access, few enough that the lines stay cached until used.
constexpr size_t kPrefetchAhead = 8;

std::string Item(size_t i) {
  std::string s = "[";  // built in steps: GCC 12 warns falsely on "[" + std::to_string(i)
  s += std::to_string(i);
  s += "].";
  return s;
}

Status CheckBatchSize(size_t n) {
  if (n == 0) return InvalidArgument(kMsgInvalidRequest);
  if (n > kMaxBatch) return InvalidArgument("Maximum 1000 contacts per request");
  return {};
}

// Validates every item, moving it into `changes`; generates missing external ids when
// `generate`. Returns every problem.
std::vector<Issue> ValidateItems(const Schema& schema, std::vector<ContactInput> items,
                                 bool generate, std::vector<ContactChange>* changes,
                                 std::vector<bool>* generated) {
  std::vector<Issue> issues;
  {
    // Repeated external_ids, found before items are moved (and whether or not they are valid).
    absl::flat_hash_map<std::string_view, size_t, StringHash, StringEq> seen;
    seen.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      if (!items[i].external_id.is_set()) continue;
      auto [it, fresh] = seen.emplace(items[i].external_id.value, i);
      if (!fresh) {
        issues.push_back(
            {Item(i) + "external_id", "Duplicate external_id in this request (also at [" +
                                          std::to_string(it->second) + "])"});
      }
    }
  }
  changes->resize(items.size());
  generated->assign(items.size(), false);
  for (size_t i = 0; i < items.size(); ++i) {
    const bool absent = items[i].external_id.absent();
    ContactChange& change = (*changes)[i];
    ValidateContactInput(schema, std::move(items[i]), Item(i), &issues, &change);
    if (absent && generate) {
      change.external_id.Set(secrets::NewUuid());
      (*generated)[i] = true;
    }
  }
  // Item by item, in the order each item's problems were found.
  std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    return std::strtoull(a.field.c_str() + 1, nullptr, 10) <
           std::strtoull(b.field.c_str() + 1, nullptr, 10);
  });
  return issues;
}

using BatchRows = absl::flat_hash_map<ContactTable::Row, size_t>;  // stored row -> item

// Whether a stored contact other than item i's own holds the email item i sets, and keeps it:
// only an item (not left out) that moves that contact to another email or clears it frees it.
// REQUIRES: the table (or data) lock; `batch_row` maps the rows of the items' stored contacts to
// the items.
bool TakenByStored(const ContactTable& table, const ContactBatch& b, const BatchRows& batch_row,
                   size_t i) {
  const std::string& folded = b.folded_emails[i];
  const ContactTable::Row owner = table.FindByFoldedEmail(folded, b.email_hashes[i]);
  if (owner == ContactTable::kNoRow || owner == b.rows[i]) return false;
  auto other = batch_row.find(owner);
  if (other == batch_row.end() || b.left_out(other->second)) return true;
  const ContactChange& mover = b.changes[other->second];
  const bool moves_away =
      mover.email.is_null() || (mover.email.is_set() && b.folded_emails[other->second] != folded);
  return !moves_away;
}

// Loads the email index slot of item i + kPrefetchAhead, if that item sets an email, for a loop
// over the items that looks their emails up.
void PrefetchEmailAhead(const ContactTable& table, const ContactBatch& b, size_t i) {
  const size_t ahead = i + kPrefetchAhead;
  if (ahead < b.changes.size() && b.changes[ahead].email.is_set()) {
    table.PrefetchEmail(b.email_hashes[ahead]);
  }
}

// Only emails a batch sets can clash: with each other, or with a stored contact that keeps its
// email. All or nothing: every clash is an issue of the returned status. REQUIRES: the table (or
// data) lock.
Status CheckEmailClashes(const ContactTable& table, const ContactBatch& b,
                         const BatchRows& batch_row) {
  std::vector<Issue> clashes;
  absl::flat_hash_map<std::string_view, size_t, StringHash, StringEq> emails;  // set -> item
  emails.reserve(b.changes.size());
  for (size_t i = 0; i < b.changes.size(); ++i) {
    PrefetchEmailAhead(table, b, i);
    if (!b.changes[i].email.is_set()) continue;
    auto [it, fresh] = emails.emplace(b.folded_emails[i], i);
    if (!fresh) {
      clashes.push_back({Item(i) + "email", "Same email as [" + std::to_string(it->second) + "]"});
    } else if (TakenByStored(table, b, batch_row, i)) {
      clashes.push_back({Item(i) + "email", "Email already exists"});
    }
  }
  if (clashes.empty()) return {};
  return {Code::kAlreadyExists, kMsgContactExists, std::move(clashes)};
}

// The import's rule: an item whose email clashes is left out. Leaving an item out can make another
// clash (it wanted the email the first one would have released), so the check repeats until no
// item clashes. Clashes with stored contacts are found before clashes between items, so an item
// that keeps its own contact's email wins over a new item that wants it. Returns whether an item
// clashed with a stored contact. REQUIRES: the table (or data) lock.
bool LeaveOutEmailClashes(const ContactTable& table, ContactBatch* b, const BatchRows& batch_row) {
  const size_t n = b->changes.size();
  bool stored_clash = false;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < n; ++i) {
      PrefetchEmailAhead(table, *b, i);
      if (b->left_out(i) || !b->changes[i].email.is_set()) continue;
      if (TakenByStored(table, *b, batch_row, i)) {
        b->item_issues[i].push_back({"email", "Email already exists"});
        changed = stored_clash = true;
      }
    }
    absl::flat_hash_set<std::string_view, StringHash, StringEq> emails;
    for (size_t i = 0; i < n; ++i) {
      if (b->left_out(i) || !b->changes[i].email.is_set()) continue;
      if (!emails.insert(b->folded_emails[i]).second) {
        b->item_issues[i].push_back({"email", "Same email as an earlier contact in this import"});
        changed = true;
      }
    }
  }
  return stored_clash;
}

}  // namespace

std::vector<uint64_t> BatchIntentKeys(ContactBatch* b) {
  const size_t n = b->changes.size();
  std::vector<uint64_t> keys;
  keys.reserve(2 * n);
  b->folded_emails.resize(n);
  b->email_hashes.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (b->left_out(i)) continue;
    const ContactChange& c = b->changes[i];
    keys.push_back(ExternalIdIntent(c.external_id.value));
    if (c.email.is_set()) {
      b->folded_emails[i] = text::CaseFold(c.email.value);
      b->email_hashes[i] = ContactTable::EmailHash(b->folded_emails[i]);
      keys.push_back(EmailIntent(b->folded_emails[i]));
    }
  }
  return keys;
}

Mutation BatchMutation(const ChatbotInfo& chatbot, const ContactBatch& b) {
  Mutation m;
  m.ops.reserve(b.records.size() + 1);
  for (size_t i = 0; i < b.records.size(); ++i) {
    if (b.records[i].empty()) continue;
    m.ops.push_back(
        Mutation::PutContact{chatbot.workspace, chatbot.no, b.results[i].id, b.records[i].bytes()});
  }
  if (!m.ops.empty() && b.max_new_id) {
    m.ops.push_back(Mutation::RaiseCounter{Counter::kContactId, b.max_new_id + 1});
  }
  return m;
}

Result<std::vector<Issue>> Engine::CheckContacts(const Principal& p, std::string_view chatbot_id,
                                                 const std::vector<ContactInput>& items) const {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  if (Status s = CheckBatchSize(items.size()); !s.ok()) return s;
  std::vector<ContactChange> changes;
  std::vector<bool> generated;
  return ValidateItems(*(*resolved)->schema(), items, false, &changes, &generated);
}

Status Engine::PrepareBatch(Chatbot& chatbot, const Schema& schema, PreparedBatch* b,
                            ImportOrder::Turn* turn) {
  const size_t n = b->changes.size();
  b->outcomes.assign(n, PreparedBatch::Outcome::kFailed);
  b->rows.assign(n, ContactTable::kNoRow);
  b->results.resize(n);
  b->records.resize(n);
  b->hashes.resize(n);
  b->entries.clear();
  b->entries.reserve(n);
  for (size_t i = 0; i < n; ++i) b->entries.emplace_back(&b->entry_memory);
  if (b->partial) b->item_issues.resize(n);
  std::vector<std::optional<Contact>> stored(n);
  std::vector<uint32_t> id_hashes(n);  // computed before the lock
  for (size_t i = 0; i < n; ++i) {
    if (!b->left_out(i)) id_hashes[i] = ContactTable::KeyHash(b->changes[i].external_id.value);
  }
  // An import batch written beside the one before it may find an email held by a contact that
  // batch is changing: the read is repeated once that batch is visible (import_order.h).
  const bool may_reread = turn != nullptr && !turn->Passed(ImportOrder::Point::kApplied);
  const std::vector<std::vector<Issue>> issues_before =
      may_reread ? b->item_issues : std::vector<std::vector<Issue>>{};
  for (bool reread = may_reread;;) {
    // Read what is stored, under the table lock shared. The intents keep these contacts (and the
    // emails the batch sets) from changing until the batch is applied.
    std::shared_lock lock(chatbot.table_lock());
    const ContactTable& table = chatbot.table();
    BatchRows batch_row;
    for (size_t i = 0; i < n; ++i) {
      if (i + kPrefetchAhead < n && !b->left_out(i + kPrefetchAhead)) {
        table.PrefetchExternalId(id_hashes[i + kPrefetchAhead]);
      }
      if (b->left_out(i)) continue;
      const ContactTable::Row row =
          table.FindByExternalId(b->changes[i].external_id.value, id_hashes[i]);
      b->rows[i] = row;
      if (row == ContactTable::kNoRow) continue;
      if (b->generated[i]) {
        const char* kCollided = "Generated external_id collided; retry";
        if (!b->partial) return {Code::kInternal, kCollided};
        b->item_issues[i].push_back({"external_id", kCollided});
        continue;
      }
      auto decoded = DecodeRecord(table.Get(row).bytes());
      if (!decoded.ok()) return decoded.status();
      stored[i] = std::move(*decoded);
      batch_row[row] = i;
    }
    if (b->partial) {
      if (LeaveOutEmailClashes(table, b, batch_row) && reread) {
        lock.unlock();
        turn->Await(ImportOrder::Point::kApplied);
        b->item_issues = issues_before;
        b->rows.assign(n, ContactTable::kNoRow);
        stored.assign(n, std::nullopt);
        reread = false;
        continue;
      }
    } else if (Status clash = CheckEmailClashes(table, *b, batch_row); !clash.ok()) {
      return clash;
    }
    break;
  }
  // New contacts get consecutive ids, in the order of the items (and of the batches of an
  // import), and the batch's time.
  const int64_t now = Now();
  ContactId next_id = 0;
  if (!b->dry_run) {
    size_t created = 0;
    for (size_t i = 0; i < n; ++i) created += !b->left_out(i) && !stored[i];
    next_id = next_contact_id_.fetch_add(created);
  }
  if (turn != nullptr) turn->Pass(ImportOrder::Point::kRead);
  // Merge and encode without the lock.
  for (size_t i = 0; i < n; ++i) {
    if (b->left_out(i)) continue;
    Contact& c = b->results[i];
    if (!stored[i]) {
      c = ApplyChange(schema, Contact{}, std::move(b->changes[i]));
      b->outcomes[i] = PreparedBatch::Outcome::kCreated;
      if (b->dry_run) continue;
      c.id = next_id++;
      c.created_at = c.updated_at = now;
      b->max_new_id = std::max(b->max_new_id, c.id);
    } else {
      c = ApplyChange(schema, *stored[i], std::move(b->changes[i]));
      if (c == *stored[i]) {  // unchanged: nothing to write, updated_at kept
        b->outcomes[i] = PreparedBatch::Outcome::kUnchanged;
        continue;
      }
      b->outcomes[i] = PreparedBatch::Outcome::kUpdated;
      if (b->dry_run) continue;
      c.updated_at = now;
    }
    b->records[i] = Record::Encode(c);
    // An item that sets the email had it folded and hashed for its intent key (BatchIntentKeys);
    // its external_id was hashed before the read.
    const bool folded = i < b->folded_emails.size() && !b->folded_emails[i].empty();
    b->hashes[i] = folded ? ContactTable::KeyHashes{id_hashes[i], b->email_hashes[i]}
                          : ContactTable::HashesOf(b->records[i].view());
    search::SearchIndex::FillEntry(c, &b->entries[i]);
  }
  return {};
}

std::unique_ptr<search::SearchIndex::NgramUpdate> Engine::ApplyBatch(Chatbot& chatbot,
                                                                     PreparedBatch* b) {
  std::vector<search::Row> rows;
  std::vector<search::SearchIndex::Entry> entries;
  rows.reserve(b->records.size());
  entries.reserve(b->records.size());
  std::unique_lock lock(chatbot.data_lock());
  std::unique_lock table_lock(chatbot.table_lock());
  ContactTable& table = chatbot.table();
  const size_t n = b->records.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n && !b->records[i + kPrefetchAhead].empty()) {
      table.PrefetchIndexes(b->hashes[i + kPrefetchAhead]);
    }
    if (b->records[i].empty()) continue;
    ContactTable::Row row = b->rows[i];
    if (row == ContactTable::kNoRow) {
      row = table.Insert(std::move(b->records[i]), b->hashes[i]);
    } else {
      table.Replace(row, std::move(b->records[i]), b->hashes[i]);
    }
    rows.push_back(row);
    entries.push_back(std::move(b->entries[i]));
  }
  table_lock.unlock();  // reads of the table alone go on while the index changes
  chatbot.index().PutMany(rows, entries);
  return chatbot.index().TakeNgramUpdate();
}

void Engine::UpdateNgrams(Chatbot& chatbot,
                          std::unique_ptr<search::SearchIndex::NgramUpdate> update) {
  if (update == nullptr) return;
  try {
    update->Build();
  } catch (const std::bad_alloc&) {
    // Installed unbuilt: its rows stay stale (searches check them directly) for the next update.
  }
  std::unique_lock lock(chatbot.data_lock());
  chatbot.index().InstallNgramUpdate(std::move(update));
}

Result<ContactList> Engine::UpsertContacts(const Principal& p, std::string_view chatbot_id,
                                           std::vector<ContactInput> items) {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  if (Status s = CheckBatchSize(items.size()); !s.ok()) return s;
  Chatbot& chatbot = **resolved;
  const size_t n = items.size();

  std::shared_lock schema_lock(chatbot.schema_lock());
  if (chatbot.deleted()) return NotFound();
  const std::shared_ptr<const Schema> schema = chatbot.schema();
  PreparedBatch batch;
  std::vector<Issue> issues =
      ValidateItems(*schema, std::move(items), true, &batch.changes, &batch.generated);
  if (!issues.empty()) return InvalidArgument(kMsgInvalidRequest, std::move(issues));

  IntentGuard intents(&chatbot.intents(), BatchIntentKeys(&batch));
  if (Status s = PrepareBatch(chatbot, *schema, &batch); !s.ok()) return s;

  const Mutation m = BatchMutation(chatbot.info(), batch);
  if (!m.ops.empty()) {
    if (Status s = CommitOrUnavailable(m); !s.ok()) return s;
    UpdateNgrams(chatbot, ApplyBatch(chatbot, &batch));
  }
  return ContactList{schema, std::move(batch.results), n, std::nullopt};
}

}  // namespace contactd
