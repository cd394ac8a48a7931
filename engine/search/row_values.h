// RowValues: the full values of a row's fields, for what order keys cannot decide on their own:
// verifying candidates (text equality, contains, boundaries of inexact ranges), breaking ties
// between equal keys, and writing a row's position into a cursor.
//
// Core text comes from the folded text arena; text attributes from their own arena; numbers and
// dates of attributes from the record; Stripe accounts from the record.
//
// Thread-safety: reads the index and table; the caller holds the chatbot's data lock shared.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/contact_table.h"
#include "engine/search/cursor.h"
#include "engine/search/search_index.h"

namespace contactd::search {

class RowValues {
 public:
  RowValues(const SearchIndex& index, const ContactTable& table) : index_(index), table_(table) {}

  const SearchIndex& index() const { return index_; }
  const ContactTable& table() const { return table_; }

  // Folded text of a text or phone field (digits for phonenumber). REQUIRES: kind is kText or
  // kPhone and the column is a core text column or a text attribute.
  std::string_view Text(const FieldRef& field, Row row) const;
  // An attribute's exact value from the record.
  std::optional<AttrValue> Attr(AttrNo attr, Row row) const;
  // The row's Stripe accounts.
  std::vector<StripeAccount> Stripe(Row row) const;
  ContactId Id(Row row) const;

  // The row's value for a sort key, with tie bytes (cursor.h).
  SortValue SortValueOf(const FieldRef& field, Row row) const;
  // Tie bytes of a present value; "" when keys decide alone.
  std::string Tie(const FieldRef& field, Row row) const;

 private:
  const SearchIndex& index_;
  const ContactTable& table_;
};

// Tie bytes of an exact number or date (bytewise order = value order among equal keys).
std::string NumberTie(const AttrValue& v);
std::string DateTie(const DateTime& t);

// Compares two attribute numbers exactly (int64 and double mixed): <0, 0, >0.
int CompareNumbers(const AttrValue& a, const AttrValue& b);
int CompareDates(const DateTime& a, const DateTime& b);

}  // namespace contactd::search
