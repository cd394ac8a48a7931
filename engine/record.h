// The contact record: the one encoding of a contact, used both in memory (the engine keeps each
// contact as one immutable record) and on disk (persist/ stores the same bytes as the value).
//
// The format is documented in record.cc. It is versioned and tagged: fields added later get new
// tags, and decoders skip tags they do not know, so records written today keep loading.
//
// Thread-safety: Record is immutable after construction and may be read from any thread.
// RecordView is a non-owning view; it is valid while the bytes it views are.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/contact.h"
#include "engine/status.h"

namespace contactd {

// Encodes `c` (which must be valid) into a record.
std::string EncodeRecord(const Contact& c);
void EncodeRecordTo(const Contact& c, std::string* out);  // replaces *out

// Decodes a record. Returns kDataLoss for bytes that are not a record of a known version.
Result<Contact> DecodeRecord(std::string_view bytes);

// True when `bytes` is a well-formed record of a known version (checks every field's framing and
// every value without allocating). Records must pass it before they enter memory.
bool CheckRecord(std::string_view bytes);

// Fast accessors over an encoded record, without decoding it whole. REQUIRES: the bytes passed
// CheckRecord (records in memory always have).
class RecordView {
 public:
  explicit RecordView(std::string_view bytes) : bytes_(bytes) {}

  std::string_view bytes() const { return bytes_; }
  ContactId id() const;
  int64_t created_at() const;
  int64_t updated_at() const;
  std::string_view external_id() const;
  std::optional<std::string_view> email() const;
  std::optional<std::string_view> name() const;
  std::optional<std::string_view> phonenumber() const;
  // The value of one custom attribute, decoding nothing else.
  std::optional<AttrValue> attr(AttrNo attr) const;

 private:
  std::optional<std::string_view> Field(uint8_t tag) const;

  std::string_view bytes_;
};

// An owned, immutable record: one allocation holding its size and bytes.
class Record {
 public:
  Record() = default;
  explicit Record(std::string_view bytes);

  bool empty() const { return data_ == nullptr; }
  std::string_view bytes() const {
    if (!data_) return {};
    uint32_t n;
    std::memcpy(&n, data_.get(), sizeof n);
    return {data_.get() + sizeof n, n};
  }
  RecordView view() const { return RecordView(bytes()); }

  // Encodes `c` straight into an owned record: one allocation of the exact size.
  static Record Encode(const Contact& c);

 private:
  std::unique_ptr<char[]> data_;
};

}  // namespace contactd
