#include "engine/search/pager.h"

#include <algorithm>
#include <string_view>

#include "engine/search/order_key.h"

namespace contactd::search {
namespace {

using roaring::Roaring;

// Below this many rows a segment is sorted directly instead of bucket by bucket.
constexpr uint64_t kDirectSortRows = 1024;

struct Key {
  FieldRef field;
  bool descending = false;
  const SortColumn* column = nullptr;
  bool exact = false;  // equal order keys mean equal values
  bool is_id = false;
  bool text_ties = false;  // not exact, and ties compare the folded text
};

// A row with its order keys for the sort keys from some level on.
struct Item {
  Row row;
  uint8_t present = 0;  // bit i: has a value for key (level + i)
  uint64_t keys[kMaxSortKeys + 1];
  // The first key's folded text, when its ties compare text: found once per row instead of once
  // per comparison.
  std::string_view text;
};

class Pager {
 public:
  Pager(const RowValues& v, const Query& q, const Cursor* after, size_t offset)
      : v_(v), query_(q), after_(after), skip_(offset), need_(q.per_page + 1) {
    const SearchIndex& index = v.index();
    for (const SortKey& k : q.sort) {
      const bool exact = index.KeysExact(k.field);
      spec_.push_back({k.field, k.descending, &index.column(k.field), exact,
                       k.field.column == Column::kId,
                       !exact && (k.field.kind == Kind::kText || k.field.kind == Kind::kPhone)});
    }
    const FieldRef id{Column::kId, 0, Kind::kInteger};
    if (!spec_.back().is_id) {
      spec_.push_back({id, q.sort.front().descending, &index.column(id), true, true});
    }
  }

  PageResult Run(const Roaring* matches) {
    Walk(matches, 0, after_ != nullptr);
    PageResult result;
    if (out_.size() > query_.per_page) {
      out_.resize(query_.per_page);
      Cursor next;
      next.fingerprint = query_.fingerprint;
      for (const SortKey& k : query_.sort)
        next.values.push_back(v_.SortValueOf(k.field, out_.back()));
      next.id = v_.Id(out_.back());
      result.next = std::move(next);
    }
    result.rows = std::move(out_);
    return result;
  }

 private:
  // The cursor's position for the key at `level`.
  bool CursorPresent(size_t level) const {
    return level >= after_->values.size() || after_->values[level].present;
  }
  uint64_t CursorKey(size_t level) const {
    return level >= after_->values.size() ? OrderKey(static_cast<int64_t>(after_->id))
                                          : after_->values[level].key;
  }

  int Directed(const Key& k, int cmp) const { return k.descending ? -cmp : cmp; }

  // Compares two values that share an order key by their full values.
  int CompareTies(const Key& k, Row a, Row b) const {
    if (k.exact) return 0;
    if (k.field.kind == Kind::kText || k.field.kind == Kind::kPhone) {
      return v_.Text(k.field, a).compare(v_.Text(k.field, b));
    }
    return v_.Tie(k.field, a).compare(v_.Tie(k.field, b));
  }

  int Compare(const Item& a, const Item& b, size_t level) const {
    for (size_t i = level; i < spec_.size(); ++i) {
      const Key& k = spec_[i];
      const uint8_t bit = static_cast<uint8_t>(1u << (i - level));
      const bool pa = a.present & bit, pb = b.present & bit;
      if (pa != pb) return pa ? -1 : 1;  // missing values last, in either direction
      if (!pa) continue;
      const uint64_t ka = a.keys[i - level], kb = b.keys[i - level];
      if (ka != kb) return Directed(k, ka < kb ? -1 : 1);
      const int t =
          i == level && k.text_ties ? a.text.compare(b.text) : CompareTies(k, a.row, b.row);
      if (t != 0) return Directed(k, t);
    }
    return 0;
  }

  // The item against the cursor's position: > 0 when the item comes after it.
  int CompareToCursor(const Item& a, size_t level) const {
    for (size_t i = level; i < spec_.size(); ++i) {
      const Key& k = spec_[i];
      const bool pa = a.present & (1u << (i - level));
      const bool pc = CursorPresent(i);
      if (pa != pc) return pa ? -1 : 1;
      if (!pa) continue;
      const uint64_t ka = a.keys[i - level], kc = CursorKey(i);
      if (ka != kc) return Directed(k, ka < kc ? -1 : 1);
      if (k.exact || k.is_id) continue;
      const std::string tie = v_.Tie(k.field, a.row);
      if (int t = tie.compare(after_->values[i].tie); t != 0) return Directed(k, t);
    }
    return 0;
  }

  // True when `items` are in order, or were in reverse order and now are reversed. Linear; stops
  // at the first pair that fits neither.
  template <typename Less>
  static bool InOrderOrReversed(std::vector<Item>* items, Less less) {
    if (std::is_sorted(items->begin(), items->end(), less)) return true;
    for (size_t i = 1; i < items->size(); ++i) {
      if (!less((*items)[i], (*items)[i - 1])) return false;
    }
    std::reverse(items->begin(), items->end());
    return true;
  }

