// Helpers for the request-body decoders (internal to net/): parsing with simdjson, typed views,
// issue paths, duplicate-key detection and raw values.
//
// Thread-safety: each thread parses with its own parser; elements stay valid until that thread
// parses again.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/contact.h"
#include "engine/status.h"
#include "engine/string_map.h"

namespace contactd::net::json {

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* TypeName(element_type t);
// Typed views of an element whose type the caller has checked.
simdjson::dom::array AsArray(element v);
simdjson::dom::object AsObject(element v);
// "Expected <want>, received <type of v>".
std::string Expected(const char* want, element v);
// "a.b" and "a[3]" paths for issues.
std::string Join(std::string_view path, std::string_view key);
std::string Index(std::string_view path, size_t i);
// Parses `body`; the element stays valid until this thread parses again.
Result<element> Parse(std::string_view body);
// As Parse, for a body that must be a JSON object.
Result<element> ParseRootObject(std::string_view body);
// For control-plane bodies: a string member (null means absent when `nullable`).
void ReadOptional(element v, const std::string& field, bool nullable, std::vector<Issue>* issues,
                  std::optional<std::string>* out);
// A JSON value as the engine's RawValue.
RawValue ToRaw(element v);

// Calls f(key, value) for each member of `obj`, reporting duplicate keys as issues. Small objects
// (the usual contact) are checked for duplicates without allocating.
template <typename F>
void ForEachMember(simdjson::dom::object obj, std::string_view path, std::vector<Issue>* issues,
                   F&& f) {
  constexpr size_t kSmall = 16;
  std::string_view small[kSmall];
  size_t n = 0;
  absl::flat_hash_set<std::string_view, StringHash, StringEq> seen;
  for (auto [key, value] : obj) {
    bool duplicate;
    if (n < kSmall) {
      duplicate = std::find(small, small + n, key) != small + n;
      if (!duplicate) small[n++] = key;
    } else {
      if (seen.empty()) seen.insert(small, small + n);
      duplicate = !seen.insert(key).second;
    }
    if (duplicate) {
      issues->push_back({Join(path, key), "Duplicate key"});
      continue;
    }
    f(key, value);
  }
}

}  // namespace contactd::net::json
