// Single-contact operations (get, update, delete) and the paged list.
//
// Update and delete follow the same protocol as the batch upsert (upsert.cc): intents on the keys
// they change, read under the table lock shared, commit, then apply under the data lock exclusive
// (the table lock too while the table changes). A get reads under the table lock shared
// (engine/chatbot.h).
#include <mutex>
#include <shared_mutex>

#include "engine/engine.h"
#include "engine/record.h"
#include "engine/text.h"
#include "engine/write_keys.h"

namespace contactd {
namespace {

Result<Contact> Decode(const ContactTable& table, ContactTable::Row row) {
  return DecodeRecord(table.Get(row).bytes());
}

}  // namespace

Result<ContactOne> Engine::GetContact(const Principal& p, std::string_view chatbot_id,
                                      std::string_view external_id) const {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  const Chatbot& chatbot = **resolved;
  std::shared_lock lock(chatbot.table_lock());
  const ContactTable::Row row = chatbot.table().FindByExternalId(external_id);
  if (row == ContactTable::kNoRow) return NotFound();
  auto contact = Decode(chatbot.table(), row);
  if (!contact.ok()) return contact.status();
  return ContactOne{chatbot.schema(), std::move(*contact)};
}

Result<ContactList> Engine::ListContacts(const Principal& p, std::string_view chatbot_id,
                                         size_t page, size_t per_page) const {
  search::SearchInput input;
  input.page = page;
  input.per_page = per_page;
  return Search(p, chatbot_id, input);
}

Result<ContactOne> Engine::UpdateContact(const Principal& p, std::string_view chatbot_id,
                                         std::string_view external_id, ContactInput patch) {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  Chatbot& chatbot = **resolved;

  std::shared_lock schema_lock(chatbot.schema_lock());
  if (chatbot.deleted()) return NotFound();
  const std::shared_ptr<const Schema> schema = chatbot.schema();
  std::vector<Issue> issues;
  ContactChange change;
  ValidateContactInput(*schema, std::move(patch), "", &issues, &change);
  if (!issues.empty()) return InvalidArgument(kMsgInvalidRequest, std::move(issues));

  std::vector<uint64_t> keys = {ExternalIdIntent(external_id)};
  if (change.external_id.is_set()) keys.push_back(ExternalIdIntent(change.external_id.value));
  if (change.email.is_set()) keys.push_back(EmailIntent(text::CaseFold(change.email.value)));
  IntentGuard intents(&chatbot.intents(), std::move(keys));

  ContactTable::Row row;
  Contact before, after;
  {
    std::shared_lock lock(chatbot.table_lock());
    const ContactTable& table = chatbot.table();
    row = table.FindByExternalId(external_id);
    if (row == ContactTable::kNoRow) return NotFound();
    auto decoded = Decode(table, row);
    if (!decoded.ok()) return decoded.status();
    before = std::move(*decoded);
    after = ApplyChange(*schema, before, std::move(change));
    std::vector<Issue> clashes;
    if (after.external_id != before.external_id &&
        table.FindByExternalId(after.external_id) != ContactTable::kNoRow) {
      clashes.push_back({"external_id", "External ID already exists"});
    }
    if (after.email) {
      const ContactTable::Row owner = table.FindByEmail(*after.email);
      if (owner != ContactTable::kNoRow && owner != row) {
        clashes.push_back({"email", "Email already exists"});
      }
    }
    if (!clashes.empty()) return Status(Code::kAlreadyExists, kMsgContactExists, clashes);
  }
  if (after == before) return ContactOne{schema, std::move(after)};

  after.updated_at = Now();
  const std::string record = EncodeRecord(after);
  search::SearchIndex::Entry entry = search::SearchIndex::EntryOf(after);
  Mutation m;
  m.ops.push_back(
      Mutation::PutContact{chatbot.info().workspace, chatbot.info().no, after.id, record});
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;
  std::unique_ptr<search::SearchIndex::NgramUpdate> update;
  {
    std::unique_lock lock(chatbot.data_lock());
    {
      std::unique_lock table_lock(chatbot.table_lock());
      chatbot.table().Replace(row, Record(record));
    }
    chatbot.index().Put(row, entry);
    update = chatbot.index().TakeNgramUpdate();
  }
  UpdateNgrams(chatbot, std::move(update));
  return ContactOne{schema, std::move(after)};
}

Result<ContactOne> Engine::DeleteContact(const Principal& p, std::string_view chatbot_id,
                                         std::string_view external_id) {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  Chatbot& chatbot = **resolved;

  std::shared_lock schema_lock(chatbot.schema_lock());
  if (chatbot.deleted()) return NotFound();
  IntentGuard intents(&chatbot.intents(), {ExternalIdIntent(external_id)});
  ContactTable::Row row;
  Contact contact;
  {
    std::shared_lock lock(chatbot.table_lock());
    row = chatbot.table().FindByExternalId(external_id);
    if (row == ContactTable::kNoRow) return NotFound();
    auto decoded = Decode(chatbot.table(), row);
    if (!decoded.ok()) return decoded.status();
    contact = std::move(*decoded);
  }
  Mutation m;
  m.ops.push_back(Mutation::DeleteContact{chatbot.info().workspace, chatbot.info().no, contact.id});
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;
  std::unique_ptr<search::SearchIndex::NgramUpdate> update;
  {
    std::unique_lock lock(chatbot.data_lock());
    chatbot.index().Erase(row);
    {
      std::unique_lock table_lock(chatbot.table_lock());
      chatbot.table().Erase(row);
    }
    update = chatbot.index().TakeNgramUpdate();
  }
  UpdateNgrams(chatbot, std::move(update));
  return ContactOne{chatbot.schema(), std::move(contact)};
}

}  // namespace contactd
