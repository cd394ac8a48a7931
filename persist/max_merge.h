// MaxMergeOperator: a RocksDB merge operator that keeps the largest of fixed 8-byte big-endian
// unsigned values. The meta column family uses it for counters (Mutation::RaiseCounter), so
// concurrent commits that raise one counter may land in any order and the stored value is still
// the maximum.
//
// Its name is persisted in the OPTIONS file; do not change it.
//
// Thread-safety: stateless; RocksDB calls it from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <rocksdb/merge_operator.h>

namespace contactd::persist {

class MaxMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  // Returns false (RocksDB reports Corruption) when an operand is not exactly 8 bytes.
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* logger) const override;
  const char* Name() const override { return "contactd.MaxU64"; }
};

// The value a counter is stored (and merged) as: 8 bytes, big-endian.
std::string EncodeCounterValue(uint64_t v);
// Returns false unless `value` is exactly 8 bytes.
bool DecodeCounterValue(std::string_view value, uint64_t* out);

}  // namespace contactd::persist
