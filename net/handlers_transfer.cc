// Import and export handlers: POST /contacts/import and GET /contacts/export (both streamed; see
// Router::IsStreaming). They run on the server's stream pool.
//
// Import query: format=csv|json|jsonl (else from Content-Type), dry_run=true|false,
// default_country=CC, generate_ids=true|false, map[COLUMN]=FIELD (CSV only, repeatable),
// max_errors=0..100000 (default 1000), separator=,|;|tab (CSV; default from the header). Export
// query: format=csv|json|jsonl (default json), bom=true|false (CSV) and the list's q, filter[...],
// sort, order (no paging).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/phone.h"
#include "engine/schema.h"
#include "engine/transfer/column_map.h"
#include "engine/transfer/csv_reader.h"
#include "engine/transfer/row_decoder.h"
#include "net/api.h"
#include "net/errors.h"
#include "net/export_stream.h"
#include "net/import_stream.h"
#include "net/importer.h"
#include "net/json_writer.h"
#include "net/search_request.h"

namespace contactd::net {
namespace {

constexpr size_t kDefaultMaxErrors = 1000;
constexpr size_t kMaxMaxErrors = 100000;

struct ImportRequest {
  std::optional<ExportFormat> format;
  ImportOptions options;
  bool country_given = false;
  std::vector<std::pair<std::string, std::string>> map;  // (column, field)
  std::optional<char> separator;                         // CSV: given, else detected
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The format a Content-Type names (parameters such as charset ignored).
std::optional<ExportFormat> FormatOfContentType(std::string_view content_type) {
  std::string type = Lower(content_type.substr(0, content_type.find(';')));
  type.erase(0, type.find_first_not_of(" \t"));
  type.erase(type.find_last_not_of(" \t") + 1);
  if (type == "text/csv") return ExportFormat::kCsv;
  if (type == "application/json") return ExportFormat::kJson;
  if (type == "application/x-ndjson" || type == "application/jsonl" ||
      type == "application/x-jsonlines") {
    return ExportFormat::kJsonl;
  }
  return std::nullopt;
}

std::optional<bool> ParseBool(std::string_view v) {
  if (v == "true") return true;
  if (v == "false") return false;
  return std::nullopt;
}

Result<ImportRequest> ParseImportRequest(const RequestContext& ctx) {
  ImportRequest req;
  req.options.max_errors = kDefaultMaxErrors;
  std::vector<Issue> issues;
  for (const auto& [key, value] : ctx.query) {
    if (key == "format") {
      req.format = ParseExportFormat(value);
      if (!req.format) issues.push_back({key, "Unknown format; use csv, json or jsonl"});
    } else if (key == "dry_run" || key == "generate_ids") {
      const auto b = ParseBool(value);
      if (!b) {
        issues.push_back({key, "Expected true or false"});
      } else if (key == "dry_run") {
        req.options.dry_run = *b;
      } else {
        req.options.generate_ids = *b;
      }
    } else if (key == "default_country") {
      std::string region = value;
      for (char& c : region) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!phone::IsKnownRegion(region)) {
        issues.push_back({key, "Unknown country; use an ISO 3166-1 alpha-2 code such as GB"});
      }
      req.options.default_country = std::move(region);
      req.country_given = true;
    } else if (key == "max_errors") {
      size_t n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() ||
          n > kMaxMaxErrors) {
        issues.push_back({key, "Expected an integer from 0 to 100000"});
      } else {
        req.options.max_errors = n;
      }
    } else if (key == "separator") {
      if (value == "," || value == ";") {
        req.separator = value[0];
      } else if (value == "tab" || value == "\t") {
        req.separator = '\t';
      } else {
        issues.push_back({key, "Expected , or ; or tab"});
      }
    } else if (key.starts_with("map[") && key.ends_with("]") && key.size() > 5) {
      req.map.emplace_back(key.substr(4, key.size() - 5), value);
    } else {
      issues.push_back({key, "Unknown query parameter"});
    }
  }
  if (!req.format) {
    if (ctx.request.content_type.empty()) {
      issues.push_back({"format",
                        "Give ?format=csv|json|jsonl or a Content-Type (text/csv, "
                        "application/json, application/x-ndjson)"});
    } else if (!(req.format = FormatOfContentType(ctx.request.content_type))) {
      // Echoed as printable ASCII only: a header may hold any bytes, a JSON answer may not.
      std::string shown = ctx.request.content_type.substr(0, 100);
      for (char& c : shown) {
        if (c < 0x20 || c > 0x7E) c = '?';
      }
      issues.push_back({"Content-Type", "Unsupported Content-Type \"" + shown +
                                            "\"; use text/csv, application/json or "
                                            "application/x-ndjson (or ?format=)"});
    }
  }
  if (req.format && *req.format != ExportFormat::kCsv && !req.map.empty()) {
    issues.push_back({"map[" + req.map.front().first + "]", "Column mapping is for CSV imports"});
  }
  if (req.format && *req.format != ExportFormat::kCsv && req.separator) {
    issues.push_back({"separator", "The separator is for CSV imports"});
  }
  if (!issues.empty()) return InvalidArgument(kMsgInvalidRequest, std::move(issues));
  return req;
}

// `columns` and `separator`: a CSV import's (null for JSON).
void WriteReport(JsonWriter& w, const ImportReport& r, bool dry_run,
                 const transfer::ColumnMap* columns, char separator) {
  w.BeginObject();
  w.Key("rows").Uint(r.rows);
  w.Key("created").Uint(r.created);
  w.Key("updated").Uint(r.updated);
  w.Key("unchanged").Uint(r.unchanged);
  w.Key("failed").Uint(r.failed);
  w.Field("dry_run", dry_run);
  w.Key("errors").BeginArray();
  for (const RowError& e : r.errors) {
    w.BeginObject().Key("row").Uint(e.row);
    if (e.line != 0) w.Key("line").Uint(e.line);
    w.Field("field", e.field).Field("message", e.message).EndObject();
  }
  w.EndArray();
  w.Field("errors_truncated", r.errors_truncated);
  if (columns != nullptr) {
    w.Key("columns").BeginObject().Field("separator", std::string_view(&separator, 1));
    w.Key("mapped").BeginArray();
    for (const auto& [column, field] : columns->mapped) {
      w.BeginObject().Field("column", column).Field("field", field).EndObject();
    }
    w.EndArray().Key("unmapped").BeginArray();
    for (const std::string& c : columns->unmapped) w.String(c);
    w.EndArray().Key("ignored").BeginArray();
    for (const std::string& c : columns->ignored) w.String(c);
    w.EndArray().EndObject();
  }
  w.EndObject();
}

HttpResponse ReportResponse(int status, std::string_view message, const ImportReport& report,
                            bool dry_run, const transfer::ColumnMap* columns, char separator) {
  HttpResponse r;
  r.status = status;
  JsonWriter w(&r.body);
  w.BeginObject().Field("message", message).Key("data");
  WriteReport(w, report, dry_run, columns, separator);
  w.EndObject();
  return r;
}

// An error found while reading the body before any row.
HttpResponse StreamError(const StreamFailure& f) {
  return TransportErrorResponse(f.http_status == 0 ? 400 : f.http_status, f.message);
}

// The chatbot's attribute schema, for mapping CSV columns and typing their cells.
Result<std::shared_ptr<const Schema>> LoadSchema(const Engine& engine, const RequestContext& ctx) {
  auto defs = engine.ListAttributes(ctx.principal, ctx.params[0]);
  if (!defs.ok()) return defs.status();
  return std::make_shared<const Schema>(std::move(*defs));
}

// The body of an import request that arrived whole: callers that hand requests to the router
// themselves (tests, the fuzzer). The server streams import bodies (HttpRequest::body_reader).
class BufferedBody final : public BodyReader {
 public:
  explicit BufferedBody(std::string_view body) : rest_(body) {}
  ptrdiff_t Read(char* buf, size_t size) override {
    const size_t n = std::min(size, rest_.size());
    std::memcpy(buf, rest_.data(), n);
    rest_.remove_prefix(n);
    return static_cast<ptrdiff_t>(n);
  }
  const TransportFailure& failure() const override { return failure_; }

