// Fuzz target: the v1 contact body decoders (net/json_decode.h) as the contact handlers use them.
//
// Each input is one request body, decoded both as a bulk upsert body (POST /contacts) and as an
// update body (PATCH /contacts/{id}). Whatever decodes is then checked by the engine against a
// chatbot with attributes of every type (Engine::CheckContacts, read-only), as the handler does
// when it reports every problem at once.
//
// Invariants: a decoded batch has 1..kMaxBatch items and is named "users" or "contacts"; every
// issue has a message (decoder issues may name a top-level key or the body itself, field ""), and
// the engine's issues name an item ("[3].email"); an error status is 400 material
// (kInvalidArgument) with a message.
//
// Thread-safety: libFuzzer calls it from one thread.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/json_decode.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

using contactd::Code;
using contactd::Issue;
using contactd::Status;

void CheckIssue(const Issue& issue, std::string_view prefix, std::string_view body) {
  FUZZ_CHECK(!issue.message.empty(), body);
  FUZZ_CHECK(issue.field.starts_with(prefix), issue.field + " in " + std::string(body));
}

void CheckError(const Status& s, std::string_view body) {
  FUZZ_CHECK(s.code() == Code::kInvalidArgument, s.ToString());
  FUZZ_CHECK(!s.message().empty(), body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* world = contactd::fuzz::FuzzWorld::Make().release();
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  auto batch = contactd::net::DecodeUpsertBody(body);
  if (batch.ok()) {
    FUZZ_CHECK(batch->array_name == "users" || batch->array_name == "contacts", body);
    FUZZ_CHECK(!batch->items.empty() && batch->items.size() <= contactd::kMaxBatch, body);
    for (const Issue& issue : batch->issues) CheckIssue(issue, "", body);
    auto checked = world->engine().CheckContacts(world->op(), "bot", batch->items);
    FUZZ_CHECK(checked.ok(), checked.status().ToString());
    for (const Issue& issue : *checked) CheckIssue(issue, "[", body);
  } else {
    CheckError(batch.status(), body);
  }

  auto patch = contactd::net::DecodePatchBody(body);
  if (patch.ok()) {
    for (const Issue& issue : patch->issues) CheckIssue(issue, "", body);
    auto checked = world->engine().CheckContacts(world->op(), "bot", {patch->patch});
    FUZZ_CHECK(checked.ok(), checked.status().ToString());
  } else {
    CheckError(patch.status(), body);
  }
  return 0;
}
