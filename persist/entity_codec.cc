// Entity value format, version 1.
//
//   value  := version:u8(=1) field*
//   field  := tag:u8 length:varint payload[length]        (fields in strictly ascending tag order)
//
// Payload kinds:  bytes = the raw bytes;  svarint = one zigzag varint filling the payload;
//                 varint = one varint filling the payload;  u8 = exactly one byte.
//
// Tags per entity (persisted; do not change or reuse). "required" fields must be present; others
// are absent when empty (or zero) and decode to their default.
//
//   Workspace     1 id:bytes (required)   2 name:bytes   3 created_at:svarint
//   ChatbotInfo   1 id:bytes (required)   2 name:bytes   3 created_at:svarint
//                 4 default_country:bytes (ISO 3166-1 alpha-2; absent when none)
//   ApiKeyInfo    1 id:bytes (required)   2 name:bytes   3 role:u8 (required; engine/types.h Role)
//                 4 chatbot:varint (u32; absent when 0 = unscoped)   5 chatbot_id:bytes
//                 6 prefix:bytes   7 digest:bytes (required; exactly 32, SHA-256 of the key)
//                 8 created_at:svarint
//   AttrDef       1 name:bytes (required)   2 type:u8 (required; engine/contact.h AttrType)
//                 3 label:bytes   4 description:bytes   5 archived:u8 (0 or 1)
//                 6 created_at:svarint
//
// Decoders skip tags they do not know (fields added by a later version) and reject an unknown
// version byte, a repeated or descending tag, a payload of the wrong kind and a missing required
// field.
#include "persist/entity_codec.h"

#include <cstdint>
#include <cstring>

#include "engine/coding.h"

namespace contactd::persist {
namespace {

constexpr uint8_t kVersion = 1;

// Tags (persisted; do not change or reuse).
enum WorkspaceTag : uint8_t { kWsId = 1, kWsName = 2, kWsCreatedAt = 3 };
enum ChatbotTag : uint8_t { kCbId = 1, kCbName = 2, kCbCreatedAt = 3, kCbDefaultCountry = 4 };
enum ApiKeyTag : uint8_t {
  kKeyId = 1,
  kKeyName = 2,
  kKeyRole = 3,
  kKeyChatbot = 4,
  kKeyChatbotId = 5,
  kKeyPrefix = 6,
  kKeyDigest = 7,
  kKeyCreatedAt = 8,
};
enum AttrTag : uint8_t {
  kAttrName = 1,
  kAttrType = 2,
  kAttrLabel = 3,
  kAttrDescription = 4,
  kAttrArchived = 5,
  kAttrCreatedAt = 6,
};

// Builds a value field by field.
class Writer {
 public:
  Writer() { out_.push_back(static_cast<char>(kVersion)); }

  void Bytes(uint8_t tag, std::string_view s) {
    out_.push_back(static_cast<char>(tag));
    coding::PutLengthPrefixed(&out_, s);
  }
  void BytesIfAny(uint8_t tag, std::string_view s) {
    if (!s.empty()) Bytes(tag, s);
  }
  void Varint(uint8_t tag, uint64_t v) {
    std::string p;
    coding::PutVarint(&p, v);
    Bytes(tag, p);
  }
  void Signed(uint8_t tag, int64_t v) { Varint(tag, coding::ZigZag(v)); }
  void Byte(uint8_t tag, uint8_t v) {
    Bytes(tag, std::string_view(reinterpret_cast<char*>(&v), 1));
  }

  std::string Finish() { return std::move(out_); }

 private:
  std::string out_;
};

// Walks a value's fields: checks the version, then yields (tag, payload) in ascending tag order.
class FieldReader {
 public:
  explicit FieldReader(std::string_view value) : r_(value) {
    uint8_t version;
    ok_ = r_.Byte(&version) && version == kVersion;
  }

  // Returns true with the next field, or false at the end or on bad framing (see ok()).
  bool Next(uint8_t* tag, std::string_view* payload) {
    if (!ok_ || r_.empty()) return false;
    if (!r_.Byte(tag) || *tag <= last_tag_ || !r_.LengthPrefixed(payload)) {
      ok_ = false;
      return false;
    }
    last_tag_ = *tag;
    return true;
  }
  bool ok() const { return ok_; }

