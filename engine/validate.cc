#include "engine/validate.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "engine/attr_value.h"
#include "engine/text.h"

namespace contactd {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool IsHighByte(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// The order of a contact's attribute values (engine/contact.h).
bool ByAttr(const AttrEntry& a, const AttrEntry& b) { return a.attr < b.attr; }

// Which bytes an email's local part and domain labels may hold, by byte (a table: every write
// checks its emails byte by byte).
constexpr uint8_t kLocalByte = 1;   // letters, digits, UTF-8 bytes and !#$%&'*+/=?^_`{|}~.-
constexpr uint8_t kDomainByte = 2;  // letters, digits, UTF-8 bytes and -
constexpr std::array<uint8_t, 256> kEmailBytes = [] {
  std::array<uint8_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    if (IsAlnum(c) || IsHighByte(c)) t[b] = kLocalByte | kDomainByte;
  }
  for (char c : std::string_view("!#$%&'*+/=?^_`{|}~.-"))
    t[static_cast<unsigned char>(c)] |= kLocalByte;
  t['-'] |= kDomainByte;
  return t;
}();
bool EmailByteIs(char c, uint8_t kind) {
  return (kEmailBytes[static_cast<unsigned char>(c)] & kind) != 0;
}

std::string CheckText(std::string_view s, size_t max_bytes) { return CheckPlainText(s, max_bytes); }

bool CheckLocalPart(std::string_view local) {
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') {
    return false;
  }
  char prev = 0;
  for (char c : local) {
    if ((c == '.' && prev == '.') || !EmailByteIs(c, kLocalByte)) return false;
    prev = c;
  }
  return true;
}

bool CheckDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  size_t labels = 0;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!EmailByteIs(c, kDomainByte)) return false;
    }
    ++labels;
    start = end + 1;
  }
  return labels >= 2;
}

std::string CheckName(std::string_view s) { return CheckText(s, kMaxNameBytes); }

void CheckStripe(const std::vector<StripeAccount>& accounts, const std::string& field,
                 std::vector<Issue>* issues) {
  if (accounts.size() > kMaxStripeAccounts) {
    issues->push_back({field, "At most " + std::to_string(kMaxStripeAccounts) + " accounts"});
    return;
  }
  for (size_t i = 0; i < accounts.size(); ++i) {
    const StripeAccount& a = accounts[i];
    const std::string at = field + "[" + std::to_string(i) + "]";
    if (a.label.empty()) {
      issues->push_back({at + ".label", "Required"});
    } else if (auto p = CheckText(a.label, 200); !p.empty()) {
      issues->push_back({at + ".label", p});
    }
    if (!a.stripe_id && !a.stripe_email) {
      issues->push_back({at, "Needs a stripe_id or a stripe_email"});
    }
    if (a.stripe_id) {
      if (a.stripe_id->empty()) {
        issues->push_back({at + ".stripe_id", "Must not be empty"});
      } else if (auto p = CheckText(*a.stripe_id, 255); !p.empty()) {
        issues->push_back({at + ".stripe_id", p});
      }
    }
    if (a.stripe_email) {
      if (auto p = CheckEmail(*a.stripe_email); !p.empty()) {
        issues->push_back({at + ".stripe_email", p});
      }
    }
  }
}

// Joins a field path; only called when there is an issue to report.
std::string Path(std::string_view prefix, std::string_view field) {
  std::string out(prefix);
  out += field;
  return out;
}

