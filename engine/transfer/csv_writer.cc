// CSV output: quoting and formula escaping (see csv_writer.h).
#include "engine/transfer/csv_writer.h"

namespace contactd::transfer {
namespace {

bool IsFormulaStart(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// Whether `value` is one or more apostrophes followed by a formula character.
bool IsQuotedFormula(std::string_view value) {
  size_t i = 0;
  while (i < value.size() && value[i] == '\'') ++i;
  return i > 0 && i < value.size() && IsFormulaStart(value[i]);
}

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return false;
  if (value.front() == ' ' || value.back() == ' ') return true;
  for (char c : value) {
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

}  // namespace

void AppendCsvField(std::string_view value, std::string* out) {
  const bool escape = !value.empty() && (IsFormulaStart(value.front()) || IsQuotedFormula(value));
  if (!NeedsQuotes(value)) {
    if (escape) out->push_back('\'');
    out->append(value);
    return;
  }
  out->push_back('"');
  if (escape) out->push_back('\'');
  for (size_t start = 0;;) {
    const size_t quote = value.find('"', start);
    if (quote == std::string_view::npos) {
      out->append(value.substr(start));
      break;
    }
    out->append(value.substr(start, quote + 1 - start));
    out->push_back('"');
    start = quote + 1;
  }
  out->push_back('"');
}

std::string_view UnescapeFormula(std::string_view cell) {
  return IsQuotedFormula(cell) ? cell.substr(1) : cell;
}

}  // namespace contactd::transfer
