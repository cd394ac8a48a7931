// Evaluation of a checked query's filter and free-text q into the exact set of matching rows.
//
// Each condition becomes a row bitmap from the cheapest exact source: order-key ranges of a
// SortColumn (numbers, dates, ids, booleans, text prefixes), value dictionaries (text
// attributes), n-gram postings (contains, q) and frequent email domains; candidates that a key or
// n-gram cannot decide alone are verified against the row's full value. Negations are the live
// rows minus the positive set, so they include rows without a value.
//
// Thread-safety: reads only; the caller holds the chatbot's data lock shared.
#pragma once

#include <roaring/roaring.hh>

#include "engine/search/query.h"
#include "engine/search/row_values.h"

namespace contactd::search {

// The rows matching `filter` within `scope` (all live rows when null).
roaring::Roaring EvaluateFilter(const RowValues& values, const Filter& filter,
                                const roaring::Roaring* scope = nullptr);

// Rows within `scope` (all live rows when null) whose name, email or external_id contains the
// folded `q_text`, or whose phone digits contain `q_phone` (either may be empty).
roaring::Roaring EvaluateQ(const RowValues& values, std::string_view q_text,
                           std::string_view q_phone, const roaring::Roaring* scope = nullptr);

}  // namespace contactd::search
