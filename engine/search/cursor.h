// Keyset cursors: an opaque token naming the position after the last contact of a page, so the
// next page starts there whatever was inserted or deleted in between.
//
//   cursor := base64url( version:u8(=1) fingerprint:u64le count:u8 value{count} id:u64le )
//   value  := present:u8 [ key:u64le tie:lp ]           (lp = varint length, bytes)
//
// `fingerprint` identifies the query (filter, q and sort): a cursor only continues its own query.
// Each value is the position's sort value for one sort key: its order key and the tie bytes that
// order values sharing a key (search/sort_value.h).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/search/query.h"
#include "engine/types.h"

namespace contactd::search {

// A row's value for one sort key: present or not, its order key, and tie bytes whose bytewise
// order orders values with equal keys.
struct SortValue {
  bool present = false;
  uint64_t key = 0;
  std::string tie;
  friend bool operator==(const SortValue&, const SortValue&) = default;
};

struct Cursor {
  uint64_t fingerprint = 0;
  std::vector<SortValue> values;  // one per sort key
  ContactId id = 0;
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

std::string EncodeCursor(const Cursor& c);
std::optional<Cursor> DecodeCursor(std::string_view token);

// Identifies a query's filter, q and sort; stable across processes and restarts.
uint64_t Fingerprint(const Query& q);

}  // namespace contactd::search
