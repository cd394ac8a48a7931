// Roaring bitmaps built from ascending rows a container at a time.
//
// CRoaring's addMany() and the Roaring(n, values) constructor insert value by value: each value
// goes through the container's add, and an array container grows (reallocates and copies) about
// every tenth value. Rows already ascending can be written into containers of the right size
// directly. These functions use CRoaring 0.2 internals (roaring_array.h, containers/*.h, installed
// with it); ports to later releases must adapt them.
//
// Thread-safety: each call works on a bitmap the caller holds exclusively.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/search/roaring.h"

namespace contactd::search {

// Appends `rows` (ascending, unique, all in the chunk of 2^16 rows `key`, not empty) to `r` as
// one container: an array, or a bitset past 4096 rows. REQUIRES: `key` is above every chunk `r`
// holds.
void AppendChunk(roaring::Roaring* r, uint16_t key, std::span<const Row> rows);

// The bitmap of `rows` (ascending and unique), one container per chunk of 2^16 rows.
roaring::Roaring BitmapOfSorted(std::span<const Row> rows);

}  // namespace contactd::search
