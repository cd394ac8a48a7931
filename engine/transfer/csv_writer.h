// CSV output: RFC 4180 quoting and spreadsheet formula-injection escaping.
//
// A cell whose text starts with = + - @ tab or CR is written with a leading apostrophe, so that a
// spreadsheet shows it as text instead of evaluating it (OWASP "CSV injection"). To keep this
// reversible, a cell that is one or more apostrophes followed by one of those characters gets one
// more apostrophe; UnescapeFormula() removes exactly one, so import(export(x)) == x.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace contactd::transfer {

// Appends `value` as one CSV field (escaped, then quoted when it holds , " CR or LF, or starts or
// ends with a space). Does not append the separator.
void AppendCsvField(std::string_view value, std::string* out);
// `cell` without the apostrophe AppendCsvField would have added (see above), else unchanged.
std::string_view UnescapeFormula(std::string_view cell);

}  // namespace contactd::transfer
