// Pager: orders the matching rows by the query's sort keys and returns one page, by offset or
// after a keyset cursor.
//
// The order is total: for each sort key, rows with a value come first in the key's direction
// (ties between equal order keys broken by the full value), rows without one come after; the last
// tie-breaker is the contact id, in the direction of the first sort key.
//
// For a large set of matches the pager walks the first sort key's buckets in order, intersecting
// each with the matches and sorting only that bucket, so a page costs about the same at any depth;
// rows without a value in that key are then ordered by the next key (or by id) the same way. A
// small set of matches is sorted directly.
//
// Thread-safety: reads only; the caller holds the chatbot's data lock shared.
#pragma once

#include <optional>
#include <vector>

#include <roaring/roaring.hh>

#include "engine/search/cursor.h"
#include "engine/search/query.h"
#include "engine/search/row_values.h"

namespace contactd::search {

struct PageResult {
  std::vector<Row> rows;       // the page, in order
  std::optional<Cursor> next;  // the position after the page's last row, when more follow
};

// `matches`: the matching rows, or null for every live row. `after`: start after this position
// (keyset); otherwise skip `offset` rows. REQUIRES: after->values.size() == query.sort.size().
PageResult Paginate(const RowValues& values, const roaring::Roaring* matches, const Query& query,
                    const Cursor* after, size_t offset);

}  // namespace contactd::search
