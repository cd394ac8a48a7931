// What the engine needs from durable storage: commit one atomic Mutation, and load everything back
// at start-up. persist/ implements it on RocksDB; engine tests use MemoryStorage.
//
// A Mutation is the log's unit: the effect of one request, in terms of stored entities, never the
// request itself. Commit() applies all of it or none of it and returns only once it is as durable
// as the store was configured to make it.
//
// Thread-safety: implementations must allow concurrent Commit() calls (that is how concurrent
// requests share a WAL sync). Load() is called once, before any Commit().
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/schema.h"
#include "engine/status.h"
#include "engine/types.h"

namespace contactd {

// Persisted counters of assigned numbers. Persisted as one byte; do not change the values.
enum class Counter : uint8_t { kContactId = 1, kWorkspaceNo = 2, kChatbotNo = 3, kKeyNo = 4 };

struct Mutation {
  struct PutWorkspace {
    Workspace workspace;
  };
  // Removes the workspace with all its chatbots, attributes, contacts and keys.
  struct DeleteWorkspace {
    WorkspaceNo workspace;
  };
  struct PutChatbot {
    ChatbotInfo chatbot;
  };
  // Removes the chatbot with all its attributes and contacts.
  struct DeleteChatbot {
    WorkspaceNo workspace;
    ChatbotNo chatbot;
  };
  struct PutApiKey {
    ApiKeyInfo key;
  };
  struct DeleteApiKey {
    WorkspaceNo workspace;
    KeyNo key;
  };
  struct PutAttribute {
    WorkspaceNo workspace;
    ChatbotNo chatbot;
    AttrDef def;
  };
  struct PutContact {
    WorkspaceNo workspace;
    ChatbotNo chatbot;
    ContactId id;
    std::string_view record;  // engine/record.h bytes; owned by the caller during Commit()
  };
  struct DeleteContact {
    WorkspaceNo workspace;
    ChatbotNo chatbot;
    ContactId id;
  };
  // Raises a counter to at least `value` (order-independent, so concurrent commits may race).
  struct RaiseCounter {
    Counter counter;
    uint64_t value;
  };

  using Op = std::variant<PutWorkspace, DeleteWorkspace, PutChatbot, DeleteChatbot, PutApiKey,
                          DeleteApiKey, PutAttribute, PutContact, DeleteContact, RaiseCounter>;
  std::vector<Op> ops;
};

// Receives stored entities at start-up: counters, workspaces, chatbots, attributes and keys first,
// then contacts grouped by chatbot. Returning an error stops the load.
class LoadSink {
 public:
  virtual ~LoadSink() = default;
  virtual Status OnCounter(Counter counter, uint64_t value) = 0;
  virtual Status OnWorkspace(Workspace workspace) = 0;
  virtual Status OnChatbot(ChatbotInfo chatbot) = 0;
  virtual Status OnAttribute(WorkspaceNo workspace, ChatbotNo chatbot, AttrDef def) = 0;
  virtual Status OnApiKey(ApiKeyInfo key) = 0;
  virtual Status OnContact(WorkspaceNo workspace, ChatbotNo chatbot, ContactId id,
                           std::string_view record) = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // Persists all of `m` or none of it. Returns kUnavailable when the store cannot write.
  virtual Status Commit(const Mutation& m) = 0;

  // Streams every stored entity into `sink`. Returns kDataLoss when stored data is corrupt.
  virtual Status Load(LoadSink* sink) = 0;

  // Makes everything committed so far durable (used at shutdown in buffered mode).
  virtual Status Flush() = 0;

  // Erasure: rewrites the store so that no file holds an entity deleted before the call (nor an
  // older version of one still stored), e.g. for a GDPR erasure request. Slow: it rewrites
  // everything. Commits may continue meanwhile. Returns kUnavailable when the store cannot write.
  virtual Status Erase() = 0;

  // True when the store was empty when this process opened it (a first start). A store that was
  // initialised before but loads no workspace has lost data (e.g. a damaged write-ahead log).
  virtual bool IsNew() const = 0;
};

}  // namespace contactd
