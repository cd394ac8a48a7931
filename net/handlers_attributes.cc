// Custom-attribute handlers: list, define, change/archive/restore.
#include "net/api.h"
#include "net/handler_util.h"
#include "net/json_decode.h"
#include "net/render.h"

namespace contactd::net {
namespace {

HttpResponse RenderAttribute(const Result<AttrDef>& r) {
  if (!r.ok()) return ErrorResponse(r.status());
  return Success([&](JsonWriter& w) { WriteAttribute(w, *r); });
}

}  // namespace

HttpResponse Api::ListAttributes(RequestContext& ctx) {
  auto defs = engine_->ListAttributes(ctx.principal, ctx.params[0]);
  if (!defs.ok()) return ErrorResponse(defs.status());
  return Success([&](JsonWriter& w) {
    w.BeginArray();
    for (const AttrDef& def : *defs) WriteAttribute(w, def);
    w.EndArray();
  });
}

HttpResponse Api::DefineAttribute(RequestContext& ctx) {
  if (auto missing = CheckChatbot(*engine_, ctx)) return *missing;
  auto in = DecodeAttributeBody(ctx.request.body);
  if (!in.ok()) return ErrorResponse(in.status());
  return RenderAttribute(engine_->DefineAttribute(ctx.principal, ctx.params[0], *in));
}

HttpResponse Api::UpdateAttribute(RequestContext& ctx) {
  if (auto missing = CheckChatbot(*engine_, ctx)) return *missing;
  auto in = DecodeAttributeBody(ctx.request.body);
  if (!in.ok()) return ErrorResponse(in.status());
  return RenderAttribute(
      engine_->UpdateAttribute(ctx.principal, ctx.params[0], ctx.params[1], *in));
}

}  // namespace contactd::net
