// The intent keys a contact write holds (engine/intents.h): one per external_id and one per
// case-folded email it changes. Internal to the engine's contact operations.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/hash/hash.h"
#include "engine/text.h"

namespace contactd {

inline uint64_t ExternalIdIntent(std::string_view external_id) {
  return absl::HashOf(uint8_t{1}, external_id);
}

inline uint64_t EmailIntent(std::string_view email) {
  return text::WithCaseFolded(email, [](std::string_view folded) {
    return static_cast<uint64_t>(absl::HashOf(uint8_t{2}, folded));
  });
}

}  // namespace contactd
