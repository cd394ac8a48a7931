// Value encodings of the control-plane entities the RocksDB store persists: workspaces, chatbots,
// API keys and attribute definitions. (Contacts are stored as engine/record.h bytes.)
//
// The format is documented in entity_codec.cc. It is versioned and tagged like the contact record:
// fields added later get new tags and decoders skip tags they do not know. The numbers that make
// up an entity's key (workspace, chatbot, key or attribute number) live in the key only; decoders
// fill every other field and leave those untouched. An API key is stored as its digest, never its
// plaintext.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "engine/schema.h"
#include "engine/types.h"

namespace contactd::persist {

std::string EncodeWorkspace(const Workspace& ws);
std::string EncodeChatbot(const ChatbotInfo& chatbot);
std::string EncodeApiKey(const ApiKeyInfo& key);
std::string EncodeAttrDef(const AttrDef& def);

// Each decoder returns false when `value` is not a well-formed value of a known version (bad
// framing, a required field missing, an out-of-range enum); it never reads outside `value`.
bool DecodeWorkspace(std::string_view value, Workspace* out);
bool DecodeChatbot(std::string_view value, ChatbotInfo* out);
bool DecodeApiKey(std::string_view value, ApiKeyInfo* out);
bool DecodeAttrDef(std::string_view value, AttrDef* out);

}  // namespace contactd::persist
