#include "engine/search/executor.h"

#include "engine/search/cursor.h"
#include "engine/search/evaluate.h"
#include "engine/search/pager.h"
#include "engine/search/row_values.h"

namespace contactd::search {
namespace {

// The rows matching the query's filter and q; nullopt when it has neither (every live row).
std::optional<roaring::Roaring> Matches(const RowValues& values, const Query& query) {
  std::optional<roaring::Roaring> matches;
  if (query.filter) matches = EvaluateFilter(values, *query.filter);
  if (!query.q_text.empty() || !query.q_phone.empty()) {
    matches = EvaluateQ(values, query.q_text, query.q_phone, matches ? &*matches : nullptr);
  }
  return matches;
}

}  // namespace

Result<SearchPage> Execute(const SearchIndex& index, const ContactTable& table,
                           const Query& query) {
  std::optional<Cursor> after;
  if (query.cursor) {
    after = DecodeCursor(*query.cursor);
    if (!after) return InvalidArgument(kMsgInvalidRequest, {{"cursor", "Malformed cursor"}});
    if (after->fingerprint != query.fingerprint) {
      return InvalidArgument(
          kMsgInvalidRequest,
          {{"cursor", "This cursor belongs to another query: its filters, q or sort differ"}});
    }
    if (after->values.size() != query.sort.size()) {
      return InvalidArgument(kMsgInvalidRequest, {{"cursor", "Malformed cursor"}});
    }
  }
  const RowValues values(index, table);
  const std::optional<roaring::Roaring> matches = Matches(values, query);
  SearchPage page;
  page.total = matches ? matches->cardinality() : index.alive().cardinality();
  PageResult result = Paginate(values, matches ? &*matches : nullptr, query,
                               after ? &*after : nullptr, query.offset.value_or(0));
  page.rows = std::move(result.rows);
  if (result.next) page.next_cursor = EncodeCursor(*result.next);
  return page;
}

std::vector<Row> ExecuteAll(const SearchIndex& index, const ContactTable& table,
                            const Query& query) {
  const RowValues values(index, table);
  const std::optional<roaring::Roaring> matches = Matches(values, query);
  Query all = query;
  all.per_page = SIZE_MAX - 1;  // the pager wants one row more than a page: never reached
  all.offset.reset();
  all.cursor.reset();
  return Paginate(values, matches ? &*matches : nullptr, all, nullptr, 0).rows;
}

}  // namespace contactd::search
