// The intent keys a contact write holds (engine/intents.h): one per external_id and one per
// case-folded email it changes. Internal to the engine's contact operations.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/hash/hash.h"
#include "engine/string_map.h"

namespace contactd {

inline uint64_t ExternalIdIntent(std::string_view external_id) {
  return absl::HashOf(uint8_t{1}, HashBytes(external_id));
}

// REQUIRES: `folded` is the case-folded email.
inline uint64_t EmailIntent(std::string_view folded) {
  return absl::HashOf(uint8_t{2}, HashBytes(folded));
}

}  // namespace contactd
