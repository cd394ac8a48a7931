// Key codec of the RocksDB store: one key layout per column family.
//
// Keys are tenant first, fixed-width big-endian integers, so bytewise order is numeric order and
// every entity of a workspace (or of a chatbot) is one contiguous key range that DeleteRange can
// drop. Keys hold internal numbers only: never an email, phone or other personal data (deleted
// keys linger in tombstones), and never decimal strings.
//
//   workspaces   [ws:u32]
//   chatbots     [ws:u32][chatbot:u32]
//   attributes   [ws:u32][chatbot:u32][attr:u16]
//   apikeys      [ws:u32][key:u32]
//   contacts     [ws:u32][chatbot:u32][contact:u64]
//   meta         "c" [counter:u8]      a counter (engine/storage.h Counter), value: u64 big-endian
//                "v"                   the format version, value: u32 big-endian
//
// These layouts are persisted; do not change them.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/storage.h"
#include "engine/types.h"

namespace contactd::persist {

inline constexpr size_t kWorkspaceKeySize = 4;
inline constexpr size_t kChatbotKeySize = 8;
inline constexpr size_t kAttributeKeySize = 10;
inline constexpr size_t kApiKeyKeySize = 8;
inline constexpr size_t kContactKeySize = 16;
inline constexpr size_t kCounterKeySize = 2;
inline constexpr size_t kMaxKeySize = kContactKeySize;  // the longest key of any column family

// The format version this code writes and reads (meta "v"). Bump it for any incompatible change.
inline constexpr uint32_t kFormatVersion = 1;

std::string WorkspaceKey(WorkspaceNo ws);
std::string ChatbotKey(WorkspaceNo ws, ChatbotNo chatbot);
std::string AttributeKey(WorkspaceNo ws, ChatbotNo chatbot, AttrNo attr);
std::string ApiKeyKey(WorkspaceNo ws, KeyNo key);
std::string ContactKey(WorkspaceNo ws, ChatbotNo chatbot, ContactId id);
std::string CounterKey(Counter counter);
std::string FormatVersionKey();

// Decoders return false (leaving the outputs unspecified) when `key` has the wrong size or shape.
bool DecodeWorkspaceKey(std::string_view key, WorkspaceNo* ws);
bool DecodeChatbotKey(std::string_view key, WorkspaceNo* ws, ChatbotNo* chatbot);
bool DecodeAttributeKey(std::string_view key, WorkspaceNo* ws, ChatbotNo* chatbot, AttrNo* attr);
bool DecodeApiKeyKey(std::string_view key, WorkspaceNo* ws, KeyNo* no);
bool DecodeContactKey(std::string_view key, WorkspaceNo* ws, ChatbotNo* chatbot, ContactId* id);
// Decodes a counter key into the raw counter byte (which may name a counter this build does not
// know; callers skip those).
bool DecodeCounterKey(std::string_view key, uint8_t* counter);

// A half-open key range [begin, end).
struct KeyRange {
  std::string begin;
  std::string end;
};

// Every key that starts with `prefix`: the prefix up to its bytewise successor.
KeyRange PrefixRange(std::string_view prefix);
// Every key of one workspace, in any column family keyed tenant first.
KeyRange WorkspaceRange(WorkspaceNo ws);
// Every key of one chatbot, in the attributes or contacts column family.
KeyRange ChatbotRange(WorkspaceNo ws, ChatbotNo chatbot);
// A key greater than every key this codec produces: the upper bound of a whole-column-family scan.
std::string KeySpaceEnd();

}  // namespace contactd::persist
