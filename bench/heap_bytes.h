// HeapBytesInUse(): the bytes the process has allocated from glibc malloc and not freed, as the
// benchmarks' memory figures count them.
//
// mallinfo2().uordblks alone leaves out blocks that malloc maps on their own (hblkhd): every
// allocation over the mmap threshold (128 KiB, raised as such blocks are freed), such as a large
// vector or text buffer of an index. Counting both keeps a large buffer from dropping out of the
// figure or coming back into it with the threshold.
//
// Thread-safety: safe to call from any thread (mallinfo2 locks the arenas).
#pragma once

#include <malloc.h>

#include <cstddef>

namespace contactd::bench {

inline size_t HeapBytesInUse() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

}  // namespace contactd::bench
