#include "persist/log_tail_check.h"

#include <array>
#include <memory>
#include <vector>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

namespace contactd::persist {
namespace {

constexpr size_t kBlockSize = 32768;
constexpr size_t kHeaderSize = 7;
constexpr uint8_t kMaxLegacyType =
    4;  // kFullType..kLastType; recyclable types have 11-byte headers
constexpr uint32_t kMaskDelta = 0xa282ead8u;

std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    table[i] = c;
  }
  return table;
}

const std::array<uint32_t, 256>& Table() {
  static const std::array<uint32_t, 256> table = MakeTable();
  return table;
}

// Raw CRC-32C state: start with ~0, finish with ~state.
uint32_t Extend(uint32_t state, uint8_t byte) {
  return Table()[(state ^ byte) & 0xff] ^ (state >> 8);
}

uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

uint32_t Fixed32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return uint32_t{u[0]} | uint32_t{u[1]} << 8 | uint32_t{u[2]} << 16 | uint32_t{u[3]} << 24;
}

// True when the checksum of type + some prefix of `payload` is `crc`.
bool SomePrefixMatches(uint8_t type, std::string_view payload, uint32_t crc) {
  uint32_t state = Extend(~0u, type);
  if (~state == crc) return true;
  for (char c : payload) {
    state = Extend(state, static_cast<uint8_t>(c));
    if (~state == crc) return true;
  }
  return false;
}

}  // namespace

uint32_t Crc32c(std::string_view data) {
  uint32_t state = ~0u;
  for (char c : data) state = Extend(state, static_cast<uint8_t>(c));
  return ~state;
}

std::string FindDamagedLogTail(std::string_view block) {
  size_t pos = 0;
  while (block.size() - pos >= kHeaderSize) {
    const char* header = block.data() + pos;
    const size_t length = static_cast<uint8_t>(header[4]) | size_t{static_cast<uint8_t>(header[5])}
                                                                << 8;
    const auto type = static_cast<uint8_t>(header[6]);
    if (type == 0 && length == 0) return {};  // preallocated zeros: RocksDB stops here too
    if (type > kMaxLegacyType) return {};     // RocksDB reports a bad checksum or type itself
    const size_t left = block.size() - pos - kHeaderSize;
    if (length > left) {
      // RocksDB would take this for a torn write and stop without an error.
      if (!SomePrefixMatches(type, block.substr(pos + kHeaderSize), Unmask(Fixed32(header)))) {
        return {};  // torn: what is left is not the whole record
      }
      return "the record at offset " + std::to_string(pos) + " of its last block is complete but " +
             "its length field is damaged (it claims " + std::to_string(length) + " bytes, " +
             std::to_string(left) + " follow)";
    }
    pos += kHeaderSize + length;
  }
  return {};
}

std::vector<LogRecord> ReadLogRecords(std::string_view contents) {
  std::vector<LogRecord> out;
  LogRecord current;
  bool in_record = false;
  size_t pos = 0;
  while (pos + kHeaderSize <= contents.size()) {
    const size_t block_left = kBlockSize - pos % kBlockSize;
    if (block_left < kHeaderSize) {  // a block trailer too short for a header
      pos += block_left;
      continue;
    }
    const char* header = contents.data() + pos;
    const size_t length = static_cast<uint8_t>(header[4]) | size_t{static_cast<uint8_t>(header[5])}
                                                                << 8;
    const auto type = static_cast<uint8_t>(header[6]);
    if (type == 0 || type > kMaxLegacyType || pos + kHeaderSize + length > contents.size()) break;
    const std::string_view fragment = contents.substr(pos + kHeaderSize, length);
    const bool first = type == 1 || type == 2;  // kFullType, kFirstType
    const bool last = type == 1 || type == 4;   // kFullType, kLastType
    if (first) {
      current = LogRecord{pos, 0, std::string(fragment)};
      in_record = true;
    } else if (in_record) {
      current.payload.append(fragment);
    }
    pos += kHeaderSize + length;
    if (last && in_record) {
      current.end = pos;
      out.push_back(std::move(current));
      in_record = false;
    }
  }
  return out;
}

Status CheckLogTails(const std::string& path, rocksdb::Env* env) {
  const std::shared_ptr<rocksdb::FileSystem>& fs = env->GetFileSystem();
  std::vector<std::string> children;
  if (!env->GetChildren(path, &children).ok()) return {};
  std::string current;
  if (!rocksdb::ReadFileToString(env, path + "/CURRENT", &current).ok()) current.clear();
  while (!current.empty() && current.back() == '\n') current.pop_back();
  for (const std::string& name : children) {
    const bool wal = name.size() > 4 && name.ends_with(".log") &&
                     name.find_first_not_of("0123456789") == name.size() - 4;
    if (!wal && (current.empty() || name != current)) continue;
    const std::string file = path + "/" + name;
    uint64_t size = 0;
    if (!env->GetFileSize(file, &size).ok() || size % kBlockSize == 0) continue;
    std::unique_ptr<rocksdb::FSRandomAccessFile> in;
    if (!fs->NewRandomAccessFile(file, rocksdb::FileOptions(), &in, nullptr).ok()) continue;
    const size_t n = size % kBlockSize;
    std::string scratch(n, '\0');
    rocksdb::Slice got;
    if (!in->Read(size - n, n, rocksdb::IOOptions(), &got, scratch.data(), nullptr).ok() ||
        got.size() != n) {
      continue;
    }
    const std::string damage = FindDamagedLogTail(std::string_view(got.data(), got.size()));
    if (!damage.empty()) {
      return {Code::kDataLoss, "data directory " + path + " is corrupt: " +
                                   (wal ? "write-ahead log " : "") + name + ": " + damage};
    }
  }
  return {};
}

}  // namespace contactd::persist
