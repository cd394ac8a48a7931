// Control plane: workspaces (operator), chatbots and API keys (admin).
//
// Control changes are rare; they are serialized by control_mu_ and never block the contact path.
// Deleting a chatbot first takes its schema lock exclusive, which waits for in-flight contact
// writes to finish and turns later ones away with kNotFound.
#include <algorithm>
#include <mutex>

#include "engine/engine.h"
#include "engine/phone.h"
#include "engine/secrets.h"

namespace contactd {
namespace {

Status Invalid(std::vector<Issue> issues) {
  return InvalidArgument(kMsgInvalidRequest, std::move(issues));
}

// Checks a required display name ("name" of a workspace, chatbot or key).
void CheckDisplayName(const std::optional<std::string>& name, std::vector<Issue>* issues) {
  if (!name) {
    issues->push_back({"name", "Required"});
  } else if (name->empty()) {
    issues->push_back({"name", "Must not be empty"});
  } else if (auto p = CheckPlainText(*name, 200); !p.empty()) {
    issues->push_back({"name", p});
  }
}

// Checks a chatbot's default_country patch; returns the value to store (upper case; empty when
// cleared), or nothing when absent.
std::optional<std::string> CheckDefaultCountry(const FieldPatch<std::string>& in,
                                               std::vector<Issue>* issues) {
  if (in.absent()) return std::nullopt;
  if (in.is_null() || in.value.empty()) return std::string();
  std::string region = in.value;
  for (char& c : region) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (region.size() != 2 || !phone::IsKnownRegion(region)) {
    issues->push_back(
        {"default_country", "Unknown country; use an ISO 3166-1 alpha-2 code such as \"GB\""});
    return std::nullopt;
  }
  return region;
}

}  // namespace

Result<NewApiKey> Engine::MakeKey(WorkspaceNo workspace, std::string name, Role role,
                                  const ChatbotInfo* scope,
                                  const std::optional<std::string>& plaintext, Mutation* m) {
  NewApiKey key;
  do {
    key.plaintext = plaintext ? *plaintext : secrets::NewApiKey();
    key.info.digest = secrets::Digest(key.plaintext);
  } while (!plaintext && directory_.FindKey(key.info.digest));
  if (directory_.FindKey(key.info.digest)) {
    return Status(Code::kAlreadyExists, "This key is already in use");
  }
  key.info.workspace = workspace;
  key.info.no = next_key_no_++;
  key.info.id = "key_" + secrets::RandomToken(16);
  key.info.name = std::move(name);
  key.info.role = role;
  if (scope) {
    key.info.chatbot = scope->no;
    key.info.chatbot_id = scope->id;
  }
  key.info.prefix = key.plaintext.substr(0, std::min<size_t>(12, key.plaintext.size()));
  key.info.created_at = Now();
  m->ops.push_back(Mutation::PutApiKey{key.info});
  m->ops.push_back(Mutation::RaiseCounter{Counter::kKeyNo, key.info.no + 1ull});
  return key;
}

Result<NewWorkspace> Engine::CreateWorkspace(const Principal& p,
                                             const std::optional<std::string>& id,
                                             const std::optional<std::string>& name) {
  if (!p.AtLeast(Role::kOperator)) return PermissionDenied();
  std::vector<Issue> issues;
  CheckDisplayName(name, &issues);
  if (id) {
    if (auto problem = CheckPublicId(*id); !problem.empty()) issues.push_back({"id", problem});
  }
  if (!issues.empty()) return Invalid(std::move(issues));

  std::unique_lock lock(control_mu_);
  Workspace ws{next_workspace_no_, id ? *id : "ws_" + secrets::RandomToken(12), *name, Now()};
  if (workspace_by_id_.contains(ws.id)) {
    return Status(Code::kAlreadyExists, "A workspace with this id already exists",
                  {{"id", "Already exists"}});
  }
  Mutation m;
  m.ops.push_back(Mutation::PutWorkspace{ws});
  m.ops.push_back(Mutation::RaiseCounter{Counter::kWorkspaceNo, ws.no + 1ull});
  auto key = MakeKey(ws.no, "admin", Role::kAdmin, nullptr, std::nullopt, &m);
  if (!key.ok()) return key.status();
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;

  ++next_workspace_no_;
  directory_.AddKey(key->info);
  workspace_by_id_[ws.id] = ws.no;
  WorkspaceEntry& entry = workspaces_[ws.no];
  entry.info = ws;
  entry.keys[key->info.id] = key->info;
  return NewWorkspace{ws, std::move(*key)};
}

Result<std::vector<Workspace>> Engine::ListWorkspaces(const Principal& p) const {
  if (!p.AtLeast(Role::kOperator)) return PermissionDenied();
  std::shared_lock lock(control_mu_);
  std::vector<Workspace> out;
  for (const auto& [no, entry] : workspaces_) out.push_back(entry.info);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.no < b.no; });
  return out;
}

