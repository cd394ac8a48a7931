// PrefetchAdd: software prefetching for a roaring bitmap about to gain or lose one value, so that
// a loop over many (bitmap, row) pairs overlaps their cache misses instead of taking them one by
// one.
//
// It reads CRoaring 0.2 internals (roaring_array.h and containers/*.h, installed with it); ports
// to a later release must adapt it.
//
// Thread-safety: reads the bitmap; the caller holds whatever lock protects it.
#pragma once

#include <algorithm>
#include <cstdint>

#include "engine/search/roaring.h"

namespace contactd::search {

static_assert(ROARING_VERSION_MAJOR == 0 && ROARING_VERSION_MINOR == 2,
              "roaring_prefetch.h uses CRoaring 0.2 internals: port PrefetchAdd");

// Prefetches one level of the memory that adding or removing `row` in `r` reads: 0 the container
// index, 1 the row's container, 2 the row's place in it (for arrays: the end, where appends go,
// and the middle, where binary searches start). Each level reads what the one before fetched, so
// issue level 0 for a group of bitmaps, then level 1, then level 2, before updating them.
// Beware: where GCC 12 does not inline a call early, it judges the copy free of side effects (it
// only reads memory and prefetches) and deletes the call. SortColumn::SetMany lost all of its
// calls that way; NgramIndex::Add and Remove lose some. Check the object code for prefetches.
inline void PrefetchAdd(const roaring::Roaring& r, Row row, int level) {
  const roaring_array_t& ra = r.roaring.high_low_container;
  if (ra.size == 0) return;
  if (level == 0) {
    __builtin_prefetch(ra.keys);
    __builtin_prefetch(&ra.containers[ra.size - 1]);
    __builtin_prefetch(&ra.typecodes[ra.size - 1]);
    return;
  }
  const int32_t i = ra_get_index(&ra, static_cast<uint16_t>(row >> 16));
  if (i < 0) return;
  const void* c = ra.containers[i];
  if (level == 1) {
    __builtin_prefetch(c);
  } else if (ra.typecodes[i] == ARRAY_CONTAINER_TYPE_CODE) {
    const auto* array = static_cast<const array_container_t*>(c);
    __builtin_prefetch(&array->array[array->cardinality / 2]);
    __builtin_prefetch(&array->array[std::max(array->cardinality - 1, 0)]);
  } else if (ra.typecodes[i] == BITSET_CONTAINER_TYPE_CODE) {
    __builtin_prefetch(&static_cast<const bitset_container_t*>(c)->array[(row >> 6) & 1023]);
  }
}

}  // namespace contactd::search
