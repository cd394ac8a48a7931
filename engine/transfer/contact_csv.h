// Contacts as CSV rows (export) and stripe accounts as YAML (both directions).
//
// Columns: id, external_id, name, email, phonenumber, stripe_accounts, created_at, updated_at,
// then one per custom attribute of the schema (archived ones included) by name, in definition
// order. Timestamps are Unix seconds; numbers as in JSON; booleans true/false; dates as stored
// (ISO 8601). Stripe accounts are a YAML sequence of maps (label, stripe_id, stripe_email), empty
// when there are none. Every cell goes through AppendCsvField (quoting and formula escaping);
// lines end with CRLF.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/contact.h"
#include "engine/record.h"
#include "engine/schema.h"
#include "engine/status.h"

namespace contactd::transfer {

// The header line, CRLF included.
std::string CsvHeader(const Schema& schema);
// Appends one contact's line, CRLF included. REQUIRES: `schema` names every attribute it has.
void AppendCsvRow(const Schema& schema, const Contact& contact, std::string* out);

// "- label: main\n  stripe_id: cus_123\n" (yaml-cpp); "" for no accounts.
std::string StripeAccountsToYaml(const std::vector<StripeAccount>& accounts);
// The inverse; also accepts JSON (a YAML subset). kInvalidArgument with a sentence when the text
// is not a sequence of maps with string values and known keys.
Result<std::vector<StripeAccount>> StripeAccountsFromYaml(std::string_view text);

}  // namespace contactd::transfer
