// Search requests: the query parameters of GET /contacts and the body of POST /contacts/search,
// decoded into the engine's SearchInput.
//
// GET /contacts parameters (all optional):
//   page, per_page        offset paging; per_page clamped to 10-1000 (default 100)
//   cursor                keyset paging: next_cursor of the previous page (not with page)
//   q                     free text: name, email, external_id, phone digits
//   sort                  comma-separated fields; a leading '-' sorts that field descending
//   order                 asc|desc, comma-separated to match sort (one value applies to all)
//   filter[FIELD]=V       FIELD equals V
//   filter[FIELD][OP]=V   OP: eq ne in nin gt lt gte lte contains not_contains starts_with
//                         ends_with exists (V true|false); repeat a parameter for several in/nin
//                         values. All filters must hold.
//
// POST /contacts/search body:
//   {"query": FILTER, "q": "...", "sort": [{"field": "...", "order": "asc|desc"}],
//    "per_page": 1-1000 (default 100), "page": N | "cursor": "..."}
//   FILTER := {"field": "...", "operator": "= != IN NIN > < >= <= ~ !~ ^ $ exists not_exists",
//              "value": V | [V, ...]}
//           | {"operator": "AND" | "OR", "value": [FILTER, ...]}
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "engine/search/query.h"
#include "engine/status.h"
#include "net/router.h"

namespace contactd::net {

Result<search::SearchInput> SearchInputFromQuery(const QueryParams& params);
Result<search::SearchInput> DecodeSearchBody(std::string_view body);

}  // namespace contactd::net