void CheckAttrs(const Schema& schema,
                const FieldPatch<std::vector<std::pair<std::string, RawValue>>>& in,
                std::string_view prefix, std::vector<Issue>* issues, ContactChange* out) {
  if (in.absent()) return;
  if (in.is_null()) {
    out->attrs.SetNull();
    return;
  }
  std::vector<AttrEntry> set;
  set.reserve(in.value.size());
  for (const auto& [key, raw] : in.value) {
    auto at = [&, &key = key] { return Path(prefix, "custom_attributes." + key); };
    const AttrDef* def = schema.Find(key);
    if (def == nullptr) {
      issues->push_back({at(), "Unknown custom attribute; define it first"});
      continue;
    }
    if (raw.kind == RawValue::Kind::kNull) {
      out->attrs_cleared.push_back(def->no);
      continue;
    }
    if (def->archived) {
      issues->push_back({at(), "Attribute is archived; only null is accepted"});
      continue;
    }
    AttrValueOrError v = ToAttrValue(def->type, raw);
    if (!v.value) {
      issues->push_back({at(), std::move(v.error)});
      continue;
    }
    set.push_back({def->no, std::move(*v.value)});
  }
  if (!std::is_sorted(set.begin(), set.end(), ByAttr)) std::sort(set.begin(), set.end(), ByAttr);
  std::sort(out->attrs_cleared.begin(), out->attrs_cleared.end());
  // A record holds at most one value per attribute: a key given twice (set twice, cleared twice,
  // or both) is rejected. Both lists are sorted, so a merge finds every repeat.
  const std::vector<AttrNo>& cleared = out->attrs_cleared;
  AttrNo last = 0;
  bool reported = false;
  for (size_t a = 0, c = 0; a < set.size() || c < cleared.size();) {
    const bool take_set = c == cleared.size() || (a < set.size() && set[a].attr <= cleared[c]);
    const AttrNo no = take_set ? set[a++].attr : cleared[c++];
    if (no == last && !reported) {
      issues->push_back(
          {Path(prefix, "custom_attributes." + schema.Get(no)->name), "Duplicate key"});
      reported = true;
    } else if (no != last) {
      reported = false;
    }
    last = no;
  }
  out->attrs.Set(std::move(set));
}

// Validates one optional text field, copying it into `out` when valid.
void CheckOptional(FieldPatch<std::string>&& in, std::string_view prefix, std::string_view field,
                   std::string (*check)(std::string_view), std::vector<Issue>* issues,
                   FieldPatch<std::string>* out) {
  if (in.is_set()) {
    if (auto problem = check(in.value); !problem.empty()) {
      issues->push_back({Path(prefix, field), std::move(problem)});
      return;
    }
  }
  *out = std::move(in);
}

// Sorts `attrs` by attr, given that [0, mid) and [mid, end) are each sorted already (a change's
// entries, then those kept from the stored contact). Usually one run is empty: then nothing moves
// (std::sort moved every entry, value and all, even in order: 2% of an import's CPU).
void MergeSortedRuns(std::vector<AttrEntry>* attrs, size_t mid) {
  const auto middle = attrs->begin() + static_cast<ptrdiff_t>(mid);
  if (middle == attrs->begin() || middle == attrs->end()) return;
  std::inplace_merge(attrs->begin(), middle, attrs->end(), ByAttr);
}

}  // namespace

std::string CheckPlainText(std::string_view s, size_t max_bytes, bool multiline) {
  if (s.size() > max_bytes) return "Must be at most " + std::to_string(max_bytes) + " bytes";
  if (text::IsPrintableAscii(s)) return "";  // the common case, checked 8 bytes at a time
  if (!text::IsValidUtf8(s)) return "Must be valid UTF-8";
  if (text::HasControlChars(s, multiline)) return "Must not contain control characters";
  return "";
}

std::string CheckPublicId(std::string_view s) {
  const bool ok = !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return IsAlnum(c) || c == '_' || c == '-';
  });
  return ok ? "" : "Must be 1-64 characters of A-Z, a-z, 0-9, _ and -";
}

std::string CheckExternalId(std::string_view s) {
  if (s.empty()) return "Must not be empty";
  return CheckText(s, kMaxExternalIdBytes);
}

std::string CheckEmail(std::string_view s) {
  if (auto p = CheckText(s, kMaxEmailBytes); !p.empty()) return p;
  const size_t at = s.rfind('@');
  if (at == std::string_view::npos || !CheckLocalPart(s.substr(0, at)) ||
      !CheckDomain(s.substr(at + 1))) {
    return "Invalid email";
  }
  return "";
}