Status Engine::DeleteWorkspace(const Principal& p, std::string_view id) {
  if (!p.AtLeast(Role::kOperator)) return PermissionDenied();
  std::unique_lock lock(control_mu_);
  auto by_id = workspace_by_id_.find(id);
  if (by_id == workspace_by_id_.end()) return NotFound();
  WorkspaceEntry& entry = workspaces_.at(by_id->second);
  if (entry.info.no == p.workspace) {
    return {Code::kFailedPrecondition,
            "This workspace holds the operator key and cannot be deleted"};
  }
  // Wait for in-flight writes of every chatbot, and hold them off until the delete is durable.
  std::vector<std::shared_ptr<Chatbot>> chatbots;
  std::vector<std::unique_lock<SharedMutex>> held;
  for (const std::string& cb : entry.chatbots) {
    if (auto chatbot = directory_.FindChatbot(entry.info.no, cb)) {
      held.emplace_back(chatbot->schema_lock());
      chatbots.push_back(std::move(chatbot));
    }
  }
  Mutation m;
  m.ops.push_back(Mutation::DeleteWorkspace{entry.info.no});
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;

  for (auto& chatbot : chatbots) ForgetChatbot(*chatbot);
  for (const auto& [key_id, key] : entry.keys) directory_.RemoveKey(key.digest);
  workspaces_.erase(entry.info.no);
  workspace_by_id_.erase(by_id);
  return {};
}

Status Engine::Erase(const Principal& p) {
  if (!p.AtLeast(Role::kOperator)) return PermissionDenied();
  return storage_->Erase();
}

Result<ChatbotInfo> Engine::CreateChatbot(const Principal& p, const ChatbotInput& in) {
  if (!p.AtLeast(Role::kAdmin)) return PermissionDenied();
  std::vector<Issue> issues;
  CheckDisplayName(in.name, &issues);
  if (in.id) {
    if (auto problem = CheckPublicId(*in.id); !problem.empty()) issues.push_back({"id", problem});
  }
  const std::optional<std::string> country = CheckDefaultCountry(in.default_country, &issues);
  if (!issues.empty()) return Invalid(std::move(issues));

  std::unique_lock lock(control_mu_);
  auto ws = workspaces_.find(p.workspace);
  if (ws == workspaces_.end()) return NotFound();
  ChatbotInfo info{
      p.workspace, next_chatbot_no_,    in.id ? *in.id : secrets::RandomToken(16), *in.name,
      Now(),       country.value_or("")};
  if (directory_.FindChatbot(p.workspace, info.id)) {
    return Status(Code::kAlreadyExists, "A chatbot with this id already exists",
                  {{"id", "Already exists"}});
  }
  Mutation m;
  m.ops.push_back(Mutation::PutChatbot{info});
  m.ops.push_back(Mutation::RaiseCounter{Counter::kChatbotNo, info.no + 1ull});
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;

  ++next_chatbot_no_;
  ws->second.chatbots.push_back(info.id);
  directory_.AddChatbot(std::make_shared<Chatbot>(info, std::make_shared<const Schema>()));
  return info;
}

Result<std::vector<ChatbotInfo>> Engine::ListChatbots(const Principal& p) const {
  std::shared_lock lock(control_mu_);
  auto ws = workspaces_.find(p.workspace);
  if (ws == workspaces_.end()) return std::vector<ChatbotInfo>{};
  std::vector<ChatbotInfo> out;
  for (const std::string& id : ws->second.chatbots) {
    auto chatbot = directory_.FindChatbot(p.workspace, id);
    if (chatbot && (p.chatbot == 0 || chatbot->info().no == p.chatbot)) {
      out.push_back(chatbot->current_info());
    }
  }
  return out;
}

Result<ChatbotInfo> Engine::GetChatbot(const Principal& p, std::string_view id) const {
  auto chatbot = ResolveChatbot(p, id);
  if (!chatbot.ok()) return chatbot.status();
  return (*chatbot)->current_info();
}

Result<ChatbotInfo> Engine::UpdateChatbot(const Principal& p, std::string_view id,
                                          const ChatbotInput& in) {
  if (!p.AtLeast(Role::kAdmin)) return PermissionDenied();
  std::vector<Issue> issues;
  if (in.id) issues.push_back({"id", "Cannot be changed"});
  if (in.name) CheckDisplayName(in.name, &issues);
  const std::optional<std::string> country = CheckDefaultCountry(in.default_country, &issues);
  auto resolved = ResolveChatbot(p, id);
  if (!resolved.ok()) return resolved.status();
  if (!issues.empty()) return Invalid(std::move(issues));
  Chatbot& chatbot = **resolved;

  // control_mu_ serializes this with other control changes; the schema lock (shared) with a
  // delete of the chatbot, which holds it exclusive.
  std::unique_lock lock(control_mu_);
  std::shared_lock schema_lock(chatbot.schema_lock());
  if (chatbot.deleted()) return NotFound();
  ChatbotInfo next = chatbot.current_info();
  if (in.name) next.name = *in.name;
  if (country) next.default_country = *country;
  Mutation m;
  m.ops.push_back(Mutation::PutChatbot{next});
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;
  chatbot.set_name_and_country(next.name, next.default_country);
  return next;
}