 private:
  coding::Reader r_;
  bool ok_ = false;
  int last_tag_ = 0;
};

bool ParseVarint(std::string_view payload, uint64_t* out) {
  coding::Reader r(payload);
  return r.Varint(out) && r.empty();
}

bool ParseSigned(std::string_view payload, int64_t* out) {
  coding::Reader r(payload);
  return r.SignedVarint(out) && r.empty();
}

bool ParseByte(std::string_view payload, uint8_t* out) {
  if (payload.size() != 1) return false;
  *out = static_cast<uint8_t>(payload[0]);
  return true;
}

}  // namespace

std::string EncodeWorkspace(const Workspace& ws) {
  Writer w;
  w.Bytes(kWsId, ws.id);
  w.BytesIfAny(kWsName, ws.name);
  w.Signed(kWsCreatedAt, ws.created_at);
  return w.Finish();
}

bool DecodeWorkspace(std::string_view value, Workspace* out) {
  FieldReader r(value);
  Workspace ws;
  ws.no = out->no;
  bool has_id = false;
  uint8_t tag;
  std::string_view p;
  while (r.Next(&tag, &p)) {
    switch (tag) {
      case kWsId:
        ws.id = std::string(p);
        has_id = true;
        break;
      case kWsName:
        ws.name = std::string(p);
        break;
      case kWsCreatedAt:
        if (!ParseSigned(p, &ws.created_at)) return false;
        break;
      default:
        break;  // a field added by a later version: skipped
    }
  }
  if (!r.ok() || !has_id) return false;
  *out = std::move(ws);
  return true;
}

std::string EncodeChatbot(const ChatbotInfo& chatbot) {
  Writer w;
  w.Bytes(kCbId, chatbot.id);
  w.BytesIfAny(kCbName, chatbot.name);
  w.Signed(kCbCreatedAt, chatbot.created_at);
  w.BytesIfAny(kCbDefaultCountry, chatbot.default_country);
  return w.Finish();
}

bool DecodeChatbot(std::string_view value, ChatbotInfo* out) {
  FieldReader r(value);
  ChatbotInfo cb;
  cb.workspace = out->workspace;
  cb.no = out->no;
  bool has_id = false;
  uint8_t tag;
  std::string_view p;
  while (r.Next(&tag, &p)) {
    switch (tag) {
      case kCbId:
        cb.id = std::string(p);
        has_id = true;
        break;
      case kCbName:
        cb.name = std::string(p);
        break;
      case kCbCreatedAt:
        if (!ParseSigned(p, &cb.created_at)) return false;
        break;
      case kCbDefaultCountry:
        cb.default_country = std::string(p);
        break;
      default:
        break;  // a field added by a later version: skipped
    }
  }
  if (!r.ok() || !has_id) return false;
  *out = std::move(cb);
  return true;
}

std::string EncodeApiKey(const ApiKeyInfo& key) {
  Writer w;
  w.Bytes(kKeyId, key.id);
  w.BytesIfAny(kKeyName, key.name);
  w.Byte(kKeyRole, static_cast<uint8_t>(key.role));
  if (key.chatbot != 0) w.Varint(kKeyChatbot, key.chatbot);
  w.BytesIfAny(kKeyChatbotId, key.chatbot_id);
  w.BytesIfAny(kKeyPrefix, key.prefix);
  w.Bytes(kKeyDigest,
          std::string_view(reinterpret_cast<const char*>(key.digest.data()), key.digest.size()));
  w.Signed(kKeyCreatedAt, key.created_at);
  return w.Finish();
}

bool DecodeApiKey(std::string_view value, ApiKeyInfo* out) {
  FieldReader r(value);
  ApiKeyInfo key;
  key.workspace = out->workspace;
  key.no = out->no;
  bool has_id = false, has_role = false, has_digest = false;
  uint8_t tag;
  std::string_view p;
  while (r.Next(&tag, &p)) {
    switch (tag) {
      case kKeyId:
        key.id = std::string(p);
        has_id = true;
        break;
      case kKeyName:
        key.name = std::string(p);
        break;
      case kKeyRole: {
        uint8_t role;
        if (!ParseByte(p, &role) || role < static_cast<uint8_t>(Role::kMember) ||
            role > static_cast<uint8_t>(Role::kOperator)) {
          return false;
        }
        key.role = static_cast<Role>(role);
        has_role = true;
        break;
      }
      case kKeyChatbot: {
        uint64_t chatbot;
        if (!ParseVarint(p, &chatbot) || chatbot > UINT32_MAX) return false;
        key.chatbot = static_cast<ChatbotNo>(chatbot);
        break;
      }
      case kKeyChatbotId:
        key.chatbot_id = std::string(p);
        break;
      case kKeyPrefix:
        key.prefix = std::string(p);
        break;
      case kKeyDigest:
        if (p.size() != key.digest.size()) return false;
        std::memcpy(key.digest.data(), p.data(), p.size());
        has_digest = true;
        break;
      case kKeyCreatedAt:
        if (!ParseSigned(p, &key.created_at)) return false;
        break;
      default:
        break;  // a field added by a later version: skipped
    }
  }
  if (!r.ok() || !has_id || !has_role || !has_digest) return false;
  *out = std::move(key);
  return true;
}

std::string EncodeAttrDef(const AttrDef& def) {
  Writer w;
  w.Bytes(kAttrName, def.name);
  w.Byte(kAttrType, static_cast<uint8_t>(def.type));
  w.BytesIfAny(kAttrLabel, def.label);
  w.BytesIfAny(kAttrDescription, def.description);
  if (def.archived) w.Byte(kAttrArchived, 1);
  w.Signed(kAttrCreatedAt, def.created_at);
  return w.Finish();
}

bool DecodeAttrDef(std::string_view value, AttrDef* out) {
  FieldReader r(value);
  AttrDef def;
  def.no = out->no;
  bool has_name = false, has_type = false;
  uint8_t tag;
  std::string_view p;
  while (r.Next(&tag, &p)) {
    switch (tag) {
      case kAttrName:
        def.name = std::string(p);
        has_name = true;
        break;
      case kAttrType: {
        uint8_t type;
        if (!ParseByte(p, &type) || type < static_cast<uint8_t>(AttrType::kText) ||
            type > static_cast<uint8_t>(AttrType::kDate)) {
          return false;
        }
        def.type = static_cast<AttrType>(type);
        has_type = true;
        break;
      }
      case kAttrLabel:
        def.label = std::string(p);
        break;
      case kAttrDescription:
        def.description = std::string(p);
        break;
      case kAttrArchived: {
        uint8_t archived;
        if (!ParseByte(p, &archived) || archived > 1) return false;
        def.archived = archived == 1;
        break;
      }
      case kAttrCreatedAt:
        if (!ParseSigned(p, &def.created_at)) return false;
        break;
      default:
        break;  // a field added by a later version: skipped
    }
  }
  if (!r.ok() || !has_name || !has_type) return false;
  *out = std::move(def);
  return true;
}

}  // namespace contactd::persist
