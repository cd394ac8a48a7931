// The roaring bitmap class under one spelling, and the row number the search indexes use.
//
// CRoaring 0.2.66 (Debian 12) declares its C++ class as ::Roaring; later releases declare
// roaring::Roaring. This alias gives the later spelling (a repeated identical alias is harmless).
//
// Thread-safety: declarations only.
#pragma once

#include <cstdint>

#include <roaring/roaring.hh>

namespace roaring {
using Roaring = ::Roaring;
}  // namespace roaring

namespace contactd::search {

using Row = uint32_t;

}  // namespace contactd::search
