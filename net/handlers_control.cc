// Control-plane handlers: workspaces (operator), chatbots and API keys (admin).
#include <chrono>

#include "net/api.h"
#include "net/errors.h"
#include "net/json_decode.h"
#include "net/render.h"

namespace contactd::net {
namespace {

template <typename T, typename Write>
HttpResponse Render(const Result<T>& r, Write write) {
  if (!r.ok()) return ErrorResponse(r.status());
  return Success([&](JsonWriter& w) { write(w, *r); });
}

template <typename T, typename Write>
HttpResponse RenderList(const Result<std::vector<T>>& r, Write write) {
  if (!r.ok()) return ErrorResponse(r.status());
  return Success([&](JsonWriter& w) {
    w.BeginArray();
    for (const T& item : *r) write(w, item);
    w.EndArray();
  });
}

HttpResponse RenderDeleted(const Status& s, std::string_view id) {
  return s.ok() ? Deleted(id) : ErrorResponse(s);
}

// A new key: its listing fields plus the plaintext, shown this once.
void WriteNewKey(JsonWriter& w, const NewApiKey& key) {
  std::string listed;
  JsonWriter inner(&listed);
  WriteApiKey(inner, key.info);
  listed.pop_back();  // reopen the object to append "key"
  listed += ",\"key\":";
  AppendJsonString(&listed, key.plaintext);
  listed += '}';
  w.Raw(listed);
}

}  // namespace

HttpResponse Api::CreateWorkspace(RequestContext& ctx) {
  auto in = DecodeWorkspaceBody(ctx.request.body);
  if (!in.ok()) return ErrorResponse(in.status());
  return Render(engine_->CreateWorkspace(ctx.principal, in->id, in->name),
                [](JsonWriter& w, const NewWorkspace& ws) {
                  w.BeginObject().Key("workspace");
                  WriteWorkspace(w, ws.workspace);
                  w.Key("api_key");
                  WriteNewKey(w, ws.admin_key);
                  w.EndObject();
                });
}

HttpResponse Api::ListWorkspaces(RequestContext& ctx) {
  return RenderList(engine_->ListWorkspaces(ctx.principal), WriteWorkspace);
}

HttpResponse Api::DeleteWorkspace(RequestContext& ctx) {
  return RenderDeleted(engine_->DeleteWorkspace(ctx.principal, ctx.params[0]), ctx.params[0]);
}

// Erasure takes no input (a body is ignored) and answers once it is complete, with its duration.
HttpResponse Api::Erase(RequestContext& ctx) {
  const auto start = std::chrono::steady_clock::now();
  if (Status s = engine_->Erase(ctx.principal); !s.ok()) return ErrorResponse(s);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return Success([&](JsonWriter& w) {
    w.BeginObject().Key("erased").Bool(true).Key("seconds").Double(took.count()).EndObject();
  });
}

HttpResponse Api::CreateChatbot(RequestContext& ctx) {
  auto in = DecodeChatbotBody(ctx.request.body);
  if (!in.ok()) return ErrorResponse(in.status());
  return Render(engine_->CreateChatbot(ctx.principal, *in), WriteChatbot);
}

HttpResponse Api::ListChatbots(RequestContext& ctx) {
  return RenderList(engine_->ListChatbots(ctx.principal), WriteChatbot);
}

HttpResponse Api::GetChatbot(RequestContext& ctx) {
  return Render(engine_->GetChatbot(ctx.principal, ctx.params[0]), WriteChatbot);
}

HttpResponse Api::UpdateChatbot(RequestContext& ctx) {
  auto in = DecodeChatbotPatchBody(ctx.request.body);
  if (!in.ok()) return ErrorResponse(in.status());
  return Render(engine_->UpdateChatbot(ctx.principal, ctx.params[0], *in), WriteChatbot);
}

HttpResponse Api::DeleteChatbot(RequestContext& ctx) {
  return RenderDeleted(engine_->DeleteChatbot(ctx.principal, ctx.params[0]), ctx.params[0]);
}

HttpResponse Api::CreateApiKey(RequestContext& ctx) {
  auto in = DecodeApiKeyBody(ctx.request.body);
  if (!in.ok()) return ErrorResponse(in.status());
  return Render(engine_->CreateApiKey(ctx.principal, *in), WriteNewKey);
}

HttpResponse Api::ListApiKeys(RequestContext& ctx) {
  return RenderList(engine_->ListApiKeys(ctx.principal), WriteApiKey);
}

HttpResponse Api::RevokeApiKey(RequestContext& ctx) {
  return RenderDeleted(engine_->RevokeApiKey(ctx.principal, ctx.params[0]), ctx.params[0]);
}

}  // namespace contactd::net
