// Export rendering: a ContactSnapshot (engine/engine.h) as CSV, a JSON array or JSONL, produced in
// parts of about 64 KiB for a streamed response (HttpResponse::stream), so memory holds one part
// besides the snapshot's shared records.
//
//   csv    transfer::CsvHeader, then transfer::AppendCsvRow per contact (engine/transfer); with
//          csv_bom, led by a UTF-8 byte order mark (Excel reads the file as UTF-8 only then).
//   json   "[\n" + one contact object per line, as the API renders it, separated by ",\n" +
//          "\n]\n" ("[\n]\n" when there are none).
//   jsonl  one contact object per line.
//
// Thread-safety: pure functions; the snapshot is immutable and may be rendered on any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

#include "engine/engine.h"

namespace contactd::net {

enum class ExportFormat { kCsv, kJson, kJsonl };

inline constexpr size_t kExportPartSize = size_t{64} << 10;

// "csv", "json", "jsonl" (exact); nullopt otherwise.
std::optional<ExportFormat> ParseExportFormat(std::string_view name);
// "text/csv; charset=utf-8", "application/json", "application/x-ndjson".
const char* ExportContentType(ExportFormat format);
// "csv", "json", "jsonl".
const char* ExportExtension(ExportFormat format);

// Calls sink(part) for each part, in order. Returns true when everything was rendered; false as
// soon as sink returns false (the connection failed) or a record does not decode (not reached:
// records in memory are checked).
bool RenderExport(const ContactSnapshot& snapshot, ExportFormat format, bool csv_bom,
                  const std::function<bool(std::string_view part)>& sink,
                  size_t part_size = kExportPartSize);

}  // namespace contactd::net
