// Custom attributes: define, list, change, archive and restore.
//
// A definition change holds the chatbot's schema lock exclusive: it waits for in-flight contact
// writes (validated against the old schema) and holds new ones until the change is durable.
#include <mutex>

#include "engine/engine.h"

namespace contactd {
namespace {

constexpr size_t kMaxLabelBytes = 200;
constexpr size_t kMaxDescriptionBytes = 2000;

void CheckLabelAndDescription(const AttributeInput& in, std::vector<Issue>* issues) {
  if (in.label) {
    if (in.label->empty()) {
      issues->push_back({"label", "Must not be empty"});
    } else if (auto p = CheckPlainText(*in.label, kMaxLabelBytes); !p.empty()) {
      issues->push_back({"label", p});
    }
  }
  if (in.description) {
    if (auto p = CheckPlainText(*in.description, kMaxDescriptionBytes, true); !p.empty()) {
      issues->push_back({"description", p});
    }
  }
}

}  // namespace

Result<AttrDef> Engine::DefineAttribute(const Principal& p, std::string_view chatbot_id,
                                        const AttributeInput& in) {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  Chatbot& chatbot = **resolved;

  std::vector<Issue> issues;
  if (!in.name) {
    issues.push_back({"name", "Required"});
  } else if (auto problem = CheckAttributeName(*in.name); !problem.empty()) {
    issues.push_back({"name", problem});
  }
  const std::optional<AttrType> type = in.type ? ParseAttrType(*in.type) : AttrType::kText;
  if (!type) issues.push_back({"type", "Must be one of text, number, boolean, date"});
  CheckLabelAndDescription(in, &issues);
  if (!issues.empty()) return InvalidArgument(kMsgInvalidRequest, std::move(issues));

  std::unique_lock lock(chatbot.schema_lock());
  if (chatbot.deleted()) return NotFound();
  auto schema = chatbot.schema();
  if (const AttrDef* existing = schema->FindIgnoringCase(*in.name)) {
    return Status(Code::kAlreadyExists, "A custom attribute with this name already exists",
                  {{"name", "'" + existing->name + "' already exists"}});
  }
  if (schema->defs().size() >= kMaxAttributesPerChatbot) {
    return InvalidArgument("A chatbot can have at most " +
                           std::to_string(kMaxAttributesPerChatbot) + " custom attributes");
  }
  AttrDef def;
  def.no = schema->NextNumber();
  def.name = *in.name;
  def.type = *type;
  def.label = in.label ? *in.label : *in.name;
  def.description = in.description.value_or("");
  def.archived = in.archived.value_or(false);
  def.created_at = Now();
  Mutation m;
  m.ops.push_back(Mutation::PutAttribute{p.workspace, chatbot.info().no, def});
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;
  chatbot.set_schema(schema->With(def));
  return def;
}

Result<std::vector<AttrDef>> Engine::ListAttributes(const Principal& p,
                                                    std::string_view chatbot_id) const {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  return (*resolved)->schema()->defs();
}

Result<AttrDef> Engine::UpdateAttribute(const Principal& p, std::string_view chatbot_id,
                                        std::string_view name, const AttributeInput& in) {
  auto resolved = ResolveChatbot(p, chatbot_id);
  if (!resolved.ok()) return resolved.status();
  Chatbot& chatbot = **resolved;

  std::unique_lock lock(chatbot.schema_lock());
  if (chatbot.deleted()) return NotFound();
  auto schema = chatbot.schema();
  const AttrDef* current = schema->Find(name);
  if (current == nullptr) return NotFound();

  std::vector<Issue> issues;
  if (in.name && *in.name != current->name) issues.push_back({"name", "Cannot be changed"});
  if (in.type && ParseAttrType(*in.type) != current->type) {
    issues.push_back({"type", "Cannot be changed"});
  }
  CheckLabelAndDescription(in, &issues);
  if (!issues.empty()) return InvalidArgument(kMsgInvalidRequest, std::move(issues));

  AttrDef def = *current;
  if (in.label) def.label = *in.label;
  if (in.description) def.description = *in.description;
  if (in.archived) def.archived = *in.archived;
  if (def == *current) return def;
  Mutation m;
  m.ops.push_back(Mutation::PutAttribute{p.workspace, chatbot.info().no, def});
  if (Status s = CommitOrUnavailable(m); !s.ok()) return s;
  chatbot.set_schema(schema->With(def));
  return def;
}

}  // namespace contactd
