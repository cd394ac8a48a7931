// Request body decoding: JSON (parsed with simdjson) into engine inputs.
//
// Decoders check JSON shape and types and collect one Issue per problem (field paths like
// "users[3].email"); value rules (formats, lengths, attribute types) are the engine's. Unknown
// keys are rejected, except the read-only contact fields a client may echo back from a response
// (`id`, `created_at`, `updated_at`), which are ignored and never bound. Duplicate keys in an
// object are rejected. A body that is not JSON at all is a Status with a clear message.
//
// Thread-safety: all functions are safe to call concurrently (each thread has its own parser).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/contact.h"
#include "engine/engine.h"
#include "engine/status.h"

namespace contactd::net {

struct DecodedBatch {
  std::string array_name;  // "users" or "contacts": the prefix of issue paths
  std::vector<ContactInput> items;
  std::vector<Issue> issues;  // JSON shape and type problems, with full paths
};

// POST /contacts: {"users": [...]} or {"contacts": [...]}. Returns an error status when the body
// is not JSON, has no such array, the array is empty, or holds more than kMaxBatch items.
Result<DecodedBatch> DecodeUpsertBody(std::string_view body);

struct DecodedPatch {
  ContactInput patch;
  std::vector<Issue> issues;
};

// PATCH /contacts/{id}: {"data": {...}} or the bare object.
Result<DecodedPatch> DecodePatchBody(std::string_view body);

// One contact object of a JSON or JSONL import, decoded exactly as an upsert item: shape and type
// problems go to *issues with paths relative to the item ("email", "custom_attributes.ltv"). A
// `text` that is not JSON is one issue on field "" (the row cannot be read).
void DecodeContactItem(std::string_view text, ContactInput* out, std::vector<Issue>* issues);

// Control-plane and attribute bodies. JSON type problems are returned as a 400 status.
Result<AttributeInput> DecodeAttributeBody(std::string_view body);
// POST /chatbots: {"id"?, "name"?, "default_country"?: "GB" | null}.
Result<ChatbotInput> DecodeChatbotBody(std::string_view body);
// PATCH /chatbots/{id}: {"name"?, "default_country"?: "GB" | null}; "id" cannot be changed.
Result<ChatbotInput> DecodeChatbotPatchBody(std::string_view body);
Result<ApiKeyInput> DecodeApiKeyBody(std::string_view body);
struct WorkspaceInput {
  std::optional<std::string> id;
  std::optional<std::string> name;
};
Result<WorkspaceInput> DecodeWorkspaceBody(std::string_view body);

}  // namespace contactd::net
