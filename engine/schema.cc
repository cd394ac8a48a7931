#include "engine/schema.h"

#include <algorithm>
#include <array>

namespace contactd {
namespace {

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return out;
}

// Core fields, read-only fields and the fields the record is expected to grow (record.cc): an
// attribute may not take one of these names, in any case.
constexpr std::array<std::string_view, 22> kReservedNames = {
    "id",         "external_id", "name",       "email",           "phonenumber",
    "phone",      "created_at",  "updated_at", "stripe_accounts", "custom_attributes",
    "first_name", "middle_name", "last_name",  "company",         "address",
    "addresses",  "tags",        "metadata",   "verified_at",     "archived",
    "chatbot_id", "workspace_id"};

}  // namespace

Schema::Schema(std::vector<AttrDef> defs) : defs_(std::move(defs)) {
  for (size_t i = 0; i < defs_.size(); ++i) {
    by_name_[defs_[i].name] = i;
    by_lower_name_[AsciiLower(defs_[i].name)] = i;
  }
}

const AttrDef* Schema::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &defs_[it->second];
}

const AttrDef* Schema::FindIgnoringCase(std::string_view name) const {
  auto it = by_lower_name_.find(AsciiLower(name));
  return it == by_lower_name_.end() ? nullptr : &defs_[it->second];
}

const AttrDef* Schema::Get(AttrNo no) const {
  return no >= 1 && no <= defs_.size() ? &defs_[no - 1] : nullptr;
}

std::shared_ptr<const Schema> Schema::With(const AttrDef& def) const {
  std::vector<AttrDef> defs = defs_;
  if (def.no == NextNumber()) {
    defs.push_back(def);
  } else {
    defs.at(def.no - 1) = def;
  }
  return std::make_shared<const Schema>(std::move(defs));
}

std::string CheckAttributeName(std::string_view name) {
  if (name.empty()) return "Name is required";
  if (name.size() > 64) return "Name must be at most 64 characters";
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(name[0])) return "Name must start with a letter and use only letters, digits, _ and -";
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-') {
      return "Name must start with a letter and use only letters, digits, _ and -";
    }
  }
  const std::string lower = AsciiLower(name);
  for (std::string_view reserved : kReservedNames) {
    if (lower == reserved) return "Name '" + std::string(name) + "' is reserved for a core field";
  }
  return "";
}

}  // namespace contactd
