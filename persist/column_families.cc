#include "persist/column_families.h"

#include <algorithm>
#include <array>
#include <memory>

#include <rocksdb/cache.h>
#include <rocksdb/table.h>

#include "persist/append_memtable.h"
#include "persist/max_merge.h"

namespace contactd::persist {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

// One column family's name and tuning.
struct CfSpec {
  Cf cf;
  const char* name;           // persisted; do not change
  size_t write_buffer_bytes;  // memtable size
  int max_write_buffers;      // memtables (one active, the rest waiting for flush)
  size_t block_bytes;         // SST data block size
  bool max_merge;             // values are counters merged with MaxMergeOperator
  bool append_memtable;       // keys mostly ascend: AppendMemTableRepFactory, not the skip list
};

// The one table of column families. Small entities (control plane) get small memtables; contacts
// take nearly every write, so they get large memtables and larger blocks (scanned once at start-up,
// never point-read), and a memtable that appends: new contacts' keys ascend.
constexpr std::array<CfSpec, kCfCount> kCfs = {{
    {Cf::kDefault, "default", 1 * kMiB, 2, 4096, false, false},
    {Cf::kMeta, "meta", 1 * kMiB, 2, 4096, true, false},
    {Cf::kWorkspaces, "workspaces", 4 * kMiB, 2, 4096, false, false},
    {Cf::kChatbots, "chatbots", 4 * kMiB, 2, 4096, false, false},
    {Cf::kAttributes, "attributes", 4 * kMiB, 2, 4096, false, false},
    {Cf::kApiKeys, "apikeys", 4 * kMiB, 2, 4096, false, false},
    {Cf::kContacts, "contacts", 64 * kMiB, 4, 16 * 1024, false, true},
}};

constexpr bool InCfOrder() {
  for (size_t i = 0; i < kCfs.size(); ++i) {
    if (static_cast<size_t>(kCfs[i].cf) != i) return false;
  }
  return true;
}
static_assert(InCfOrder(), "kCfs must list the column families in Cf order");

}  // namespace

const char* CfName(Cf cf) { return kCfs[static_cast<size_t>(cf)].name; }

std::vector<rocksdb::ColumnFamilyDescriptor> CfDescriptors(
    const rocksdb::ColumnFamilyOptions& base) {
  auto merge = std::make_shared<MaxMergeOperator>();
  auto append_memtable = std::make_shared<AppendMemTableRepFactory>();
  // One small block cache for all: scans bypass it (fill_cache = false), so it only holds what
  // compactions and the rare read touch.
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(8 * kMiB);
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  out.reserve(kCfs.size());
  for (const CfSpec& spec : kCfs) {
    rocksdb::ColumnFamilyOptions o = base;
    o.write_buffer_size = spec.write_buffer_bytes;
    o.max_write_buffer_number = spec.max_write_buffers;
    // Level sizes follow the data (less space amplification for a store that mostly grows).
    o.level_compaction_dynamic_level_bytes = true;
    o.target_file_size_base = std::max<uint64_t>(spec.write_buffer_bytes, 8 * kMiB);
    o.max_bytes_for_level_base = 4 * o.target_file_size_base;
    rocksdb::BlockBasedTableOptions table;
    table.block_size = spec.block_bytes;
    table.block_cache = cache;
    table.format_version = 5;
    // No filter: the store is only ever scanned, never point-read.
    table.filter_policy.reset();
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    if (spec.max_merge) o.merge_operator = merge;
    if (spec.append_memtable) o.memtable_factory = append_memtable;
    out.emplace_back(spec.name, std::move(o));
  }
  return out;
}

}  // namespace contactd::persist
