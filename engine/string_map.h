// StringMap: absl::flat_hash_map keyed by std::string that accepts std::string_view lookups.
// (Debian's abseil is built with its own string_view type, so the stock heterogeneous lookup
// does not take std::string_view.)
//
// Thread-safety: as absl::flat_hash_map.
#pragma once

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace contactd {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return absl::Hash<std::string_view>{}(s); }
};

struct StringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

template <typename V>
using StringMap = absl::flat_hash_map<std::string, V, StringHash, StringEq>;

}  // namespace contactd
