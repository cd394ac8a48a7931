// The crash loop's contact model; see tests/crash/contact_model.h.
#include "tests/crash/contact_model.h"

#include <cstdio>
#include <set>

namespace contactd::crash {
namespace {

using testing::Json;

template <typename T>
void ApplyChange(const Change<T>& change, std::optional<T>* field) {
  if (change) *field = *change;
}

std::string Show(int64_t v) { return std::to_string(v); }
std::string Show(const std::string& s) { return Quote(s); }
std::string Show(const std::optional<std::string>& s) { return s ? Quote(*s) : "null"; }

std::string Show(const std::vector<Stripe>& accounts) {
  std::string out = "[";
  for (const Stripe& a : accounts) {
    if (out.size() > 1) out += ",";
    out += "{" + Quote(a.label) + "," + Quote(a.stripe_id) + "," + Quote(a.stripe_email) + "}";
  }
  return out + "]";
}

std::string Show(const Attrs& a) {
  std::string out = "{batch:" + Quote(a.batch) + ",n:" + std::to_string(a.n);
  if (a.vip) out += std::string(",vip:") + (*a.vip ? "true" : "false");
  if (a.seen) out += ",seen:" + Quote(*a.seen);
  if (a.note) out += ",note:" + Quote(*a.note);
  return out + "}";
}

// Adds "what: expected X, got Y" to `out` when the two differ.
template <typename T>
void Compare(const char* what, const T& expected, const T& got, std::string* out) {
  if (expected == got) return;
  if (!out->empty()) *out += "; ";
  *out += std::string(what) + ": expected " + Show(expected) + ", got " + Show(got);
}

// A string or null member; false when it is neither.
bool ReadOptionalString(const Json& j, std::optional<std::string>* out) {
  if (j.is_null()) {
    out->reset();
    return true;
  }
  if (!j.is_string()) return false;
  *out = j.str();
  return true;
}

bool ReadAttrs(const Json& j, Attrs* out, std::string* error) {
  static const std::set<std::string> kKnown = {"batch", "n", "vip", "seen", "note"};
  for (const std::string& key : j.keys()) {
    if (kKnown.count(key) == 0) {
      *error = "unexpected custom attribute " + key;
      return false;
    }
  }
  if (!j["batch"].is_string() || !j["n"].is_number()) {
    *error = "custom_attributes lacks batch or n: " + j.dump();
    return false;
  }
  out->batch = j["batch"].str();
  out->n = j["n"].i64();
  if (j.has("vip")) {
    const std::string vip = j["vip"].dump();
    if (vip != "true" && vip != "false") {
      *error = "custom attribute vip is not a boolean: " + vip;
      return false;
    }
    out->vip = vip == "true";
  }
  if (j.has("seen")) out->seen = j["seen"].str();
  if (j.has("note")) out->note = j["note"].str();
  return true;
}

}  // namespace

Values Apply(const Values* before, const Write& w) {
  Values v = before != nullptr ? *before : Values{};
  ApplyChange(w.name, &v.name);
  ApplyChange(w.email, &v.email);
  ApplyChange(w.phone, &v.phone);
  if (w.stripe) v.stripe = w.stripe->value_or(std::vector<Stripe>{});
  v.attrs = w.attrs;
  return v;
}

std::string ItemJson(const Write& w, bool with_external_id) {
  std::string out = "{";
  auto member = [&](const char* key, const std::string& json) {
    if (out.size() > 1) out += ",";
    out += Quote(key) + ":" + json;
  };
  auto optional = [&](const char* key, const Change<std::string>& c) {
    if (c) member(key, *c ? Quote(**c) : "null");
  };
  if (with_external_id) member("external_id", Quote(w.external_id));
  optional("name", w.name);
  optional("email", w.email);
  optional("phonenumber", w.phone);
  if (w.stripe) {
    if (!*w.stripe) {
      member("stripe_accounts", "null");
    } else {
      std::string list = "[";
      for (const Stripe& a : **w.stripe) {
        if (list.size() > 1) list += ",";
        list += "{\"label\":" + Quote(a.label) + ",\"stripe_id\":" + Quote(a.stripe_id) +
                ",\"stripe_email\":" + Quote(a.stripe_email) + "}";
      }
      member("stripe_accounts", list + "]");
    }
  }
  const Attrs& a = w.attrs;
  std::string attrs = "{\"batch\":" + Quote(a.batch) + ",\"n\":" + std::to_string(a.n);
  if (a.vip) attrs += std::string(",\"vip\":") + (*a.vip ? "true" : "false");
  if (a.seen) attrs += ",\"seen\":" + Quote(*a.seen);
  if (a.note) attrs += ",\"note\":" + Quote(*a.note);
  member("custom_attributes", attrs + "}");
  return out + "}";
}

std::optional<Contact> ParseContact(const Json& j, std::string* error) {
  Contact c;
  if (!j["id"].is_string() || !j["external_id"].is_string() || !j["created_at"].is_number() ||
      !j["updated_at"].is_number()) {
    *error = "contact lacks id, external_id, created_at or updated_at: " + j.dump();
    return std::nullopt;
  }
  c.id = j["id"].str();
  c.external_id = j["external_id"].str();
  c.created_at = j["created_at"].i64();
  c.updated_at = j["updated_at"].i64();
  if (!ReadOptionalString(j["name"], &c.values.name) ||
      !ReadOptionalString(j["email"], &c.values.email) ||
      !ReadOptionalString(j["phonenumber"], &c.values.phone)) {
    *error = "name, email or phonenumber is not a string or null: " + j.dump();
    return std::nullopt;
  }
  const Json stripe = j["stripe_accounts"];
  for (size_t i = 0; i < stripe.size(); ++i) {
    const Json a = stripe[i];
    c.values.stripe.push_back({a["label"].str(), a["stripe_id"].str(), a["stripe_email"].str()});
  }
  if (!ReadAttrs(j["custom_attributes"], &c.values.attrs, error)) return std::nullopt;
  return c;
}

std::string DiffValues(const Values& expected, const Values& got) {
  std::string out;
  Compare("name", expected.name, got.name, &out);
  Compare("email", expected.email, got.email, &out);
  Compare("phonenumber", expected.phone, got.phone, &out);
  Compare("stripe_accounts", expected.stripe, got.stripe, &out);
  Compare("custom_attributes", expected.attrs, got.attrs, &out);
  return out;
}

std::string Diff(const Contact& expected, const Contact& got) {
  std::string out;
  Compare("id", expected.id, got.id, &out);
  Compare("external_id", expected.external_id, got.external_id, &out);
  Compare("created_at", expected.created_at, got.created_at, &out);
  Compare("updated_at", expected.updated_at, got.updated_at, &out);
  const std::string values = DiffValues(expected.values, got.values);
  if (!values.empty()) out += (out.empty() ? "" : "; ") + values;
  return out;
}

std::string Describe(const Contact& c) {
  const Values& v = c.values;
  return "{id:" + c.id + ",external_id:" + Quote(c.external_id) + ",name:" + Show(v.name) +
         ",email:" + Show(v.email) + ",phonenumber:" + Show(v.phone) +
         ",stripe_accounts:" + Show(v.stripe) + ",custom_attributes:" + Show(v.attrs) +
         ",created_at:" + std::to_string(c.created_at) +
         ",updated_at:" + std::to_string(c.updated_at) + "}";
}

uint64_t IdNumber(const std::string& id) {
  constexpr std::string_view kPrefix = "contact_";
  if (id.rfind(kPrefix, 0) != 0 || id.size() == kPrefix.size() || id.size() > kPrefix.size() + 19) {
    return 0;
  }
  uint64_t n = 0;
  for (size_t i = kPrefix.size(); i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return 0;
    n = n * 10 + static_cast<uint64_t>(id[i] - '0');
  }
  return n;
}

}  // namespace contactd::crash
