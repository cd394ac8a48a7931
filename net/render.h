// Rendering of engine objects as v1 JSON (api-contract.md sections 2-3), and the success
// envelope {"message": "Success", "data": ...}.
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <string>

#include "engine/contact.h"
#include "engine/schema.h"
#include "engine/types.h"
#include "net/http_types.h"
#include "net/json_writer.h"

namespace contactd::net {

void WriteContact(JsonWriter& w, const Schema& schema, const Contact& c);
void WriteAttribute(JsonWriter& w, const AttrDef& def);
void WriteChatbot(JsonWriter& w, const ChatbotInfo& c);
void WriteWorkspace(JsonWriter& w, const Workspace& ws);
// Without the secret: id, name, role, chatbot_id, prefix, created_at.
void WriteApiKey(JsonWriter& w, const ApiKeyInfo& key);

// 200 {"message":"Success","data": <what write_data writes>}.
HttpResponse Success(const std::function<void(JsonWriter&)>& write_data);
// 200 {"message":"Success","data":{"id": id, "deleted": true}}.
HttpResponse Deleted(std::string_view id);

}  // namespace contactd::net
