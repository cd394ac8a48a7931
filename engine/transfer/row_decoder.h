// RowDecoder: one CSV record -> a ContactInput, through a ColumnMap.
//
// Cells are unescaped (UnescapeFormula); unquoted ones are trimmed of surrounding spaces and tabs
// (quoted ones keep them: `"  a  "` is the value with its spaces). An empty cell leaves
// its field absent (an import never clears a value with a blank cell). Custom attributes are
// merged (ContactInput::merge_custom_attributes): a row sets only the attributes of its non-empty
// cells. Attribute cells are typed by the schema: number cells must spell a number (-> RawValue
// Int or Double), boolean cells true/false/yes/no/1/0 (any case), text and date cells pass as
// strings (the engine checks dates). The stripe_accounts cell is YAML (as exported) or JSON: a
// sequence of {label, stripe_id, stripe_email} maps. Phone numbers are passed as written; the
// importer normalizes them.
//
// Thread-safety: immutable after construction; Decode() may run on several threads.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "engine/contact.h"
#include "engine/schema.h"
#include "engine/status.h"
#include "engine/transfer/column_map.h"
#include "engine/transfer/csv_reader.h"

namespace contactd::transfer {

class RowDecoder {
 public:
  RowDecoder(ColumnMap map, std::shared_ptr<const Schema> schema);

  // Fills *out from `record`. Returns false, with one issue per problem (fields named as in the
  // API: "email", "custom_attributes.ltv", "stripe_accounts"), when the row cannot become a
  // contact. A record with more cells than the header is an issue (field "row"); fewer cells
  // leave the missing columns empty.
  bool Decode(const CsvRecord& record, ContactInput* out, std::vector<Issue>* issues) const;

  const ColumnMap& map() const { return map_; }

 private:
  ColumnMap map_;
  std::shared_ptr<const Schema> schema_;
  size_t attribute_columns_ = 0;  // columns mapped to a custom attribute
};

}  // namespace contactd::transfer
