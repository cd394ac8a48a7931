// Contacts as CSV rows and stripe accounts as YAML (see contact_csv.h).
#include "engine/transfer/contact_csv.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>

#include "engine/attr_value.h"
#include "engine/transfer/csv_writer.h"

namespace contactd::transfer {
namespace {

constexpr std::string_view kCoreColumns[] = {"id",         "external_id", "name",
                                             "email",      "phonenumber", "stripe_accounts",
                                             "created_at", "updated_at"};

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

// A custom attribute's value as a cell's text: numbers as JSON writes them (shortest form that
// reads back exactly), booleans true/false, dates in ISO 8601.
void AppendValue(const AttrValue& value, std::string* out) {
  struct Visitor {
    std::string* out;
    void operator()(const std::string& s) const { AppendCsvField(s, out); }
    void operator()(int64_t i) const {
      std::string text;
      AppendInt(i, &text);
      AppendCsvField(text, out);
    }
    void operator()(double d) const {
      if (!std::isfinite(d)) return;  // as JSON: no value
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      AppendCsvField(std::string_view(buf, static_cast<size_t>(r.ptr - buf)), out);
    }
    void operator()(bool b) const { out->append(b ? "true" : "false"); }
    void operator()(const DateTime& t) const { AppendCsvField(FormatIsoDate(t), out); }
  };
  std::visit(Visitor{out}, value);
}

void AppendOptional(const std::optional<std::string>& v, std::string* out) {
  if (v) AppendCsvField(*v, out);
}

std::string StripeError(const std::string& detail) {
  return "stripe_accounts must be a YAML or JSON list of {label, stripe_id, stripe_email}: " +
         detail;
}

}  // namespace

std::string CsvHeader(const Schema& schema) {
  std::string out;
  bool first = true;
  for (std::string_view column : kCoreColumns) {
    if (!first) out.push_back(',');
    first = false;
    AppendCsvField(column, &out);
  }
  for (const AttrDef& def : schema.defs()) {
    out.push_back(',');
    AppendCsvField(def.name, &out);
  }
  out.append("\r\n");
  return out;
}

void AppendCsvRow(const Schema& schema, const Contact& contact, std::string* out) {
  AppendCsvField(FormatContactId(contact.id), out);
  out->push_back(',');
  AppendCsvField(contact.external_id, out);
  out->push_back(',');
  AppendOptional(contact.name, out);
  out->push_back(',');
  AppendOptional(contact.email, out);
  out->push_back(',');
  AppendOptional(contact.phonenumber, out);
  out->push_back(',');
  if (!contact.stripe_accounts.empty()) {
    AppendCsvField(StripeAccountsToYaml(contact.stripe_accounts), out);
  }
  out->push_back(',');
  AppendInt(contact.created_at, out);
  out->push_back(',');
  AppendInt(contact.updated_at, out);
  // contact.attrs and schema.defs() are both sorted by attribute number.
  auto it = contact.attrs.begin();
  for (const AttrDef& def : schema.defs()) {
    out->push_back(',');
    while (it != contact.attrs.end() && it->attr < def.no) ++it;
    if (it != contact.attrs.end() && it->attr == def.no) AppendValue(it->value, out);
  }
  out->append("\r\n");
}

std::string StripeAccountsToYaml(const std::vector<StripeAccount>& accounts) {
  if (accounts.empty()) return "";
  YAML::Emitter e;
  e << YAML::BeginSeq;
  for (const StripeAccount& a : accounts) {
    e << YAML::BeginMap << YAML::Key << "label" << YAML::Value << a.label;
    if (a.stripe_id) e << YAML::Key << "stripe_id" << YAML::Value << *a.stripe_id;
    if (a.stripe_email) e << YAML::Key << "stripe_email" << YAML::Value << *a.stripe_email;
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
  std::string out = e.c_str();
  out.push_back('\n');
  return out;
}

Result<std::vector<StripeAccount>> StripeAccountsFromYaml(std::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(StripeError("not valid YAML (" + e.msg + ")"));
  }
  std::vector<StripeAccount> accounts;
  if (root.IsNull()) return accounts;
  if (!root.IsSequence()) return InvalidArgument(StripeError("it is not a list"));
  for (const YAML::Node& item : root) {
    if (!item.IsMap()) return InvalidArgument(StripeError("an item is not a map"));
    StripeAccount account;
    for (const auto& kv : item) {
      if (!kv.first.IsScalar()) return InvalidArgument(StripeError("a key is not a string"));
      const std::string key = kv.first.Scalar();
      std::optional<std::string> value;
      if (kv.second.IsScalar()) {
        value = kv.second.Scalar();
      } else if (!kv.second.IsNull()) {
        return InvalidArgument(StripeError("the value of '" + key + "' is not a string"));
      }
      if (key == "label") {
        account.label = value.value_or("");
      } else if (key == "stripe_id") {
        account.stripe_id = std::move(value);
      } else if (key == "stripe_email") {
        account.stripe_email = std::move(value);
      } else {
        return InvalidArgument(StripeError("unknown key '" + key + "'"));
      }
    }
    accounts.push_back(std::move(account));
  }
  return accounts;
}

}  // namespace contactd::transfer