std::string CheckPhone(std::string_view s) {
  if (s.size() > kMaxPhoneBytes) return "Must be at most 64 bytes";
  const std::string_view kInvalid =
      "Invalid phone number: use 3-20 digits, an optional leading +, and spaces . - / ( ) between";
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  if (i < s.size() && s[i] == '+') ++i;
  size_t digits = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      ++digits;
    } else if (c == ' ' || c == '.' || c == '-' || c == '/' || c == '(' || c == ')') {
      continue;
    } else {
      break;
    }
  }
  if (digits < 3 || digits > 20) return std::string(kInvalid);
  if (i == s.size()) return "";
  // An extension: "x123", "ext. 123", "#123", possibly after spaces (already consumed).
  std::string_view rest = s.substr(i);
  for (std::string_view marker : {"ext.", "ext", "x", "#"}) {
    if (rest.size() > marker.size() && rest.substr(0, marker.size()) == marker) {
      rest.remove_prefix(marker.size());
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      const bool all_digits =
          !rest.empty() && rest.size() <= 10 && std::all_of(rest.begin(), rest.end(), IsDigit);
      return all_digits ? "" : std::string(kInvalid);
    }
  }
  return std::string(kInvalid);
}

void ValidateContactInput(const Schema& schema, ContactInput in, std::string_view prefix,
                          std::vector<Issue>* issues, ContactChange* out) {
  const size_t before = issues->size();
  if (in.external_id.is_null()) {
    issues->push_back({Path(prefix, "external_id"), "Must not be null"});
  } else {
    CheckOptional(std::move(in.external_id), prefix, "external_id", &CheckExternalId, issues,
                  &out->external_id);
  }
  CheckOptional(std::move(in.name), prefix, "name", &CheckName, issues, &out->name);
  CheckOptional(std::move(in.email), prefix, "email", &CheckEmail, issues, &out->email);
  CheckOptional(std::move(in.phonenumber), prefix, "phonenumber", &CheckPhone, issues,
                &out->phonenumber);
  if (in.stripe_accounts.is_set()) {
    const size_t n = issues->size();
    CheckStripe(in.stripe_accounts.value, Path(prefix, "stripe_accounts"), issues);
    if (issues->size() == n) out->stripe_accounts = std::move(in.stripe_accounts);
  } else {
    out->stripe_accounts = std::move(in.stripe_accounts);  // absent, or null (clear)
  }
  CheckAttrs(schema, in.custom_attributes, prefix, issues, out);
  out->merge_attrs = in.merge_custom_attributes;
  if (issues->size() != before) *out = ContactChange{};
}

Contact ApplyChange(const Schema& schema, Contact base, ContactChange change) {
  Contact c = std::move(base);
  if (change.external_id.is_set()) c.external_id = std::move(change.external_id.value);
  auto apply = [](FieldPatch<std::string>& f, std::optional<std::string>* dst) {
    if (f.is_set()) *dst = std::move(f.value);
    if (f.is_null()) dst->reset();
  };
  apply(change.name, &c.name);
  apply(change.email, &c.email);
  apply(change.phonenumber, &c.phonenumber);
  if (!change.stripe_accounts.absent()) c.stripe_accounts = std::move(change.stripe_accounts.value);
  if (change.attrs.is_set() && change.merge_attrs) {
    std::vector<AttrEntry> next = std::move(change.attrs.value);  // sorted
    const auto& cleared = change.attrs_cleared;                   // sorted
    const size_t set_count = next.size();
    auto is_set = [&](AttrNo no) {
      auto end = next.begin() + static_cast<ptrdiff_t>(set_count);
      auto it = std::lower_bound(next.begin(), end, no,
                                 [](const AttrEntry& e, AttrNo n) { return e.attr < n; });
      return it != end && it->attr == no;
    };
    for (const AttrEntry& e : c.attrs) {
      if (!is_set(e.attr) && !std::binary_search(cleared.begin(), cleared.end(), e.attr)) {
        next.push_back(e);
      }
    }
    MergeSortedRuns(&next, set_count);
    c.attrs = std::move(next);
  } else if (!change.attrs.absent()) {
    std::vector<AttrEntry> next = std::move(change.attrs.value);  // empty when null
    const auto& cleared = change.attrs_cleared;                   // sorted
    const size_t set_count = next.size();
    for (const AttrEntry& e : c.attrs) {
      const AttrDef* def = schema.Get(e.attr);
      if (def != nullptr && def->archived &&
          !std::binary_search(cleared.begin(), cleared.end(), e.attr)) {
        next.push_back(e);
      }
    }
    MergeSortedRuns(&next, set_count);
    c.attrs = std::move(next);
  }
  return c;
}

}  // namespace contactd