 private:
  std::string_view rest_;
  TransportFailure failure_;
};

std::string SafeFileName(std::string_view id) {
  std::string out(id);
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  }
  return out;
}

}  // namespace

HttpResponse Api::ImportContacts(RequestContext& ctx) {
  auto chatbot = engine_->GetChatbot(ctx.principal, ctx.params[0]);
  if (!chatbot.ok()) return ErrorResponse(chatbot.status());
  auto req = ParseImportRequest(ctx);
  if (!req.ok()) return ErrorResponse(req.status());
  if (!req->country_given) req->options.default_country = chatbot->default_country;
  BufferedBody buffered(ctx.request.body);
  BodyPuller body(ctx.request.body_reader != nullptr ? ctx.request.body_reader : &buffered);
  std::unique_ptr<RowSource> source;
  std::unique_ptr<transfer::CsvReader> csv;
  std::unique_ptr<transfer::RowDecoder> decoder;
  if (*req->format == ExportFormat::kCsv) {
    auto schema = LoadSchema(*engine_, ctx);
    if (!schema.ok()) return ErrorResponse(schema.status());
    csv =
        std::make_unique<transfer::CsvReader>(body.AsReadFn(), transfer::kMaxCsvRecordBytes,
                                              req->separator.value_or(transfer::kDetectSeparator));
    transfer::CsvRecord header;
    if (!csv->Next(&header)) {
      if (const auto& e = csv->error()) {
        return StreamError(ResolveFailure(
            body, {400, "Malformed CSV at line " + std::to_string(e->line) + ": " + e->message}));
      }
      return ErrorResponse(InvalidArgument("The CSV body is empty; expected a header row"));
    }
    auto map = transfer::MapColumns(header.fields, req->map, **schema);
    if (!map.ok()) return ErrorResponse(map.status());
    decoder = std::make_unique<transfer::RowDecoder>(std::move(*map), *schema);
    source = std::make_unique<CsvRowSource>(&body, csv.get(), decoder.get());
  } else {
    source = std::make_unique<JsonRowSource>(&body, *req->format == ExportFormat::kJson
                                                        ? JsonSplitter::Mode::kArray
                                                        : JsonSplitter::Mode::kLines);
  }

  Importer importer(*engine_, ctx.principal, ctx.params[0], req->options);
  const auto stop = importer.Run(*source);
  const transfer::ColumnMap* columns = decoder ? &decoder->map() : nullptr;
  const char separator = csv ? csv->separator() : ',';
  if (!stop) {
    return ReportResponse(200, "Success", importer.report(), req->options.dry_run, columns,
                          separator);
  }
  const std::string message = "Import stopped at row " + std::to_string(stop->row) + ": " +
                              stop->why +
                              ". Rows before it were imported; re-running the import is safe.";
  // http_status 0: the client is gone; whatever is returned is not sent.
  HttpResponse r = ReportResponse(stop->http_status == 0 ? 400 : stop->http_status, message,
                                  importer.report(), req->options.dry_run, columns, separator);
  r.close = true;
  return r;
}

