// Engine: contactd's domain API. Workspaces, chatbots, API keys, custom attributes and contacts,
// held in memory and persisted through a Storage before any change is acknowledged or visible.
//
// Every operation takes the authenticated Principal and enforces its role and scope: a role
// without the right gets kPermissionDenied; a chatbot outside the key's workspace or chatbot scope
// is kNotFound, exactly like one that does not exist.
//
// Each mutating call is one atomic Mutation: all of it is persisted and then made visible, or none
// of it is (a storage failure returns kUnavailable and leaves memory unchanged).
//
// Thread-safety: all methods are safe to call concurrently once Recover() has returned. Mutating
// calls block while their change is made durable (WAL sync), so callers should run them off
// latency-sensitive threads.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/clock.h"
#include "engine/contact.h"
#include "engine/directory.h"
#include "engine/import_order.h"
#include "engine/record.h"
#include "engine/schema.h"
#include "engine/search/query.h"
#include "engine/shared_mutex.h"
#include "engine/status.h"
#include "engine/storage.h"
#include "engine/string_map.h"
#include "engine/types.h"
#include "engine/validate.h"

namespace contactd {

inline constexpr size_t kMaxBatch = 1000;  // items per upsert request
// Items per Engine::ImportContacts call (an import's batches, net/importer.h). Each batch pays once
// for the chatbot's locks, its intents, its turn in the import's order and a WAL sync: on two
// cores, batches of 4000 import 1M rows about a quarter faster than batches of 1000. A larger
// batch holds the data lock longer while it becomes visible (searches wait for it), and about 2 KB
// a row while in flight (docs/benchmarks.md).
inline constexpr size_t kMaxImportBatch = 4000;

struct EngineOptions {
  size_t shards = 0;             // chatbot directory shards; 0: hardware threads
  const Clock* clock = nullptr;  // nullptr: the system clock
};

struct NewApiKey {
  ApiKeyInfo info;
  std::string plaintext;  // shown once
};

struct NewWorkspace {
  Workspace workspace;
  NewApiKey admin_key;
};

struct ChatbotInput {
  std::optional<std::string> id;  // generated when absent; not changeable
  std::optional<std::string> name;
  // ISO 3166-1 alpha-2 region ("GB"; any case, stored upper case) that imports use for phone
  // numbers written without "+" when the import names none. Absent: unchanged (none when
  // creating); null (an empty string here) clears it. Unknown regions are kInvalidArgument with an
  // issue on "default_country".
  FieldPatch<std::string> default_country;
};

struct ApiKeyInput {
  std::optional<std::string> name;
  std::optional<std::string> role;  // "admin" | "member"
  std::optional<std::string> chatbot_id;
};

struct AttributeInput {
  std::optional<std::string> name;
  std::optional<std::string> type;  // "text" (default) | "number" | "boolean" | "date"
  std::optional<std::string> label;
  std::optional<std::string> description;
  std::optional<bool> archived;
};

// Contacts with the schema that names their custom attributes.
struct ContactList {
  std::shared_ptr<const Schema> schema;
  std::vector<Contact> contacts;
  uint64_t total = 0;                      // all matches, not only this page
  std::optional<std::string> next_cursor;  // searches: the position after this page, if any
};

struct ContactOne {
  std::shared_ptr<const Schema> schema;
  Contact contact;
};

struct BootstrapResult {
  bool created = false;            // first start: the default workspace was created
  std::string operator_key;        // the plaintext, when created and generated here
  bool given_key_ignored = false;  // a key was given but the data dir already has an operator key
};

// The outcome of ImportContacts for one batch.
struct ImportBatchResult {
  size_t created = 0;
  size_t updated = 0;
  size_t unchanged = 0;  // valid items that changed nothing (not written)
  // The items that were not written, each with every issue found for it. `item` indexes the
  // batch; issue fields are relative to the item ("email", "custom_attributes.ltv").
  struct Failure {
    size_t item = 0;
    std::vector<Issue> issues;
  };
  std::vector<Failure> failures;  // sorted by item
};

// Every contact matching a search, in its order, at one instant: the records are immutable and
// shared with the engine (a reference each), so later writes do not change them.
struct ContactSnapshot {
  std::shared_ptr<const Schema> schema;  // names every attribute the records use
  std::vector<Record> records;
};

struct RecoveryStats {
  size_t workspaces = 0;
  size_t chatbots = 0;
  size_t contacts = 0;
  double seconds = 0;        // everything, indexes included
  double index_seconds = 0;  // rebuilding the search indexes
};

class Engine {
 public:
  Engine(Storage* storage, EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Loads everything from storage. Call once, before anything else.
  Result<RecoveryStats> Recover();
  // On an empty store: creates the "default" workspace and the operator key (`operator_key` if
  // given, else a generated one, returned once).
  Result<BootstrapResult> Bootstrap(const std::optional<std::string>& operator_key);

  // Authentication. kUnauthenticated for a missing, unknown or revoked key.
  Result<Principal> Authenticate(std::string_view api_key) const;

  // Workspaces (operator).
  Result<NewWorkspace> CreateWorkspace(const Principal& p, const std::optional<std::string>& id,
                                       const std::optional<std::string>& name);
  Result<std::vector<Workspace>> ListWorkspaces(const Principal& p) const;
  Status DeleteWorkspace(const Principal& p, std::string_view id);
  // Erasure (operator): afterwards nothing deleted or overwritten before the call is in any file
  // of the store (Storage::Erase). Slow; requests continue meanwhile.
  Status Erase(const Principal& p);

  // Chatbots (admin to change; members read the ones in their scope).
  Result<ChatbotInfo> CreateChatbot(const Principal& p, const ChatbotInput& in);
  Result<std::vector<ChatbotInfo>> ListChatbots(const Principal& p) const;
  Result<ChatbotInfo> GetChatbot(const Principal& p, std::string_view id) const;
  // Changes a chatbot's name and default_country (the fields set in `in`; `id` must be absent).
  Result<ChatbotInfo> UpdateChatbot(const Principal& p, std::string_view id,
                                    const ChatbotInput& in);
  Status DeleteChatbot(const Principal& p, std::string_view id);

  // API keys (admin).
  Result<NewApiKey> CreateApiKey(const Principal& p, const ApiKeyInput& in);
  Result<std::vector<ApiKeyInfo>> ListApiKeys(const Principal& p) const;
  Status RevokeApiKey(const Principal& p, std::string_view id);

  // Custom attributes (member).
  Result<AttrDef> DefineAttribute(const Principal& p, std::string_view chatbot,
                                  const AttributeInput& in);
  Result<std::vector<AttrDef>> ListAttributes(const Principal& p, std::string_view chatbot) const;
  Result<AttrDef> UpdateAttribute(const Principal& p, std::string_view chatbot,
                                  std::string_view name, const AttributeInput& in);

  // Contacts (member). Issue fields of batch items are "[i].field".
  Result<ContactList> UpsertContacts(const Principal& p, std::string_view chatbot,
                                     std::vector<ContactInput> items);
  // Checks items without writing; returns their issues (used to report every problem at once
  // when the request also had decoding problems).
  Result<std::vector<Issue>> CheckContacts(const Principal& p, std::string_view chatbot,
                                           const std::vector<ContactInput>& items) const;
  // Page `page` (from 1) of the contacts, newest first.
  Result<ContactList> ListContacts(const Principal& p, std::string_view chatbot, size_t page,
                                   size_t per_page) const;
  // Search, filter, sort and page (engine/search/query.h). Issue fields are those of the input.
  Result<ContactList> Search(const Principal& p, std::string_view chatbot,
                             const search::SearchInput& input) const;
  // Import (member): like UpsertContacts, but an item with a problem is reported and left out
  // instead of failing the batch, and the other items are written as one atomic Mutation.
  // Problems: invalid values, an email or external_id clash with a stored contact or with an
  // earlier item, an external_id repeated in the batch (the later item fails). Leaving an item out
  // can make another fail (it wanted the email the first one released): the check repeats until
  // the written set is consistent. With `dry_run` every check runs and nothing is written.
  // REQUIRES: items.size() <= kMaxImportBatch. Whole-batch errors (chatbot not found, kUnavailable)
  // are returned as a Status, and then nothing was written. With a `turn`, the batch keeps its
  // place among the other batches of one import written at the same time (import_order.h); it
  // fails, writing nothing, when an earlier batch failed.
  Result<ImportBatchResult> ImportContacts(const Principal& p, std::string_view chatbot,
                                           std::vector<ContactInput> items, bool dry_run,
                                           ImportOrder::Turn turn = {});
  // After an import (member): brings the chatbot's n-gram postings up to date with every row
  // whose text is stale, as the bulk update that writes make every search::kMaxUnindexed stale
  // rows does. Until then searches check those rows one by one. Returns how many rows the update
  // took: 0 when none were stale, the chatbot is small (no postings), or another writer's update
  // is out (it installs its own; the rows it did not take wait for the next).
  Result<size_t> CatchUpSearchIndex(const Principal& p, std::string_view chatbot);
  // Export (member): every contact matching `input` (filters, q, sort; its paging fields must be
  // unset) in search order, as of one instant. Holds the chatbot's data lock shared only while it
  // collects the references.
  Result<ContactSnapshot> ExportContacts(const Principal& p, std::string_view chatbot,
                                         const search::SearchInput& input) const;
  Result<ContactOne> GetContact(const Principal& p, std::string_view chatbot,
                                std::string_view external_id) const;
  Result<ContactOne> UpdateContact(const Principal& p, std::string_view chatbot,
                                   std::string_view external_id, ContactInput patch);
  Result<ContactOne> DeleteContact(const Principal& p, std::string_view chatbot,
                                   std::string_view external_id);

  // For tests: takes the chatbot's data lock exclusive, as a write holds it while it updates the
  // search indexes, until the returned handle is released; nullptr when there is no such chatbot.
  std::shared_ptr<void> HoldDataLockForTest(const Principal& p, std::string_view chatbot);

 private:
  struct WorkspaceEntry {
    Workspace info;
    std::vector<std::string> chatbots;  // public ids
    StringMap<ApiKeyInfo> keys;         // by public id
  };
  class Loader;
  struct PreparedBatch;

  int64_t Now() const { return clock_->NowSeconds(); }
  Result<std::shared_ptr<Chatbot>> ResolveChatbot(const Principal& p, std::string_view id) const;
  Status CommitOrUnavailable(const Mutation& m);
  Result<NewApiKey> MakeKey(WorkspaceNo workspace, std::string name, Role role,
                            const ChatbotInfo* scope, const std::optional<std::string>& plaintext,
                            Mutation* m);
  void ForgetChatbot(Chatbot& chatbot);
  Status PrepareBatch(Chatbot& chatbot, const Schema& schema, PreparedBatch* batch,
                      ImportOrder::Turn* turn = nullptr);
  // Makes the batch visible, under the data lock exclusive (and the table lock exclusive while
  // the table changes, engine/chatbot.h). Returns the chatbot's bulk n-gram update when one is
  // due, for UpdateNgrams() once the caller has let go of what it holds.
  [[nodiscard]] std::unique_ptr<search::SearchIndex::NgramUpdate> ApplyBatch(Chatbot& chatbot,
                                                                             PreparedBatch* batch);
  // Builds an update taken from the chatbot's index without the data lock, then installs it under
  // the lock exclusive. Does nothing for nullptr.
  void UpdateNgrams(Chatbot& chatbot, std::unique_ptr<search::SearchIndex::NgramUpdate> update);

  Storage* const storage_;
  const Clock* const clock_;
  SystemClock system_clock_;
  Directory directory_;
  std::atomic<uint64_t> next_contact_id_{1};

  // Control plane: workspaces and their chatbot and key lists. Changes are serialized by
  // control_mu_ (exclusive); reads hold it shared. Never taken on the contact path.
  mutable SharedMutex control_mu_;
  absl::flat_hash_map<WorkspaceNo, WorkspaceEntry> workspaces_;
  StringMap<WorkspaceNo> workspace_by_id_;
  WorkspaceNo next_workspace_no_ = 1;
  ChatbotNo next_chatbot_no_ = 1;
  KeyNo next_key_no_ = 1;
};

}  // namespace contactd
