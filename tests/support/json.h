// Json: read-only access to a parsed JSON document for test assertions (simdjson underneath).
//
//   Json j(body);
//   EXPECT_EQ(j["data"][0]["email"].str(), "sam@acme.com");
//
// A missing key, a wrong index or a parse error yields an invalid Json whose accessors return
// empty values (str() == "", i64() == 0) and whose dump() says what went wrong, so assertions fail
// with a readable message instead of crashing.
//
// Thread-safety: immutable; copies share the parsed document.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace contactd::testing {

class Json {
 public:
  explicit Json(std::string_view text);

  bool valid() const { return ok_; }
  bool has(std::string_view key) const;
  Json operator[](std::string_view key) const;
  Json operator[](size_t index) const;
  Json operator[](int index) const { return (*this)[static_cast<size_t>(index)]; }

  bool is_null() const;
  bool is_string() const;
  bool is_number() const;
  std::string str() const;
  int64_t i64() const;
  double num() const;
  bool boolean() const;
  size_t size() const;  // members of an object or elements of an array
  std::vector<std::string> keys() const;
  std::string dump() const;  // minified JSON, or "<invalid: why>"

 private:
  struct Doc;
  Json(std::shared_ptr<Doc> doc, const void* element, std::string why);

  std::shared_ptr<Doc> doc_;
  std::shared_ptr<const void> element_;  // a simdjson::dom::element
  bool ok_ = false;
  std::string why_;
};

}  // namespace contactd::testing
