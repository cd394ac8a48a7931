// Engine construction, recovery from storage, bootstrap and authentication.
#include "engine/engine.h"

#include <chrono>
#include <mutex>
#include <thread>

#include "engine/record.h"
#include "engine/secrets.h"

namespace contactd {
namespace {

size_t DefaultShards() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace

// Rebuilds memory from the entities Storage::Load() streams.
class Engine::Loader final : public LoadSink {
 public:
  explicit Loader(Engine* engine) : e_(engine) {}

  Status OnCounter(Counter counter, uint64_t value) override {
    switch (counter) {
      case Counter::kContactId:
        e_->next_contact_id_ = std::max<uint64_t>(e_->next_contact_id_, value);
        break;
      case Counter::kWorkspaceNo:
        e_->next_workspace_no_ = std::max<WorkspaceNo>(e_->next_workspace_no_, Narrow(value));
        break;
      case Counter::kChatbotNo:
        e_->next_chatbot_no_ = std::max<ChatbotNo>(e_->next_chatbot_no_, Narrow(value));
        break;
      case Counter::kKeyNo:
        e_->next_key_no_ = std::max<KeyNo>(e_->next_key_no_, Narrow(value));
        break;
    }
    return {};
  }

  Status OnWorkspace(Workspace ws) override {
    e_->workspace_by_id_[ws.id] = ws.no;
    e_->workspaces_[ws.no].info = std::move(ws);
    return {};
  }

  Status OnChatbot(ChatbotInfo info) override {
    auto ws = e_->workspaces_.find(info.workspace);
    if (ws == e_->workspaces_.end()) return Corrupt("a chatbot without its workspace");
    ws->second.chatbots.push_back(info.id);
    auto chatbot = std::make_shared<Chatbot>(info, std::make_shared<const Schema>());
    by_no_[info.no] = chatbot;
    e_->directory_.AddChatbot(std::move(chatbot));
    return {};
  }

  Status OnAttribute(WorkspaceNo ws, ChatbotNo chatbot, AttrDef def) override {
    Chatbot* owner = Find(ws, chatbot);
    if (owner == nullptr) return Corrupt("an attribute without its chatbot");
    std::vector<AttrDef>& defs = attrs_[owner];
    if (def.no != defs.size() + 1) return Corrupt("attribute numbers out of sequence");
    defs.push_back(std::move(def));
    return {};
  }

  Status OnApiKey(ApiKeyInfo key) override {
    auto ws = e_->workspaces_.find(key.workspace);
    if (ws == e_->workspaces_.end()) return Corrupt("an API key without its workspace");
    if (!e_->directory_.AddKey(key)) return Corrupt("two API keys with one digest");
    ws->second.keys[key.id] = std::move(key);
    return {};
  }

  Status OnContact(WorkspaceNo ws, ChatbotNo chatbot, ContactId id,
                   std::string_view bytes) override {
    if (last_ == nullptr || chatbot != last_->info().no) {
      last_ = Find(ws, chatbot);
      if (last_ == nullptr) return Corrupt("a contact without its chatbot");
    }
    if (!CheckRecord(bytes) || RecordView(bytes).id() != id) return Corrupt("a corrupt contact");
    ContactTable& table = last_->table();
    const RecordView view(bytes);
    if (table.FindByExternalId(view.external_id()) != ContactTable::kNoRow) {
      return Corrupt("two contacts with one external_id");
    }
    if (auto email = view.email(); email && table.FindByEmail(*email) != ContactTable::kNoRow) {
      return Corrupt("two contacts with one email");
    }
    table.Insert(Record(bytes));
    max_contact_id_ = std::max(max_contact_id_, id);
    ++contacts_;
    return {};
  }

  void Finish(RecoveryStats* stats) {
    for (auto& [chatbot, defs] : attrs_) {
      chatbot->set_schema(std::make_shared<const Schema>(std::move(defs)));
    }
    const auto start = std::chrono::steady_clock::now();
    for (auto& [no, chatbot] : by_no_) {
      std::unique_lock lock(chatbot->data_lock());
      chatbot->index().Build(chatbot->table());
    }
    stats->index_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    e_->next_contact_id_ = std::max<uint64_t>(e_->next_contact_id_, max_contact_id_ + 1);
    stats->workspaces = e_->workspaces_.size();
    stats->chatbots = by_no_.size();
    stats->contacts = contacts_;
  }

