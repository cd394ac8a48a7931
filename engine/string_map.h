// String hashing and StringMap: absl::flat_hash_map keyed by std::string that accepts
// std::string_view lookups.
//
// Debian's abseil is built with its own string_view type: absl::Hash<std::string_view> falls back
// to std::hash and differs from absl::Hash<std::string>, and the stock heterogeneous lookup does
// not take std::string_view. Every string hash in contactd therefore goes through HashBytes().
//
// Thread-safety: as absl::flat_hash_map.
#pragma once

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace contactd {

// abseil's hash of the bytes of `s`, the same whether `s` came from a std::string or a view.
inline size_t HashBytes(std::string_view s) {
  return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return HashBytes(s); }
};

struct StringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

template <typename V>
using StringMap = absl::flat_hash_map<std::string, V, StringHash, StringEq>;

}  // namespace contactd
