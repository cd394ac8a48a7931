// Search: checks the query against the chatbot's schema, then runs it under the data lock
// (shared), so the page, its total and its cursor describe one consistent state.
#include <shared_mutex>

#include "engine/engine.h"
#include "engine/record.h"
#include "engine/search/executor.h"
#include "engine/search/query_check.h"

namespace contactd {

Result<ContactList> Engine::Search(const Principal& p, std::string_view chatbot_id,
                                   const search::SearchInput& input) const {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  const Chatbot& chatbot = **resolved;
  const std::shared_ptr<const Schema> schema = chatbot.schema();
  Result<search::Query> query = search::CheckQuery(*schema, input);
  if (!query.ok()) return query.status();

  ContactList out;
  out.schema = schema;
  std::shared_lock lock(chatbot.data_lock());
  Result<search::SearchPage> page = search::Execute(chatbot.index(), chatbot.table(), *query);
  if (!page.ok()) return page.status();
  out.total = page->total;
  out.next_cursor = std::move(page->next_cursor);
  out.contacts.reserve(page->rows.size());
  for (search::Row row : page->rows) {
    auto contact = DecodeRecord(chatbot.table().Get(row).bytes());
    if (!contact.ok()) return contact.status();
    out.contacts.push_back(std::move(*contact));
  }
  return out;
}

}  // namespace contactd
