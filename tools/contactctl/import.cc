// contactctl import: streams a CSV, JSON or JSONL file to POST .../contacts/import, with
// progress on stderr, a summary, and the server's report written to a file when rows failed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>

#include "tools/contactctl/commands.h"
#include "tools/contactctl/progress.h"
#include "tools/contactctl/row_counter.h"

namespace contactd::ctl {

namespace {

struct ImportFlags {
  std::string file;  // "-": stdin
  std::string chatbot;
  Format format = Format::kCsv;
  std::vector<std::pair<std::string, std::string>> map;  // column -> field
  std::string default_country;
  std::string separator;  // "", ",", ";" or "tab"
  bool dry_run = false;
  bool generate_ids = false;
  std::optional<uint64_t> max_errors;
  std::string report;
};

std::string_view ContentType(Format format) {
  switch (format) {
    case Format::kCsv:
      return "text/csv";
    case Format::kJson:
      return "application/json";
    case Format::kJsonl:
      return "application/x-ndjson";
  }
  return "text/csv";
}

ImportFlags ReadFlags(const CommandLine& cl) {
  ImportFlags flags;
  flags.file = cl.get<std::string>("file");
  flags.chatbot = cl.get<std::string>("chatbot");
  if (cl.has("format")) {
    auto format = ParseFormat(cl.get<std::string>("format"));
    if (!format) {
      throw UsageError("--format must be csv, json or jsonl (got \"" +
                       cl.get<std::string>("format") + "\")");
    }
    flags.format = *format;
  } else if (auto format = FormatFromPath(flags.file)) {
    flags.format = *format;
  } else {
    throw UsageError("cannot tell the format of \"" + flags.file +
                     "\" from its name: give --format csv|json|jsonl");
  }
  if (cl.has("map")) {
    for (const std::string& m : cl.get<std::vector<std::string>>("map")) {
      const size_t eq = m.rfind('=');
      if (eq == std::string::npos || eq == 0) {
        throw UsageError("--map takes COLUMN=FIELD (FIELD empty ignores the column), got \"" + m +
                         "\"");
      }
      flags.map.emplace_back(m.substr(0, eq), m.substr(eq + 1));
    }
  }
  if (cl.has("separator")) {
    flags.separator = cl.get<std::string>("separator");
    if (flags.separator == "\t") flags.separator = "tab";
    if (flags.separator != "," && flags.separator != ";" && flags.separator != "tab") {
      throw UsageError("--separator must be , or ; or tab (got \"" + flags.separator + "\")");
    }
    if (flags.format != Format::kCsv) throw UsageError("--separator is for CSV files");
  }
  if (cl.has("default-country")) flags.default_country = cl.get<std::string>("default-country");
  flags.dry_run = cl.has("dry-run");
  flags.generate_ids = cl.has("generate-ids");
  if (cl.has("max-errors")) flags.max_errors = cl.get<uint64_t>("max-errors");
  if (cl.has("report")) {
    flags.report = cl.get<std::string>("report");
  } else {
    flags.report = flags.file == "-" ? "import-report.json" : flags.file + ".report.json";
  }
  return flags;
}

std::string Target(const ImportFlags& flags) {
  std::string t = "/api/v1/chatbots/" + PercentEncode(flags.chatbot) +
                  "/contacts/import?format=" + std::string(FormatName(flags.format));
  if (flags.dry_run) t += "&dry_run=true";
  if (flags.generate_ids) t += "&generate_ids=true";
  if (!flags.default_country.empty()) {
    t += "&default_country=" + PercentEncode(flags.default_country);
  }
  if (flags.max_errors) t += "&max_errors=" + std::to_string(*flags.max_errors);
  if (!flags.separator.empty()) t += "&separator=" + PercentEncode(flags.separator);
  for (const auto& [column, field] : flags.map) {
    t += "&" + PercentEncode("map[" + column + "]") + "=" + PercentEncode(field);
  }
  return t;
}

// True when a 400 names only query parameters that come from this command's flags (--map,
// --default-country, --separator, ...): what was wrong is the command line, so it exits 2.
bool OnlyFlagsRefused(const Response& response) {
  if (response.status != 400) return false;
  const std::optional<ErrorBody> body = ParseErrorBody(response.body);
  auto from_flag = [](const std::pair<std::string, std::string>& issue) {
    const std::string_view f = issue.first;
    return f.starts_with("map[") || f == "format" || f == "default_country" || f == "separator" ||
           f == "max_errors" || f == "dry_run" || f == "generate_ids";
  };
  return body && !body->issues.empty() &&
         std::all_of(body->issues.begin(), body->issues.end(), from_flag);
}

// The input file, opened; size when it is a regular file.
struct Input {
  int fd = -1;
  std::optional<uint64_t> size;
  ~Input() {
    if (fd > 0) ::close(fd);
  }
};

void Open(const std::string& file, Input* in) {
  if (file == "-") {
    in->fd = STDIN_FILENO;
    return;
  }
  in->fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (in->fd < 0) throw UsageError("cannot read " + file + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(in->fd, &st) != 0)
    throw UsageError("cannot read " + file + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw UsageError("cannot read " + file + ": it is a directory");
  if (S_ISREG(st.st_mode)) in->size = static_cast<uint64_t>(st.st_size);
}

uint64_t U64(simdjson::dom::element e, const char* key) {
  uint64_t v = 0;
  if (e[key].get(v) != simdjson::SUCCESS) {
    int64_t s = 0;
    if (e[key].get(s) == simdjson::SUCCESS && s > 0) v = static_cast<uint64_t>(s);
  }
  return v;
}

bool WriteReport(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data << "\n";
  out.close();
  return static_cast<bool>(out);
}

// Prints the summary of a report (`data`) and writes the report file when needed. Returns the
// exit code.
int Conclude(const ImportFlags& flags, simdjson::dom::element data, bool stopped, double seconds) {
  const uint64_t rows = U64(data, "rows");
  const uint64_t failed = U64(data, "failed");
  bool dry_run = flags.dry_run;
  if (data["dry_run"].get(dry_run) != simdjson::SUCCESS) dry_run = flags.dry_run;
  const double rate = seconds > 0 ? static_cast<double>(rows) / seconds : 0;
  char line[512];
  std::snprintf(line, sizeof line,
                "import: %s rows: %s created, %s updated, %s unchanged, %s failed in %.1f s "
                "(%s rows/s)%s",
                GroupThousands(rows).c_str(), GroupThousands(U64(data, "created")).c_str(),
                GroupThousands(U64(data, "updated")).c_str(),
                GroupThousands(U64(data, "unchanged")).c_str(), GroupThousands(failed).c_str(),
                seconds, GroupThousands(static_cast<uint64_t>(rate)).c_str(),
                dry_run ? " (dry run: nothing written)" : "");
  std::cerr << line << "\n";
  std::string_view separator;
  if (data["columns"]["separator"].get(separator) == simdjson::SUCCESS && separator != ",") {
    std::cerr << "import: columns separated by "
              << (separator == "\t" ? std::string("tabs") : "'" + std::string(separator) + "'")
              << (flags.separator.empty() ? " (read from the header; --separator picks another)"
                                          : "")
              << "\n";
  }
  simdjson::dom::array unmapped;
  if (data["columns"]["unmapped"].get(unmapped) == simdjson::SUCCESS && unmapped.size() > 0) {
    std::string names;
    for (simdjson::dom::element e : unmapped) {
      std::string_view name;
      if (e.get(name) == simdjson::SUCCESS)
        names += (names.empty() ? "" : ", ") + std::string(name);
    }
    std::cerr << "import: unmapped columns (not imported; map them with --map COLUMN=FIELD): "
              << names << "\n";
  }
  if (failed == 0 && !stopped) return kExitOk;
  if (!WriteReport(flags.report, simdjson::to_string(data))) {
    std::cerr << "contactctl: cannot write the report to " << flags.report << ": "
              << std::strerror(errno) << "\n";
    return kExitUsage;
  }
  std::cerr << "import: report written to " << flags.report << "\n";
  return kExitRowsFailed;
}

}  // namespace

int RunImport(const std::vector<std::string>& args, const GlobalOptions& global) {
  CommandLine cl(
      "contactctl import FILE --chatbot ID [--format csv|json|jsonl] [--map COLUMN=FIELD]... "
      "[--default-country CC] [--dry-run] [--generate-ids] [--max-errors N] [--report FILE]\n"
      "FILE \"-\" reads stdin. Exit status: 0 success, 1 some rows failed (see the report), "
      "2 usage, 3 server or network failure.");
  cl.options().add_options()("file", po::value<std::string>()->required(),
                             "the file to import (- for stdin)")(
      "chatbot", po::value<std::string>()->required(), "chatbot id")(
      "format", po::value<std::string>(), "csv, json or jsonl (default: from the extension)")(
      "map", po::value<std::vector<std::string>>()->composing(),
      "map a CSV column to a field (external_id, name, email, phonenumber, first_name, ..., "
      "an attribute name; empty ignores the column); repeatable")(
      "default-country", po::value<std::string>(),
      "region for phone numbers without + (default: the chatbot's)")(
      "separator", po::value<std::string>(),
      "CSV column separator: , or ; or tab (default: the one the header uses)")(
      "dry-run", "validate everything, write nothing")(
      "generate-ids", "generate an external_id for rows without one")(
      "max-errors", po::value<uint64_t>(), "errors listed in the report at most")(
      "report", po::value<std::string>(),
      "where to write the report when rows fail (default FILE.report.json, "
      "import-report.json for stdin)");
  cl.positional().add("file", 1);
  if (!cl.Parse(args, global)) return kExitOk;
  const ImportFlags flags = ReadFlags(cl);
  Connection connection = cl.Connect();
  Input input;
  Open(flags.file, &input);

  ProgressOptions po_options;
  po_options.label = "import";
  po_options.terminal = ::isatty(STDERR_FILENO) != 0;
  po_options.total_bytes = input.size;
  Progress progress(stderr, po_options);
  RowCounter counter(flags.format);
  uint64_t bytes = 0;
  int read_errno = 0;
  bool source_failed = false;

  Request request = connection.Make("POST", Target(flags));
  request.headers.emplace_back("Content-Type", std::string(ContentType(flags.format)));
  request.content_length = input.size;
  request.source = [&](char* buf, size_t size) -> ptrdiff_t {
    ssize_t n;
    do {
      n = ::read(input.fd, buf, size);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      read_errno = errno;
      source_failed = true;
      return -1;
    }
    if (n == 0) {
      if (input.size && bytes < *input.size) source_failed = true;  // the file shrank
      counter.Finish();
    } else {
      counter.Feed(std::string_view(buf, static_cast<size_t>(n)));
      bytes += static_cast<uint64_t>(n);
    }
    progress.Update(counter.rows(), bytes);
    return n;
  };
  const Response response = connection.client.Send(request);
  const double seconds = progress.elapsed_seconds();

  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::element data;
  const bool has_data = response.status != 0 && response.complete &&
                        parser.parse(response.body).get(root) == simdjson::SUCCESS &&
                        root["data"].get(data) == simdjson::SUCCESS && data.is_object();
  if (response.status >= 200 && response.status < 300 && has_data) {
    progress.Finish();
    return Conclude(flags, data, /*stopped=*/false, seconds);
  }
  progress.Interrupt();
  if (source_failed && response.status == 0) {
    std::cerr << "contactctl: cannot read " << flags.file << ": "
              << (read_errno != 0 ? std::strerror(read_errno) : response.error) << "\n";
    return kExitUsage;
  }
  ReportFailure("import " + flags.file, response, ChatbotNotFound(flags.chatbot));
  if (has_data) return Conclude(flags, data, /*stopped=*/true, seconds);
  return OnlyFlagsRefused(response) ? kExitUsage : kExitFailure;
}

}  // namespace contactd::ctl
