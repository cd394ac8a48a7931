// Whether this test binary was built with a sanitizer that changes memory figures. ASan keeps freed
// blocks in a quarantine (up to 256 MiB) and TSan/MSan shadow every byte, so a bound on resident
// memory is meaningless in those builds; tests skip such bounds there (the Release suite checks
// them) and keep everything else. The contactd a black-box test starts comes from the same build.
//
// Thread-safety: constants.
#pragma once

namespace contactd::testing {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kMemoryFiguresMeaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
inline constexpr bool kMemoryFiguresMeaningful = false;
#else
inline constexpr bool kMemoryFiguresMeaningful = true;
#endif
#else
inline constexpr bool kMemoryFiguresMeaningful = true;
#endif

}  // namespace contactd::testing
