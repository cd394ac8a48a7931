// Column mapping for CSV imports: which contact field each column of the header fills.
//
// Automatic mapping compares header names after folding (lower case, with spaces, '-', '_', '.'
// and ':' removed) against the core fields and their common spellings in real exports: Google
// Contacts ("E-mail 1 - Value", "Phone 1 - Value", "Given Name", "Family Name"), Outlook ("E-mail
// Address", "Mobile Phone", "First Name", "Last Name"), HubSpot ("Email", "Phone Number", "Record
// ID"), Chatwoot ("identifier", "phone_number"), and generic ones ("ID", "User ID", "Customer ID",
// "Full Name", "Mobile", ...), and custom attributes by name or label (ignoring case). Per column,
// in this order: a core field's own name, a custom attribute's name (an attribute "mobile" is not
// taken for the phone), a common spelling, a custom attribute's label. Columns named id,
// created_at or updated_at next to an external_id column are the server's fields of an export and
// are ignored. When several columns map to one field, the field's own name beats specific
// spellings ("User ID", "Mobile Phone"), which beat vague ones (a bare "ID", "Record ID", "Home
// Phone"); among equals the first column wins; the others are unmapped. First, middle and last
// name columns are joined into the name when there is no full-name column (or it is empty).
//
// An explicit mapping ("column" -> "field") overrides the automatic one for its columns. Fields
// are spelled external_id, name, first_name, middle_name, last_name, email, phonenumber,
// stripe_accounts, custom_attributes.<name> or <attribute name>; an empty field ignores the
// column. Unmapped columns are reported, never silently dropped.
//
// Thread-safety: pure functions; ColumnMap is a value.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/contact.h"
#include "engine/schema.h"
#include "engine/status.h"

namespace contactd::transfer {

enum class Target : uint8_t {
  kUnmapped,  // reported in `unmapped`
  kIgnored,   // explicitly ignored, or a server field of an export (id, created_at, updated_at)
  kExternalId,
  kName,
  kFirstName,
  kMiddleName,
  kLastName,
  kEmail,
  kPhone,
  kStripeAccounts,
  kAttribute,
};

struct ColumnTarget {
  Target target = Target::kUnmapped;
  AttrNo attr = 0;  // kAttribute
};

struct ColumnMap {
  std::vector<ColumnTarget> columns;  // one per header column
  // For the import report: (column, field) for every mapped column, in column order, and the
  // names of the unmapped and ignored columns.
  std::vector<std::pair<std::string, std::string>> mapped;
  std::vector<std::string> unmapped;
  std::vector<std::string> ignored;
};

// Errors (kInvalidArgument, with an issue per problem, field "map[<column>]" or "header"): an
// explicit mapping naming a column the header does not have, or a field that does not exist, two
// columns explicitly mapped to one field, an empty header.
Result<ColumnMap> MapColumns(const std::vector<std::string>& header,
                             const std::vector<std::pair<std::string, std::string>>& explicit_map,
                             const Schema& schema);

}  // namespace contactd::transfer
