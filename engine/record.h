// The contact record: the one encoding of a contact, used both in memory (the engine keeps each
// contact as one immutable record) and on disk (persist/ stores the same bytes as the value).
//
// The format is documented in record.cc. It is versioned and tagged: fields added later get new
// tags, and decoders skip tags they do not know, so records written today keep loading.
//
// Thread-safety: a Record's bytes are immutable after construction and may be read from any
// thread; copies share them (see Record).
// RecordView is a non-owning view; it is valid while the bytes it views are.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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

// An owned, immutable record, shared by reference counting: one allocation holding an atomic
// 32-bit reference count, the size and the bytes. Copying adds a reference (the bytes are never
// copied); the last reference frees the allocation. The engine's table and a snapshot (an export)
// can thus hold the same records, and a write replaces a table's reference without touching the
// snapshot's.
//
// Thread-safety: copies of one Record may be made, read and destroyed concurrently from any
// threads (the count is atomic); one Record object itself is not modified concurrently.
class Record {
 public:
  Record() = default;
  explicit Record(std::string_view bytes);
  Record(const Record& other) noexcept : data_(other.data_) {
    if (data_) refs().fetch_add(1, std::memory_order_relaxed);
  }
  Record(Record&& other) noexcept : data_(other.data_) { other.data_ = nullptr; }
  Record& operator=(const Record& other) noexcept {
    Record copy(other);
    std::swap(data_, copy.data_);
    return *this;
  }
  Record& operator=(Record&& other) noexcept {
    std::swap(data_, other.data_);
    return *this;
  }
  ~Record() {
    if (data_) Unref();
  }

  bool empty() const { return data_ == nullptr; }
  std::string_view bytes() const {
    if (!data_) return {};
    uint32_t n;
    std::memcpy(&n, data_ + kSizeAt, sizeof n);
    return {data_ + kBytesAt, n};
  }
  RecordView view() const { return RecordView(bytes()); }
  // How many Records share these bytes (0 when empty). For tests and diagnostics: another thread
  // may change it at any time.
  uint32_t use_count() const { return data_ ? refs().load(std::memory_order_relaxed) : 0; }

  // Hints the CPU to fetch the allocation (before a copy or a read of many records).
  void Prefetch() const { __builtin_prefetch(data_); }

  // Encodes `c` straight into an owned record: one allocation of the exact size.
  static Record Encode(const Contact& c);

 private:
  static constexpr size_t kSizeAt = sizeof(std::atomic<uint32_t>);
  static constexpr size_t kBytesAt = kSizeAt + sizeof(uint32_t);
  static_assert(sizeof(std::atomic<uint32_t>) == 4 && std::atomic<uint32_t>::is_always_lock_free);

  std::atomic<uint32_t>& refs() const { return *reinterpret_cast<std::atomic<uint32_t>*>(data_); }
  void Unref() noexcept;

  char* data_ = nullptr;  // refs, size, bytes
};

}  // namespace contactd
