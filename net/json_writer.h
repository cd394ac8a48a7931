// JsonWriter: appends JSON to a string. Handles commas and string escaping; callers write
// structure in order (Key() before each object member's value).
//
// Strings are escaped per RFC 8259: quote, backslash and control characters; everything else,
// including non-ASCII UTF-8, is copied as is. Bytes that are not valid UTF-8 (a CSV header in
// another encoding, echoed in an import report) become U+FFFD, so the output is always valid
// JSON. Doubles use the shortest representation that reads back exactly.
//
// Thread-safety: a value type used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace contactd::net {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Uint(uint64_t v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // Writes `json` (already valid JSON) as one value.
  JsonWriter& Raw(std::string_view json);

  // Convenience: Key(k) then the value.
  JsonWriter& Field(std::string_view k, std::string_view v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, const char* v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, int64_t v) { return Key(k).Int(v); }
  JsonWriter& Field(std::string_view k, bool v) { return Key(k).Bool(v); }

 private:
  void Separate();

  std::string* out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// Appends `s` as a quoted, escaped JSON string.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace contactd::net