void Engine::ForgetChatbot(Chatbot& chatbot) {
  chatbot.mark_deleted();
  directory_.RemoveChatbot(chatbot.info().workspace, chatbot.info().id);
}

Status Engine::DeleteChatbot(const Principal& p, std::string_view id) {
  if (!p.AtLeast(Role::kAdmin)) return PermissionDenied();
  auto resolved = ResolveChatbot(p, id);
  if (!resolved.ok()) return resolved.status();
  Chatbot& chatbot = **resolved;

  std::unique_lock lock(control_mu_);
  std::unique_lock schema_lock(chatbot.schema_lock());
  if (chatbot.deleted()) return NotFound();
  WorkspaceEntry& ws = workspaces_.at(p.workspace);
  Mutation m;
  m.ops.push_back(Mutation::DeleteChatbot{p.workspace, chatbot.info().no});
  std::vector<std::string> scoped_keys;  // keys scoped to this chatbot go with it
  for (const auto& [key_id, key] : ws.keys) {
    if (key.chatbot == chatbot.info().no) {
      m.ops.push_back(Mutation::DeleteApiKey{p.workspace, key.no});
      scoped_keys.push_back(key_id);
    }
  }
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;

  ForgetChatbot(chatbot);
  std::erase(ws.chatbots, chatbot.info().id);
  for (const std::string& key_id : scoped_keys) {
    directory_.RemoveKey(ws.keys.at(key_id).digest);
    ws.keys.erase(key_id);
  }
  return {};
}

Result<NewApiKey> Engine::CreateApiKey(const Principal& p, const ApiKeyInput& in) {
  if (!p.AtLeast(Role::kAdmin)) return PermissionDenied();
  std::vector<Issue> issues;
  CheckDisplayName(in.name, &issues);
  const std::optional<Role> role = in.role ? ParseRole(*in.role) : Role::kMember;
  if (!role) issues.push_back({"role", "Must be \"admin\" or \"member\""});
  if (role == Role::kAdmin && in.chatbot_id) {
    issues.push_back({"chatbot_id", "Only member keys can be scoped to a chatbot"});
  }
  if (!issues.empty()) return Invalid(std::move(issues));

  std::shared_ptr<Chatbot> scope;
  if (in.chatbot_id) {
    auto resolved = ResolveChatbot(p, *in.chatbot_id);
    if (!resolved.ok()) return resolved.status();
    scope = *resolved;
  }
  std::unique_lock lock(control_mu_);
  auto ws = workspaces_.find(p.workspace);
  if (ws == workspaces_.end()) return NotFound();
  Mutation m;
  auto key =
      MakeKey(p.workspace, *in.name, *role, scope ? &scope->info() : nullptr, std::nullopt, &m);
  if (!key.ok()) return key.status();
  if (scope) {
    // Hold off a concurrent delete of the chatbot until the key is stored.
    std::shared_lock schema_lock(scope->schema_lock());
    if (scope->deleted()) return NotFound();
    if (Status s = CommitOrUnavailable(m); !s.ok()) return s;
  } else if (Status s = CommitOrUnavailable(m); !s.ok()) {
    return s;
  }
  directory_.AddKey(key->info);
  ws->second.keys[key->info.id] = key->info;
  return key;
}

Result<std::vector<ApiKeyInfo>> Engine::ListApiKeys(const Principal& p) const {
  if (!p.AtLeast(Role::kAdmin)) return PermissionDenied();
  std::shared_lock lock(control_mu_);
  std::vector<ApiKeyInfo> out;
  if (auto ws = workspaces_.find(p.workspace); ws != workspaces_.end()) {
    for (const auto& [id, key] : ws->second.keys) out.push_back(key);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.no < b.no; });
  return out;
}

Status Engine::RevokeApiKey(const Principal& p, std::string_view id) {
  if (!p.AtLeast(Role::kAdmin)) return PermissionDenied();
  std::unique_lock lock(control_mu_);
  auto ws = workspaces_.find(p.workspace);
  if (ws == workspaces_.end()) return NotFound();
  auto key = ws->second.keys.find(id);
  if (key == ws->second.keys.end()) return NotFound();
  if (key->second.role == Role::kOperator) {
    return {Code::kFailedPrecondition, "The operator key cannot be revoked"};
  }
  Mutation m;
  m.ops.push_back(Mutation::DeleteApiKey{p.workspace, key->second.no});
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;
  directory_.RemoveKey(key->second.digest);
  ws->second.keys.erase(key);
  return {};
}

}  // namespace contactd