  Item MakeItem(Row row, size_t level) const {
    Item item{row, 0, {}, {}};
    for (size_t i = level; i < spec_.size(); ++i) {
      const SortColumn& c = *spec_[i].column;
      // Rows reach `level` only when they have its value; every row has an id.
      if (i == level || spec_[i].is_id || c.has(row)) {
        item.present |= static_cast<uint8_t>(1u << (i - level));
        item.keys[i - level] = c.key(row);
      }
    }
    if (spec_[level].text_ties) item.text = v_.Text(spec_[level].field, row);
    return item;
  }

  // Sorts `rows` (all with a value at `level`) and appends what the page still needs.
  void Emit(const Roaring& rows, size_t level, bool after_cursor) {
    std::vector<uint32_t> list(rows.cardinality());
    rows.toUint32Array(list.data());
    std::vector<Item> items;
    items.reserve(list.size());
    for (Row r : list) {
      Item item = MakeItem(r, level);
      if (after_cursor && CompareToCursor(item, level) <= 0) continue;
      items.push_back(item);
    }
    if (skip_ >= items.size()) {
      skip_ -= items.size();
      return;
    }
    const size_t want = std::min(items.size(), skip_ + (need_ - out_.size()));
    auto less = [&](const Item& a, const Item& b) { return Compare(a, b, level) < 0; };
    // Selecting first and sorting the selection is linear; partial_sort's heap is n log(want),
    // and worst on rows that arrive in reverse order (newest first over ascending ids).
    const auto mid = items.begin() + static_cast<ptrdiff_t>(want);
    if (want == items.size() && InOrderOrReversed(&items, less)) {
      // Rows often arrive in order already (ids ascend with rows): a whole bucket, as a full walk
      // (an export) takes it, then needs no sort.
    } else {
      if (want < items.size()) std::nth_element(items.begin(), mid, items.end(), less);
      std::sort(items.begin(), mid, less);
    }
    for (size_t i = skip_; i < want; ++i) out_.push_back(items[i].row);
    skip_ = 0;
  }

  void Walk(const Roaring* m, size_t level, bool cursor_active) {
    const Key& k = spec_[level];
    const SortColumn& c = *k.column;
    const bool in_values = !cursor_active || CursorPresent(level);
    if (in_values) {
      WalkValues(m, level, cursor_active);
      cursor_active = false;  // everything below comes after the cursor
      if (out_.size() >= need_) return;
    }
    if (level + 1 == spec_.size()) return;
    Roaring without = (m ? *m : v_.index().alive()) - c.with_value();
    if (!without.isEmpty()) Walk(&without, level + 1, cursor_active);
  }

  // Rows of `m` that have a value at `level`, in order.
  void WalkValues(const Roaring* m, size_t level, bool cursor_active) {
    const SortColumn& c = *spec_[level].column;
    const uint64_t count = m ? m->and_cardinality(c.with_value()) : c.with_value().cardinality();
    if (!cursor_active && skip_ >= count) {
      skip_ -= count;
      return;
    }
    // One bucket is walked like many: it may be a long run of one key (a bulk load's created_at)
    // that the next key orders without sorting it.
    if (count <= kDirectSortRows) {
      Emit(m ? *m & c.with_value() : c.with_value(), level, cursor_active);
      return;
    }
    const bool desc = spec_[level].descending;
    const size_t n = c.bucket_count();
    size_t i = cursor_active ? c.FindBucket(CursorKey(level)) : (desc ? n - 1 : 0);
    for (bool first = true; i < n; i = desc ? i - 1 : i + 1, first = false) {
      const Roaring rows = m ? c.bucket(i) & *m : c.bucket(i);
      const uint64_t size = rows.cardinality();
      if (!(cursor_active && first) && skip_ > 0 && skip_ >= size) {
        skip_ -= size;
        continue;
      }
      if (size > kDirectSortRows && c.SingleKey(i) && spec_[level].exact &&
          level + 1 < spec_.size()) {
        // A large run of one exact key: ordered by the next keys (finally the id), so walk those
        // columns instead of sorting the run.
        const uint64_t run_key = c.key(rows.minimum());
        bool run_cursor = false;
        if (cursor_active && first) {
          const uint64_t cursor_key = CursorKey(level);
          if (cursor_key == run_key) {
            run_cursor = true;  // the cursor is inside this run
          } else if ((run_key < cursor_key) != desc) {
            continue;  // the run lies before the cursor
          }
        }
        Walk(&rows, level + 1, run_cursor);
      } else {
        Emit(rows, level, cursor_active && first);
      }
      if (out_.size() >= need_) return;
    }
  }

  const RowValues& v_;
  const Query& query_;
  const Cursor* after_;
  size_t skip_;
  const size_t need_;
  std::vector<Key> spec_;
  std::vector<Row> out_;
};

}  // namespace

PageResult Paginate(const RowValues& values, const roaring::Roaring* matches, const Query& query,
                    const Cursor* after, size_t offset) {
  return Pager(values, query, after, offset).Run(matches);
}

}  // namespace contactd::search
