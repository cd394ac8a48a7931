// Roaring bitmaps built a container at a time: see roaring_build.h.
#include "engine/search/roaring_build.h"

namespace contactd::search {

static_assert(ROARING_VERSION_MAJOR == 0 && ROARING_VERSION_MINOR == 2,
              "roaring_build.cc uses CRoaring 0.2 internals: port AppendChunk");

void AppendChunk(roaring::Roaring* r, uint16_t key, std::span<const Row> rows) {
  const auto n = static_cast<int32_t>(rows.size());
  array_container_t* array = array_container_create_given_capacity(n);
  for (int32_t i = 0; i < n; ++i) array->array[i] = static_cast<uint16_t>(rows[i]);
  array->cardinality = n;
  roaring_array_t* ra = &r->roaring.high_low_container;
  if (n <= DEFAULT_MAX_SIZE) {
    ra_append(ra, key, array, ARRAY_CONTAINER_TYPE_CODE);
    return;
  }
  ra_append(ra, key, bitset_container_from_array(array), BITSET_CONTAINER_TYPE_CODE);
  array_container_free(array);
}

roaring::Roaring BitmapOfSorted(std::span<const Row> rows) {
  roaring::Roaring out;
  size_t first = 0;
  while (first < rows.size()) {
    const Row chunk = rows[first] >> 16;
    size_t end = first + 1;
    while (end < rows.size() && rows[end] >> 16 == chunk) ++end;
    AppendChunk(&out, static_cast<uint16_t>(chunk), rows.subspan(first, end - first));
    first = end;
  }
  return out;
}

}  // namespace contactd::search
