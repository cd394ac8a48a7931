// Export: every contact matching a search, in the search's order, as of one instant.
//
// The query is checked like Search's (without paging), then, under the chatbot's data lock held
// shared, the executor lists every match in order and the export takes a reference to each
// record (engine/record.h): no record is decoded or copied, so the lock is held for about the
// time it takes to sort the matches. Writes after that replace the table's references and leave
// the snapshot's records as they were.
#include <shared_mutex>

#include "engine/engine.h"
#include "engine/record.h"
#include "engine/search/executor.h"
#include "engine/search/query_check.h"

namespace contactd {
namespace {

const size_t kDefaultPerPage = search::SearchInput{}.per_page;

// An export has no pages: paging fields set are an error, each with its issue.
std::vector<Issue> PagingIssues(const search::SearchInput& input) {
  std::vector<Issue> issues;
  constexpr const char* kNoPaging = "An export has no pages; remove this parameter";
  if (input.page) issues.push_back({"page", kNoPaging});
  if (input.per_page != kDefaultPerPage) issues.push_back({"per_page", kNoPaging});
  if (input.cursor) issues.push_back({"cursor", kNoPaging});
  return issues;
}

}  // namespace

Result<ContactSnapshot> Engine::ExportContacts(const Principal& p, std::string_view chatbot_id,
                                               const search::SearchInput& input) const {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  const Chatbot& chatbot = **resolved;
  std::vector<Issue> issues = PagingIssues(input);
  Result<search::Query> query = search::CheckQuery(*chatbot.schema(), input);
  if (!query.ok()) {
    const Status status = query.status();
    if (status.code() != Code::kInvalidArgument) return status;
    issues.insert(issues.end(), status.issues().begin(), status.issues().end());
  }
  if (!issues.empty()) return InvalidArgument(kMsgInvalidRequest, std::move(issues));

  ContactSnapshot out;
  {
    std::shared_lock lock(chatbot.data_lock());
    const std::vector<search::Row> rows =
        search::ExecuteAll(chatbot.index(), chatbot.table(), *query);
    const ContactTable& table = chatbot.table();
    // Taking a reference writes each record's count: fetch a few rows ahead, as the rows come in
    // sort order, not memory order.
    constexpr size_t kAhead = 8;
    out.records.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i + kAhead < rows.size()) table.record(rows[i + kAhead]).Prefetch();
      out.records.push_back(table.record(rows[i]));
    }
  }
  // Taken after the records: attributes are only ever added, so this schema names every
  // attribute they use (one defined after the query was checked included).
  out.schema = chatbot.schema();
  return out;
}

}  // namespace contactd