 private:
  static Status Corrupt(const std::string& what) {
    return {Code::kDataLoss, "stored data is corrupt: " + what};
  }
  static uint32_t Narrow(uint64_t v) {
    return static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX));
  }

  // The loaded chatbot numbered `no` in workspace `ws`, or null.
  Chatbot* Find(WorkspaceNo ws, ChatbotNo no) const {
    auto it = by_no_.find(no);
    return it == by_no_.end() || it->second->info().workspace != ws ? nullptr : it->second.get();
  }

  Engine* e_;
  absl::flat_hash_map<ChatbotNo, std::shared_ptr<Chatbot>> by_no_;
  absl::flat_hash_map<Chatbot*, std::vector<AttrDef>> attrs_;  // schemas are built at the end
  Chatbot* last_ = nullptr;  // the chatbot of the previous contact (contacts come grouped)
  ContactId max_contact_id_ = 0;
  size_t contacts_ = 0;
};

Engine::Engine(Storage* storage, EngineOptions options)
    : storage_(storage),
      clock_(options.clock ? options.clock : &system_clock_),
      directory_(options.shards ? options.shards : DefaultShards()) {}

Engine::~Engine() = default;

Result<RecoveryStats> Engine::Recover() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(control_mu_);
  Loader loader(this);
  if (Status s = storage_->Load(&loader); !s.ok()) return s;
  RecoveryStats stats;
  loader.Finish(&stats);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

Result<BootstrapResult> Engine::Bootstrap(const std::optional<std::string>& operator_key) {
  BootstrapResult result;
  {
    std::shared_lock lock(control_mu_);
    if (!workspaces_.empty()) {
      if (operator_key) {
        auto key = directory_.FindKey(secrets::Digest(*operator_key));
        result.given_key_ignored = !key || key->role != Role::kOperator;
      }
      return result;
    }
  }
  if (!storage_->IsNew()) {
    // The default workspace cannot be deleted, so an initialised store always has one.
    return Status(Code::kDataLoss,
                  "the data directory looks corrupt: it was initialised before but holds no "
                  "workspace (its write-ahead log may be damaged). Refusing to start so nothing "
                  "is overwritten. If it was never used (an interrupted first start), remove it "
                  "and start again.");
  }
  std::unique_lock lock(control_mu_);
  Mutation m;
  Workspace ws{next_workspace_no_, "default", "default", Now()};
  m.ops.push_back(Mutation::PutWorkspace{ws});
  m.ops.push_back(Mutation::RaiseCounter{Counter::kWorkspaceNo, ws.no + 1ull});
  auto key = MakeKey(ws.no, "operator", Role::kOperator, nullptr, operator_key, &m);
  if (!key.ok()) return key.status();
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;
  directory_.AddKey(key->info);
  ++next_workspace_no_;
  workspace_by_id_[ws.id] = ws.no;
  WorkspaceEntry& entry = workspaces_[ws.no];
  entry.info = ws;
  entry.keys[key->info.id] = key->info;
  result.created = true;
  if (!operator_key) result.operator_key = key->plaintext;
  return result;
}

Result<Principal> Engine::Authenticate(std::string_view api_key) const {
  if (api_key.empty()) return Unauthenticated();
  auto key = directory_.FindKey(secrets::Digest(api_key));
  if (!key) return Unauthenticated();
  return Principal{key->workspace, key->role, key->chatbot, key->no};
}

std::shared_ptr<void> Engine::HoldDataLockForTest(const Principal& p, std::string_view chatbot) {
  auto resolved = ResolveChatbot(p, chatbot);
  if (!resolved.ok()) return nullptr;
  std::shared_ptr<Chatbot> held = std::move(*resolved);
  held->data_lock().lock();
  return std::shared_ptr<void>(held.get(), [held](void*) { held->data_lock().unlock(); });
}

Result<std::shared_ptr<Chatbot>> Engine::ResolveChatbot(const Principal& p,
                                                        std::string_view id) const {
  auto chatbot = directory_.FindChatbot(p.workspace, id);
  if (!chatbot || (p.chatbot != 0 && chatbot->info().no != p.chatbot)) return NotFound();
  return chatbot;
}

Status Engine::CommitOrUnavailable(const Mutation& m) {
  Status s = storage_->Commit(m);
  if (s.ok() || s.code() == Code::kUnavailable) return s;
  return {Code::kUnavailable, "The store could not persist the change: " + s.message()};
}

}  // namespace contactd
