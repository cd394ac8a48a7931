// Chatbot: the unit of contact data. A chatbot's contacts, its custom-attribute schema and the
// locks that make each request atomic and isolated live here.
//
// Locking protocol (in this order; never the reverse):
//   1. schema_lock: contact writes hold it shared from validation until their change is visible;
//      attribute changes and chatbot deletion hold it exclusive, so they never interleave with a
//      contact write that validated against the old schema.
//   2. intents: a contact write holds intents on every external_id and email it changes, from
//      before it reads the current state until its change is visible (engine/intents.h).
//   3. data_lock: guards `table` and `index` (the search indexes). Readers hold it shared; a
//      write holds it shared while it reads the current state and exclusive only while it applies
//      an already-persisted change to both, so no reader ever sees part of a request, anything
//      not yet persisted, or a record without its index entries.
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
  // REQUIRES: data_lock held (shared to read, exclusive to change).
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
  ContactTable table_;
  search::SearchIndex index_;
};

}  // namespace contactd
