// Runs a search every way (cursor walk with varying page sizes, offset pages) and compares each
// page, total and next_cursor with the reference model's fully sorted result.
//
// Thread-safety: none; each test owns its checker.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/attr_value.h"
#include "engine/contact.h"
#include "engine/schema.h"
#include "engine/search/fold.h"
#include "engine/search/query.h"
#include "engine/status.h"

#include "tests/engine/search/search_generators.h"

namespace contactd::search::reference {

// ------------------------------------------------------------------------------------------------
// Running a query every way and comparing with the reference.

struct PageOut {
  std::vector<ContactId> ids;
  uint64_t total = 0;
  std::optional<std::string> next_cursor;
};
using SearchFn = std::function<Result<PageOut>(const SearchInput&)>;

struct WalkOptions {
  size_t max_pages = 200;          // raise per_page so that a walk takes at most this many pages
  size_t offset_pages = SIZE_MAX;  // offset pages to check (first, last and random ones)
  bool vary_per_page = true;       // change per_page between cursor pages (not in the fingerprint)
};

class Checker {
 public:
  Checker(const Model* model, const Schema* schema, Rng* rng, uint64_t seed)
      : model_(*model), schema_(schema), rng_(*rng), seed_(seed) {}

  size_t failures() const { return failures_; }
  size_t queries() const { return queries_; }
  size_t pages() const { return pages_; }

  // Checks `q` by a cursor walk and an offset walk. Returns false on a mismatch (reported).
  bool Check(const SearchFn& search, RQuery q, const WalkOptions& opt = {}) {
    ++queries_;
    const std::vector<const RefRow*> want_rows = model_.Run(q);
    std::vector<ContactId> want;
    want.reserve(want_rows.size());
    for (const RefRow* r : want_rows) want.push_back(r->c.id);
    const size_t n = want.size();
    if (opt.max_pages != SIZE_MAX && n / q.per_page > opt.max_pages) {
      q.per_page = n / opt.max_pages + Uniform(rng_, 1, 10);
    }
    const SearchInput base = ToInput(q);

    // Cursor walk.
    std::vector<ContactId> got;
    std::optional<std::string> cursor;
    size_t per_page = q.per_page;
    for (size_t page = 0;; ++page) {
      SearchInput in = base;
      in.per_page = per_page;
      in.cursor = cursor;
      Result<PageOut> r = search(in);
      ++pages_;
      if (!r.ok())
        return Fail(q, want_rows,
                    "cursor page " + std::to_string(page) + ": " + r.status().ToString() +
                        IssuesOf(r.status()));
      if (r->total != n) {
        return Fail(q, want_rows,
                    "cursor page " + std::to_string(page) + ": total " + std::to_string(r->total) +
                        ", want " + std::to_string(n));
      }
      const size_t at = got.size();
      const size_t expect = std::min(per_page, n - std::min(n, at));
      if (r->ids.size() != expect) {
        got.insert(got.end(), r->ids.begin(), r->ids.end());
        return FailOrder(q, want_rows, got,
                         "cursor page " + std::to_string(page) + " has " +
                             std::to_string(r->ids.size()) + " rows, want " +
                             std::to_string(expect));
      }
      got.insert(got.end(), r->ids.begin(), r->ids.end());
      for (size_t i = at; i < got.size(); ++i) {
        if (got[i] != want[i]) {
          return FailOrder(q, want_rows, got, "cursor walk differs at " + std::to_string(i));
        }
      }
      const bool more = got.size() < n;
      if (r->next_cursor.has_value() != more) {
        return Fail(q, want_rows,
                    "cursor page " + std::to_string(page) + ": next_cursor " +
                        (r->next_cursor ? "present" : "absent") + " with " +
                        std::to_string(n - got.size()) + " rows to go");
      }
      if (!more) break;
      cursor = r->next_cursor;
      if (opt.vary_per_page && Chance(rng_, 0.2)) {
        per_page = std::max<size_t>(1, q.per_page / 2 + Uniform(rng_, 0, q.per_page));
      }
    }

    // Offset walk: pages 1..last and one past the end.
    const size_t pp = q.per_page;
    const size_t last = n == 0 ? 1 : (n + pp - 1) / pp;
    std::vector<size_t> pages;
    if (opt.offset_pages >= last + 1) {
      for (size_t p = 1; p <= last + 1; ++p) pages.push_back(p);
    } else {
      pages = {1, 2, last, last + 1};
      while (pages.size() < opt.offset_pages) pages.push_back(Uniform(rng_, 1, last));
    }
    for (size_t p : pages) {
      SearchInput in = base;
      in.page = p;
      Result<PageOut> r = search(in);
      ++pages_;
      if (!r.ok()) {
        return Fail(
            q, want_rows,
            "page " + std::to_string(p) + ": " + r.status().ToString() + IssuesOf(r.status()));
      }
      if (r->total != n) {
        return Fail(q, want_rows,
                    "page " + std::to_string(p) + ": total " + std::to_string(r->total) +
                        ", want " + std::to_string(n));
      }
      const size_t from = std::min(n, (p - 1) * pp), to = std::min(n, p * pp);
      const std::vector<ContactId> slice(want.begin() + from, want.begin() + to);
      if (r->ids != slice) {
        std::vector<ContactId> shown(want.begin(), want.begin() + from);
        shown.insert(shown.end(), r->ids.begin(), r->ids.end());
        return FailOrder(q, want_rows, shown, "offset page " + std::to_string(p) + " differs");
      }
    }
    return true;
  }

  // Describes rows around position `at` of the wanted and received orders.
  std::string Around(const std::vector<const RefRow*>& want, const std::vector<ContactId>& got,
                     size_t at) const {
    std::ostringstream os;
    const size_t lo = at >= 2 ? at - 2 : 0;
    for (size_t i = lo; i < at + 3; ++i) {
      os << "  [" << i << "] want ";
      if (i < want.size()) {
        os << Describe(want[i]->c, schema_);
      } else {
        os << "(end)";
      }
      os << "\n       got  ";
      if (i < got.size()) {
        const RefRow* r = model_.FindRow(got[i]);
        os << (r ? Describe(r->c, schema_) : "unknown contact_" + std::to_string(got[i]));
      } else {
        os << "(end)";
      }
      os << "\n";
    }
    return os.str();
  }

 private:
  static std::string IssuesOf(const Status& s) {
    std::string out;
    for (const Issue& i : s.issues()) out += " [" + i.field + ": " + i.message + "]";
    return out;
  }

  bool Fail(const RQuery& q, const std::vector<const RefRow*>& want, const std::string& what) {
    ++failures_;
    ADD_FAILURE() << "seed " << seed_ << ", query #" << queries_ << ": " << what << "\n  "
                  << Describe(q) << "\n  want " << want.size() << " rows";
    return false;
  }

  bool FailOrder(const RQuery& q, const std::vector<const RefRow*>& want,
                 const std::vector<ContactId>& got, const std::string& what) {
    size_t at = 0;
    while (at < got.size() && at < want.size() && got[at] == want[at]->c.id) ++at;
    ++failures_;
    ADD_FAILURE() << "seed " << seed_ << ", query #" << queries_ << ": " << what
                  << " (first difference at " << at << ")\n  " << Describe(q) << "\n  want "
                  << want.size() << " rows, got " << got.size() << " so far\n"
                  << Around(want, got, at);
    return false;
  }

  const Model& model_;
  const Schema* schema_;
  Rng& rng_;
  uint64_t seed_;
  size_t failures_ = 0;
  size_t queries_ = 0;
  size_t pages_ = 0;
};

}  // namespace contactd::search::reference
