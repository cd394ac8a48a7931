// Log tail check: finds damage at the end of a write-ahead log or of the MANIFEST that RocksDB's
// recovery would take for a torn last write and skip without an error.
//
// Both files use RocksDB's log format: 32 KiB blocks of physical records, each with a 7-byte header
// (masked CRC-32C of type and payload: 4 bytes; payload length: 2 bytes little-endian; type: 1
// byte) and its payload. When a record in the final, partial block of a file claims more bytes than
// the file has left, RocksDB (kTolerateCorruptedTailRecords, and always for the MANIFEST) assumes
// the writer died mid-record and stops reading that file there, silently. After a crash that is
// right: the record was being written and was never acknowledged. But a damaged length field in a
// complete record looks the same, and then acknowledged writes (or, in the MANIFEST, the record of
// flushed table files) would vanish.
//
// The check tells the two apart with the record's own checksum: a torn record has fewer payload
// bytes than it was written with, so no prefix of what is left matches its CRC (except with
// probability ~2^-32 per byte left); a complete record whose length field was damaged still holds
// its whole payload, so the prefix of its true length matches.
//
// ReadLogRecords() walks the logical records of such a file (persist/failed_writes.h uses it to
// find the records of failed writes).
//
// Thread-safety: pure functions over files nobody writes (call before opening the database).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace rocksdb {
class Env;
}

namespace contactd::persist {

// Checks `block`, the final block of a log-format file (its last size % 32 KiB bytes; a file whose
// size is a whole number of blocks has none to check). Returns an empty string when the tail is
// sound or torn; otherwise what is wrong, with the offset of the damaged record in the block.
std::string FindDamagedLogTail(std::string_view block);

// Checks every write-ahead log of the data directory at `path` and the MANIFEST its CURRENT file
// names. Returns kDataLoss naming the file when one has a damaged tail (see above), else OK.
// Files that cannot be read are left to RocksDB to report.
Status CheckLogTails(const std::string& path, rocksdb::Env* env);

// A logical record of a log-format file: the offsets where its first fragment's header starts and
// its last fragment ends, and its payload (fragments joined).
struct LogRecord {
  size_t begin = 0;
  size_t end = 0;
  std::string payload;
};

// The complete logical records of `contents`, a whole log-format file, in order. Stops at the first
// torn, malformed or zero-filled part; does not check checksums.
std::vector<LogRecord> ReadLogRecords(std::string_view contents);

// The CRC-32C (Castagnoli) of `data`, as RocksDB computes it before masking. Exposed for tests.
uint32_t Crc32c(std::string_view data);

}  // namespace contactd::persist
