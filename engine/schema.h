// A chatbot's custom-attribute definitions.
//
// A Schema is an immutable snapshot: changing a definition builds a new Schema and swaps it in, so
// a reader holding a snapshot (to validate a write or render a contact) never sees it change.
// Attributes are numbered from 1 in definition order; a number is never reused (there is no
// delete, only archive).
//
// Thread-safety: immutable after construction; share it as std::shared_ptr<const Schema>.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/contact.h"
#include "engine/string_map.h"

namespace contactd {

struct AttrDef {
  AttrNo no = 0;
  std::string name;
  AttrType type = AttrType::kText;
  std::string label;
  std::string description;
  bool archived = false;
  int64_t created_at = 0;

  friend bool operator==(const AttrDef&, const AttrDef&) = default;
};

inline constexpr size_t kMaxAttributesPerChatbot = 1000;

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<AttrDef> defs);

  // Definitions in definition order (ascending number).
  const std::vector<AttrDef>& defs() const { return defs_; }
  const AttrDef* Find(std::string_view name) const;
  // Finds a definition whose name equals `name` ignoring ASCII case.
  const AttrDef* FindIgnoringCase(std::string_view name) const;
  const AttrDef* Get(AttrNo no) const;

  // A new schema with `def` added (def.no must be NextNumber()) or replaced (same number).
  std::shared_ptr<const Schema> With(const AttrDef& def) const;
  AttrNo NextNumber() const { return static_cast<AttrNo>(defs_.size() + 1); }

 private:
  std::vector<AttrDef> defs_;  // defs_[no - 1]
  StringMap<size_t> by_name_;
  StringMap<size_t> by_lower_name_;
};

// Checks a new attribute's name: ^[a-zA-Z][a-zA-Z0-9_-]*$, at most 64 characters, not a core field
// name. Returns the problem, or an empty string.
std::string CheckAttributeName(std::string_view name);

}  // namespace contactd
