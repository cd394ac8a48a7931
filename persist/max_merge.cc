#include "persist/max_merge.h"

#include "engine/coding.h"

namespace contactd::persist {

std::string EncodeCounterValue(uint64_t v) {
  std::string out;
  coding::PutBig64(&out, v);
  return out;
}

bool DecodeCounterValue(std::string_view value, uint64_t* out) {
  if (value.size() != sizeof(uint64_t)) return false;
  *out = coding::GetBig64(value.data());
  return true;
}

bool MaxMergeOperator::Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing_value,
                             const rocksdb::Slice& value, std::string* new_value,
                             rocksdb::Logger* /*logger*/) const {
  uint64_t operand;
  if (!DecodeCounterValue(value.ToStringView(), &operand)) return false;
  if (existing_value != nullptr) {
    uint64_t existing;
    if (!DecodeCounterValue(existing_value->ToStringView(), &existing)) return false;
    // Big-endian fixed width: the larger number is also the bytewise larger value.
    if (existing >= operand) {
      new_value->assign(existing_value->data(), existing_value->size());
      return true;
    }
  }
  new_value->assign(value.data(), value.size());
  return true;
}

}  // namespace contactd::persist
