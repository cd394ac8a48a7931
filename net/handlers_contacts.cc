// Contact handlers: bulk upsert, list, get, update, delete.
#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "net/api.h"
#include "net/handler_util.h"
#include "net/json_decode.h"
#include "net/render.h"
#include "net/search_request.h"

namespace contactd::net {
namespace {

HttpResponse RenderOne(const Result<ContactOne>& r) {
  if (!r.ok()) return ErrorResponse(r.status());
  return Success([&](JsonWriter& w) { WriteContact(w, *r->schema, r->contact); });
}

// Every problem of a request that failed to decode cleanly: the decoding issues plus the value
// issues the engine finds in `items`, with engine paths ("[3].email") renamed by `rename`.
template <typename Rename>
std::vector<Issue> AllIssues(const Engine& engine, const RequestContext& ctx,
                             const std::vector<ContactInput>& items, std::vector<Issue> issues,
                             Rename rename) {
  auto more = engine.CheckContacts(ctx.principal, ctx.params[0], items);
  if (more.ok()) {
    for (Issue& issue : *more) rename(issue.field);
    MergeIssues(&issues, *more);
  }
  return issues;
}

// Orders batch issues item by item ("users[0]..." before "users[1]...").
void SortByItem(std::vector<Issue>* issues) {
  auto item = [](const Issue& issue) {
    const size_t open = issue.field.find('[');
    return open == std::string::npos ? SIZE_MAX
                                     : std::strtoull(issue.field.c_str() + open + 1, nullptr, 10);
  };
  std::stable_sort(issues->begin(), issues->end(),
                   [&](const Issue& a, const Issue& b) { return item(a) < item(b); });
}

}  // namespace

HttpResponse Api::UpsertContacts(RequestContext& ctx) {
  if (auto missing = CheckChatbot(*engine_, ctx)) return *missing;
  auto decoded = DecodeUpsertBody(ctx.request.body);
  if (!decoded.ok()) return ErrorResponse(decoded.status());
  if (!decoded->issues.empty()) {
    std::vector<Issue> issues =
        AllIssues(*engine_, ctx, decoded->items, std::move(decoded->issues),
                  [&](std::string& field) { field.insert(0, decoded->array_name); });
    SortByItem(&issues);
    return ErrorResponse(InvalidArgument(kMsgInvalidRequest, std::move(issues)));
  }
  auto result = engine_->UpsertContacts(ctx.principal, ctx.params[0], std::move(decoded->items));
  if (!result.ok()) return ErrorResponse(PrefixIssues(result.status(), decoded->array_name));
  HttpResponse r;
  r.body.reserve(64 + 320 * result->contacts.size());  // one allocation for the usual case
  JsonWriter w(&r.body);
  w.BeginObject().Field("message", "Success").Key("data").BeginArray();
  for (const Contact& c : result->contacts) WriteContact(w, *result->schema, c);
  w.EndArray().EndObject();
  return r;
}

// {"message", "data", "total", "pages": {"page", "per_page", "total_pages"}, "next_cursor"}.
static HttpResponse RenderList(const Result<ContactList>& result, const search::SearchInput& in) {
  if (!result.ok()) return ErrorResponse(result.status());
  const size_t per_page = std::clamp<size_t>(in.per_page, 1, 1000);
  HttpResponse r;
  r.body.reserve(128 + 320 * result->contacts.size());
  JsonWriter w(&r.body);
  w.BeginObject().Field("message", "Success").Key("data").BeginArray();
  for (const Contact& c : result->contacts) WriteContact(w, *result->schema, c);
  w.EndArray();
  w.Key("total").Uint(result->total);
  w.Key("pages").BeginObject().Key("page");
  if (in.cursor) {
    w.Null();
  } else {
    w.Uint(in.page.value_or(1));
  }
  w.Key("per_page").Uint(per_page);
  w.Key("total_pages").Uint((result->total + per_page - 1) / per_page);
  w.EndObject().Key("next_cursor");
  if (result->next_cursor) {
    w.String(*result->next_cursor);
  } else {
    w.Null();
  }
  w.EndObject();
  return r;
}

HttpResponse Api::ListContacts(RequestContext& ctx) {
  auto input = SearchInputFromQuery(ctx.query);
  if (!input.ok()) return ErrorResponse(input.status());
  return RenderList(engine_->Search(ctx.principal, ctx.params[0], *input), *input);
}

HttpResponse Api::SearchContacts(RequestContext& ctx) {
  if (auto missing = CheckChatbot(*engine_, ctx)) return *missing;
  auto input = DecodeSearchBody(ctx.request.body);
  if (!input.ok()) return ErrorResponse(input.status());
  return RenderList(engine_->Search(ctx.principal, ctx.params[0], *input), *input);
}

HttpResponse Api::GetContact(RequestContext& ctx) {
  return RenderOne(engine_->GetContact(ctx.principal, ctx.params[0], ctx.params[1]));
}

HttpResponse Api::UpdateContact(RequestContext& ctx) {
  if (auto missing = CheckChatbot(*engine_, ctx)) return *missing;
  auto decoded = DecodePatchBody(ctx.request.body);
  if (!decoded.ok()) return ErrorResponse(decoded.status());
  if (!decoded->issues.empty()) {
    return ErrorResponse(InvalidArgument(
        kMsgInvalidRequest,
        AllIssues(*engine_, ctx, {decoded->patch}, std::move(decoded->issues),
                  [](std::string& field) { field.erase(0, 4); })));  // "[0].email" -> "email"
  }
  return RenderOne(engine_->UpdateContact(ctx.principal, ctx.params[0], ctx.params[1],
                                          std::move(decoded->patch)));
}

HttpResponse Api::DeleteContact(RequestContext& ctx) {
  return RenderOne(engine_->DeleteContact(ctx.principal, ctx.params[0], ctx.params[1]));
}

}  // namespace contactd::net
