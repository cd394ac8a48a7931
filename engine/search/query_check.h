// Checking a search: resolves field names against the chatbot's schema, checks each operator
// against the field's type and converts values to operands, listing every problem at once with
// the path of the part of the query it concerns.
//
// Thread-safety: pure functions.
#pragma once

#include "engine/schema.h"
#include "engine/search/query.h"
#include "engine/status.h"

namespace contactd::search {

// Returns the checked Query, or kInvalidArgument with one Issue per problem. The cursor is passed
// through unread: the executor decodes it and checks that it belongs to this query.
Result<Query> CheckQuery(const Schema& schema, const SearchInput& input);

// Resolves a field name ("name", "custom_attributes.plan"); nullopt when unknown.
std::optional<FieldRef> ResolveField(const Schema& schema, std::string_view field);

// Whether `op` is defined for fields of `kind`.
bool OpAllowed(Kind kind, Op op);
const char* KindName(Kind kind);

}  // namespace contactd::search
