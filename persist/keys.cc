#include "persist/keys.h"

#include "engine/coding.h"

namespace contactd::persist {
namespace {

constexpr char kCounterTag = 'c';
constexpr char kFormatVersionTag = 'v';

void PutBig16(std::string* dst, uint16_t v) {
  dst->push_back(static_cast<char>(v >> 8));
  dst->push_back(static_cast<char>(v));
}

uint16_t GetBig16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}

std::string Key(size_t reserve) {
  std::string k;
  k.reserve(reserve);
  return k;
}

}  // namespace

std::string WorkspaceKey(WorkspaceNo ws) {
  std::string k = Key(kWorkspaceKeySize);
  coding::PutBig32(&k, ws);
  return k;
}

std::string ChatbotKey(WorkspaceNo ws, ChatbotNo chatbot) {
  std::string k = Key(kChatbotKeySize);
  coding::PutBig32(&k, ws);
  coding::PutBig32(&k, chatbot);
  return k;
}

std::string AttributeKey(WorkspaceNo ws, ChatbotNo chatbot, AttrNo attr) {
  std::string k = Key(kAttributeKeySize);
  coding::PutBig32(&k, ws);
  coding::PutBig32(&k, chatbot);
  PutBig16(&k, attr);
  return k;
}

std::string ApiKeyKey(WorkspaceNo ws, KeyNo key) {
  std::string k = Key(kApiKeyKeySize);
  coding::PutBig32(&k, ws);
  coding::PutBig32(&k, key);
  return k;
}

std::string ContactKey(WorkspaceNo ws, ChatbotNo chatbot, ContactId id) {
  std::string k = Key(kContactKeySize);
  coding::PutBig32(&k, ws);
  coding::PutBig32(&k, chatbot);
  coding::PutBig64(&k, id);
  return k;
}

std::string CounterKey(Counter counter) {
  return {kCounterTag, static_cast<char>(static_cast<uint8_t>(counter))};
}

std::string FormatVersionKey() { return {kFormatVersionTag}; }

bool DecodeWorkspaceKey(std::string_view key, WorkspaceNo* ws) {
  if (key.size() != kWorkspaceKeySize) return false;
  *ws = coding::GetBig32(key.data());
  return true;
}

bool DecodeChatbotKey(std::string_view key, WorkspaceNo* ws, ChatbotNo* chatbot) {
  if (key.size() != kChatbotKeySize) return false;
  *ws = coding::GetBig32(key.data());
  *chatbot = coding::GetBig32(key.data() + 4);
  return true;
}

bool DecodeAttributeKey(std::string_view key, WorkspaceNo* ws, ChatbotNo* chatbot, AttrNo* attr) {
  if (key.size() != kAttributeKeySize) return false;
  *ws = coding::GetBig32(key.data());
  *chatbot = coding::GetBig32(key.data() + 4);
  *attr = GetBig16(key.data() + 8);
  return true;
}

bool DecodeApiKeyKey(std::string_view key, WorkspaceNo* ws, KeyNo* no) {
  if (key.size() != kApiKeyKeySize) return false;
  *ws = coding::GetBig32(key.data());
  *no = coding::GetBig32(key.data() + 4);
  return true;
}

bool DecodeContactKey(std::string_view key, WorkspaceNo* ws, ChatbotNo* chatbot, ContactId* id) {
  if (key.size() != kContactKeySize) return false;
  *ws = coding::GetBig32(key.data());
  *chatbot = coding::GetBig32(key.data() + 4);
  *id = coding::GetBig64(key.data() + 8);
  return true;
}

bool DecodeCounterKey(std::string_view key, uint8_t* counter) {
  if (key.size() != kCounterKeySize || key[0] != kCounterTag) return false;
  *counter = static_cast<uint8_t>(key[1]);
  return true;
}

KeyRange PrefixRange(std::string_view prefix) {
  // The successor of a prefix: drop trailing 0xff bytes, then increment the last byte left. A
  // prefix of only 0xff bytes has no successor of its length; every key sorts below KeySpaceEnd().
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return {std::string(prefix), KeySpaceEnd()};
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return {std::string(prefix), std::move(end)};
}

KeyRange WorkspaceRange(WorkspaceNo ws) { return PrefixRange(WorkspaceKey(ws)); }

KeyRange ChatbotRange(WorkspaceNo ws, ChatbotNo chatbot) {
  return PrefixRange(ChatbotKey(ws, chatbot));
}

std::string KeySpaceEnd() { return std::string(kMaxKeySize + 1, '\xff'); }

}  // namespace contactd::persist
