// Execute: runs a checked Query over one chatbot's indexes and records: the exact set of matches,
// its exact total, and one page in order with the cursor of the next; or all of it in order.
//
// Thread-safety: reads only; the caller holds the chatbot's data lock shared for the whole call,
// so the page, the total and the cursor all describe one consistent state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/contact_table.h"
#include "engine/search/query.h"
#include "engine/search/search_index.h"
#include "engine/status.h"

namespace contactd::search {

struct SearchPage {
  std::vector<Row> rows;                   // the page, in order
  uint64_t total = 0;                      // every match, not only this page
  std::optional<std::string> next_cursor;  // when more rows follow the page
};

// kInvalidArgument (issue field "cursor") for a malformed cursor or one from another query.
Result<SearchPage> Execute(const SearchIndex& index, const ContactTable& table, const Query& query);

// Every match of `query`, in its order (the rows Execute would return page after page). The
// query's paging fields (per_page, offset, cursor) are ignored.
std::vector<Row> ExecuteAll(const SearchIndex& index, const ContactTable& table,
                            const Query& query);

}  // namespace contactd::search
