// Chatbot: the unit of contact data. A chatbot's contacts, its custom-attribute schema and the
// locks that make each request atomic and isolated live here.
//
// Locking protocol (in this order; never the reverse):
//   1. schema_lock: contact writes hold it shared from validation until their change is visible;
//      attribute changes and chatbot deletion hold it exclusive, so they never interleave with a
//      contact write that validated against the old schema.
//   2. intents: a contact write holds intents on every external_id and email it changes, from
//      before it reads the current state until its change is visible (engine/intents.h).
//   3. data_lock: guards `index` (the search indexes) and, with table_lock, `table`. Readers of
//      the index hold it shared; a write holds it exclusive only while it applies an
//      already-persisted change, so no search ever sees part of a request, anything not yet
//      persisted, or a record without its index entries.
//   4. table_lock: every change to `table` holds it exclusive, inside data_lock exclusive, and
//      lets it go as soon as the table has changed; the write then updates the index under
//      data_lock alone. A reader of the table alone (a write reading the current state, a get by
//      external_id) holds table_lock shared instead of data_lock, so it does not wait while
//      another write updates the index or installs an n-gram update. It may see a request's
//      table change before the index has it, but never a part of one or one not yet persisted,
//      and a search that starts after it saw the change waits on data_lock until the index has
//      it too.
//
// Thread-safety: as above. `info()` is immutable (workspace, no, id and created_at never change);
// the name and default_country that UpdateChatbot changes are read with current_info(), a copy
// taken under a mutex of its own.
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "engine/contact_table.h"
#include "engine/intents.h"
#include "engine/schema.h"
#include "engine/search/search_index.h"
#include "engine/shared_mutex.h"
#include "engine/types.h"

namespace contactd {

class Chatbot {
 public:
  explicit Chatbot(ChatbotInfo info, std::shared_ptr<const Schema> schema)
      : info_(info), current_(std::move(info)), schema_(std::move(schema)) {}

  // The fixed fields (workspace, no, id, created_at); name and default_country as created.
  const ChatbotInfo& info() const { return info_; }
  // Every field with its current value.
  ChatbotInfo current_info() const {
    std::lock_guard lock(current_mu_);
    return current_;
  }
  void set_name_and_country(std::string name, std::string default_country) {
    std::lock_guard lock(current_mu_);
    current_.name = std::move(name);
    current_.default_country = std::move(default_country);
  }

  SharedMutex& schema_lock() { return schema_lock_; }
  // The current schema snapshot; safe without schema_lock.
  std::shared_ptr<const Schema> schema() const {
    std::lock_guard lock(schema_ptr_mu_);
    return schema_;
  }
  // REQUIRES: schema_lock held exclusive.
  void set_schema(std::shared_ptr<const Schema> schema) {
    std::lock_guard lock(schema_ptr_mu_);
    schema_ = std::move(schema);
  }
  // REQUIRES: schema_lock held (shared to read, exclusive to set).
  bool deleted() const { return deleted_; }
  void mark_deleted() { deleted_ = true; }

  Intents& intents() { return intents_; }

  SharedMutex& data_lock() const { return data_lock_; }
  SharedMutex& table_lock() const { return table_lock_; }
  // table(): REQUIRES data_lock or table_lock held shared to read; both exclusive to change.
  // index(): REQUIRES data_lock held (shared to read, exclusive to change).
  ContactTable& table() { return table_; }
  const ContactTable& table() const { return table_; }
  search::SearchIndex& index() { return index_; }
  const search::SearchIndex& index() const { return index_; }

 private:
  const ChatbotInfo info_;
  mutable std::mutex current_mu_;
  ChatbotInfo current_;
  SharedMutex schema_lock_;
  mutable std::mutex schema_ptr_mu_;
  std::shared_ptr<const Schema> schema_;
  bool deleted_ = false;
  Intents intents_;
  mutable SharedMutex data_lock_;
  mutable SharedMutex table_lock_;
  ContactTable table_;
  search::SearchIndex index_;
};

}  // namespace contactd
