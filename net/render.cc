#include "net/render.h"

#include "engine/attr_value.h"

namespace contactd::net {
namespace {

void WriteOptional(JsonWriter& w, std::string_view key, const std::optional<std::string>& v) {
  w.Key(key);
  if (v) {
    w.String(*v);
  } else {
    w.Null();
  }
}

void WriteValue(JsonWriter& w, const AttrValue& v) {
  struct Visitor {
    JsonWriter& w;
    void operator()(const std::string& s) const { w.String(s); }
    void operator()(int64_t i) const { w.Int(i); }
    void operator()(double d) const { w.Double(d); }
    void operator()(bool b) const { w.Bool(b); }
    void operator()(const DateTime& t) const { w.String(FormatIsoDate(t)); }
  };
  std::visit(Visitor{w}, v);
}

}  // namespace

void WriteContact(JsonWriter& w, const Schema& schema, const Contact& c) {
  w.BeginObject();
  w.Field("id", FormatContactId(c.id));
  w.Field("external_id", c.external_id);
  WriteOptional(w, "name", c.name);
  WriteOptional(w, "email", c.email);
  WriteOptional(w, "phonenumber", c.phonenumber);
  w.Key("stripe_accounts").BeginArray();
  for (const StripeAccount& a : c.stripe_accounts) {
    w.BeginObject().Field("label", a.label);
    WriteOptional(w, "stripe_id", a.stripe_id);
    WriteOptional(w, "stripe_email", a.stripe_email);
    w.EndObject();
  }
  w.EndArray();
  w.Key("custom_attributes").BeginObject();
  for (const AttrEntry& e : c.attrs) {
    const AttrDef* def = schema.Get(e.attr);
    if (def == nullptr) continue;  // not reached: attribute numbers are never reused
    w.Key(def->name);
    WriteValue(w, e.value);
  }
  w.EndObject();
  w.Field("created_at", c.created_at).Field("updated_at", c.updated_at);
  w.EndObject();
}

void WriteAttribute(JsonWriter& w, const AttrDef& def) {
  w.BeginObject()
      .Field("name", def.name)
      .Field("type", AttrTypeName(def.type))
      .Field("label", def.label)
      .Field("description", def.description)
      .Field("archived", def.archived)
      .Field("created_at", def.created_at)
      .EndObject();
}

void WriteChatbot(JsonWriter& w, const ChatbotInfo& c) {
  w.BeginObject().Field("id", c.id).Field("name", c.name).Key("default_country");
  if (c.default_country.empty()) {
    w.Null();
  } else {
    w.String(c.default_country);
  }
  w.Field("created_at", c.created_at).EndObject();
}

void WriteWorkspace(JsonWriter& w, const Workspace& ws) {
  w.BeginObject().Field("id", ws.id).Field("name", ws.name).Field("created_at", ws.created_at);
  w.EndObject();
}

void WriteApiKey(JsonWriter& w, const ApiKeyInfo& key) {
  w.BeginObject().Field("id", key.id).Field("name", key.name).Field("role", RoleName(key.role));
  w.Key("chatbot_id");
  if (key.chatbot_id.empty()) {
    w.Null();
  } else {
    w.String(key.chatbot_id);
  }
  w.Field("prefix", key.prefix).Field("created_at", key.created_at).EndObject();
}

HttpResponse Success(const std::function<void(JsonWriter&)>& write_data) {
  HttpResponse r;
  JsonWriter w(&r.body);
  w.BeginObject().Field("message", "Success").Key("data");
  write_data(w);
  w.EndObject();
  return r;
}

HttpResponse Deleted(std::string_view id) {
  return Success(
      [&](JsonWriter& w) { w.BeginObject().Field("id", id).Field("deleted", true).EndObject(); });
}

}  // namespace contactd::net