HttpResponse Api::ExportContacts(RequestContext& ctx) {
  ExportFormat format = ExportFormat::kJson;
  bool bom = false;
  QueryParams search;
  std::vector<Issue> issues;
  for (const auto& [key, value] : ctx.query) {
    if (key == "format") {
      if (auto f = ParseExportFormat(value)) {
        format = *f;
      } else {
        issues.push_back({key, "Unknown format; use csv, json or jsonl"});
      }
    } else if (key == "bom") {
      const auto b = ParseBool(value);
      if (!b) issues.push_back({key, "Expected true or false"});
      bom = b.value_or(false);
    } else if (key == "page" || key == "per_page" || key == "cursor") {
      issues.push_back({key, "Export has no pages; it returns every matching contact"});
    } else {
      search.emplace_back(key, value);
    }
  }
  if (bom && format != ExportFormat::kCsv) {
    issues.push_back({"bom", "A byte order mark is for CSV exports (JSON has none)"});
  }
  if (!issues.empty()) return ErrorResponse(InvalidArgument(kMsgInvalidRequest, std::move(issues)));
  auto input = SearchInputFromQuery(search);
  if (!input.ok()) return ErrorResponse(input.status());
  auto snapshot = engine_->ExportContacts(ctx.principal, ctx.params[0], *input);
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());

  auto shared = std::make_shared<const ContactSnapshot>(std::move(*snapshot));
  HttpResponse r;
  r.content_type = ExportContentType(format);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" +
                                                    SafeFileName(ctx.params[0]) + "-contacts." +
                                                    ExportExtension(format) + "\"");
  r.headers.emplace_back("X-Total-Count", std::to_string(shared->records.size()));
  r.stream = [shared, format, bom](BodyWriter& writer) {
    return RenderExport(*shared, format, bom,
                        [&writer](std::string_view part) { return writer.Write(part); });
  };
  return r;
}

}  // namespace contactd::net
