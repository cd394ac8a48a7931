#include "net/export_stream.h"

#include <string>

#include "engine/record.h"
#include "engine/transfer/contact_csv.h"
#include "net/json_writer.h"
#include "net/render.h"

namespace contactd::net {

std::optional<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "json") return ExportFormat::kJson;
  if (name == "jsonl") return ExportFormat::kJsonl;
  return std::nullopt;
}

const char* ExportContentType(ExportFormat format) {
  switch (format) {
    case ExportFormat::kCsv:
      return "text/csv; charset=utf-8";
    case ExportFormat::kJson:
      return "application/json";
    case ExportFormat::kJsonl:
      return "application/x-ndjson";
  }
  return "application/octet-stream";
}

const char* ExportExtension(ExportFormat format) {
  switch (format) {
    case ExportFormat::kCsv:
      return "csv";
    case ExportFormat::kJson:
      return "json";
    case ExportFormat::kJsonl:
      return "jsonl";
  }
  return "bin";
}

bool RenderExport(const ContactSnapshot& snapshot, ExportFormat format, bool csv_bom,
                  const std::function<bool(std::string_view part)>& sink, size_t part_size) {
  const Schema& schema = *snapshot.schema;
  std::string part;
  part.reserve(part_size + 4096);
  auto flush = [&]() {
    if (part.empty()) return true;
    const bool ok = sink(part);
    part.clear();
    return ok;
  };

  if (format == ExportFormat::kCsv) {
    if (csv_bom) part = "\xEF\xBB\xBF";
    part += transfer::CsvHeader(schema);
  }
  if (format == ExportFormat::kJson) part = "[\n";
  bool first = true;
  for (const Record& record : snapshot.records) {
    auto contact = DecodeRecord(record.bytes());
    if (!contact.ok()) return false;
    switch (format) {
      case ExportFormat::kCsv:
        transfer::AppendCsvRow(schema, *contact, &part);
        break;
      case ExportFormat::kJson: {
        if (!first) part += ",\n";
        JsonWriter w(&part);
        WriteContact(w, schema, *contact);
        break;
      }
      case ExportFormat::kJsonl: {
        JsonWriter w(&part);
        WriteContact(w, schema, *contact);
        part += '\n';
        break;
      }
    }
    first = false;
    if (part.size() >= part_size && !flush()) return false;
  }
  if (format == ExportFormat::kJson) part += first ? "]\n" : "\n]\n";
  return flush();
}

}  // namespace contactd::net
