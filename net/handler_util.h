// Helpers shared by the Api handlers (internal to net/).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "net/errors.h"
#include "net/router.h"

namespace contactd::net {

// A 404 response when the chatbot in the path is unknown or outside the caller's scope, so that
// existence is checked before the body.
inline std::optional<HttpResponse> CheckChatbot(const Engine& engine, const RequestContext& ctx) {
  auto chatbot = engine.GetChatbot(ctx.principal, ctx.params[0]);
  if (!chatbot.ok()) return ErrorResponse(chatbot.status());
  return std::nullopt;
}

// True when `field` is `reported` or lies inside it ("users[0].stripe_accounts[1].label" is inside
// "users[0].stripe_accounts[1]").
inline bool Within(std::string_view field, std::string_view reported) {
  if (!field.starts_with(reported)) return false;
  return field.size() == reported.size() || field[reported.size()] == '.' ||
         field[reported.size()] == '[';
}

// Adds `more` to `issues`, skipping issues about a field `issues` already reports (the engine's
// view of a value the decoder already rejected would only repeat it).
inline void MergeIssues(std::vector<Issue>* issues, const std::vector<Issue>& more) {
  const size_t n = issues->size();
  for (const Issue& m : more) {
    bool known = false;
    for (size_t i = 0; i < n && !known; ++i) known = Within(m.field, (*issues)[i].field);
    if (!known) issues->push_back(m);
  }
}

// Prefixes batch issue fields ("[3].email") with the request's array name ("users").
inline Status PrefixIssues(Status s, const std::string& array_name) {
  for (Issue& issue : s.mutable_issues()) {
    if (!issue.field.empty() && issue.field.front() == '[') issue.field = array_name + issue.field;
  }
  return s;
}

}  // namespace contactd::net
