// contactctl export: streams GET .../contacts/export to stdout or a file, with progress on
// stderr (rows vs X-Total-Count). A transfer that ends without its terminating chunk is a
// failure, and the partial file is removed.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "tools/contactctl/commands.h"
#include "tools/contactctl/progress.h"
#include "tools/contactctl/row_counter.h"

namespace contactd::ctl {

namespace {

// filter[FIELD][OP]=VALUE from "FIELD[:OP]=VALUE".
std::string FilterParam(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError("--filter takes FIELD[:OP]=VALUE, got \"" + spec + "\"");
  }
  const std::string left = spec.substr(0, eq);
  const size_t colon = left.rfind(':');
  std::string key = "filter[" + left.substr(0, colon) + "]";
  if (colon != std::string::npos) {
    if (colon == 0 || colon + 1 == left.size()) {
      throw UsageError("--filter takes FIELD[:OP]=VALUE, got \"" + spec + "\"");
    }
    key += "[" + left.substr(colon + 1) + "]";
  }
  return PercentEncode(key) + "=" + PercentEncode(spec.substr(eq + 1));
}

// The output: stdout, or a temporary file next to the destination, renamed when complete.
class Output {
 public:
  explicit Output(std::string path) : path_(std::move(path)) {
    if (path_.empty()) {
      file_ = stdout;
      return;
    }
    temp_ = path_ + ".partial";
    file_ = std::fopen(temp_.c_str(), "wb");
    if (file_ == nullptr) throw UsageError("cannot write " + temp_ + ": " + std::strerror(errno));
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  }
  ~Output() { Discard(); }

  bool Write(std::string_view bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size()) return true;
    error_ = errno;
    return false;
  }
  // Flushes and moves the file into place; false (see error()) when that fails.
  bool Commit() {
    if (std::fflush(file_) != 0) error_ = errno;
    if (file_ != stdout) {
      if (std::fclose(file_) != 0 && error_ == 0) error_ = errno;
      file_ = nullptr;
      if (error_ == 0 && std::rename(temp_.c_str(), path_.c_str()) != 0) error_ = errno;
      if (error_ != 0) std::remove(temp_.c_str());
    }
    return error_ == 0;
  }
  // Removes the partial file.
  void Discard() {
    if (file_ != nullptr && file_ != stdout) {
      std::fclose(file_);
      std::remove(temp_.c_str());
    }
    file_ = nullptr;
  }
  std::string error() const { return error_ != 0 ? std::strerror(error_) : "unknown error"; }
  std::string name() const { return path_.empty() ? "standard output" : path_; }

 private:
  std::string path_;
  std::string temp_;
  FILE* file_ = nullptr;
  int error_ = 0;
};

}  // namespace

int RunExport(const std::vector<std::string>& args, const GlobalOptions& global) {
  CommandLine cl(
      "contactctl export --chatbot ID [--format csv|json|jsonl] [--q TEXT] "
      "[--filter FIELD[:OP]=VALUE]... [--sort SPEC] [--order asc|desc] [-o FILE]\n"
      "Writes to standard output unless -o is given. Exit status: 0 success, 2 usage, "
      "3 server or network failure (a truncated transfer included).");
  cl.options().add_options()("chatbot", po::value<std::string>()->required(), "chatbot id")(
      "format", po::value<std::string>(),
      "csv, json or jsonl (default: from -o's extension, else csv)")(
      "q", po::value<std::string>(), "free-text search (name, email, external_id, phone)")(
      "filter", po::value<std::vector<std::string>>()->composing(),
      "FIELD=VALUE or FIELD:OP=VALUE (OP: eq ne in nin gt lt gte lte contains not_contains "
      "starts_with ends_with exists); repeatable, all must hold")(
      "sort", po::value<std::string>(), "sort fields, comma-separated; '-' prefix descends")(
      "order", po::value<std::string>(), "asc or desc")(
      "bom", "CSV: start with a UTF-8 byte order mark, so that Excel reads the file as UTF-8")(
      "output,o", po::value<std::string>(), "write to FILE instead of standard output");
  if (!cl.Parse(args, global)) return kExitOk;

  const std::string path = cl.has("output") ? cl.get<std::string>("output") : "";
  Format format = Format::kCsv;
  if (cl.has("format")) {
    auto parsed = ParseFormat(cl.get<std::string>("format"));
    if (!parsed) {
      throw UsageError("--format must be csv, json or jsonl (got \"" +
                       cl.get<std::string>("format") + "\")");
    }
    format = *parsed;
  } else if (auto from_path = FormatFromPath(path)) {
    format = *from_path;
  }
  std::string target = "/api/v1/chatbots/" + PercentEncode(cl.get<std::string>("chatbot")) +
                       "/contacts/export?format=" + std::string(FormatName(format));
  if (cl.has("q")) target += "&q=" + PercentEncode(cl.get<std::string>("q"));
  if (cl.has("filter")) {
    for (const std::string& f : cl.get<std::vector<std::string>>("filter")) {
      target += "&" + FilterParam(f);
    }
  }
  if (cl.has("sort")) target += "&sort=" + PercentEncode(cl.get<std::string>("sort"));
  if (cl.has("order")) target += "&order=" + PercentEncode(cl.get<std::string>("order"));
  if (cl.has("bom")) {
    if (format != Format::kCsv) throw UsageError("--bom is for CSV exports");
    target += "&bom=true";
  }
  Connection connection = cl.Connect();
  Output output(path);

  ProgressOptions options;
  options.label = "export";
  options.terminal = ::isatty(STDERR_FILENO) != 0;
  Progress progress(stderr, options);
  RowCounter counter(format);
  uint64_t bytes = 0;
  bool write_failed = false;

  Request request = connection.Make("GET", target);
  request.on_head = [&](int status, const Headers& headers) {
    auto it = headers.find("x-total-count");
    if (status / 100 == 2 && it != headers.end()) {
      try {
        progress.set_total_rows(std::stoull(it->second));
      } catch (const std::exception&) {  // no total: no percentage
      }
    }
  };
  request.sink = [&](std::string_view chunk) {
    if (!output.Write(chunk)) {
      write_failed = true;
      return false;
    }
    counter.Feed(chunk);
    bytes += chunk.size();
    progress.Update(counter.rows(), bytes);
    return true;
  };
  const Response response = connection.client.Send(request);
  counter.Finish();

  if (response.status / 100 != 2) {
    progress.Interrupt();
    output.Discard();
    const int code =
        ReportFailure("export", response, ChatbotNotFound(cl.get<std::string>("chatbot")));
    // An export sends no body: a 400 refuses what the flags asked for (a filter, a sort, ...).
    return response.status == 400 ? kExitUsage : code;
  }
  if (write_failed) {
    progress.Interrupt();
    output.Discard();
    std::cerr << "contactctl: export: cannot write " << output.name() << ": " << output.error()
              << "\n";
    return kExitFailure;
  }
  if (!response.complete) {
    progress.Interrupt();
    output.Discard();
    std::cerr << "contactctl: export: the transfer was cut short after " << counter.rows()
              << " rows (" << response.error << ")"
              << (path.empty() ? "; the output is incomplete" : "; removed the partial file")
              << "\n";
    return kExitFailure;
  }
  if (!output.Commit()) {
    progress.Interrupt();
    std::cerr << "contactctl: export: cannot write " << output.name() << ": " << output.error()
              << "\n";
    return kExitFailure;
  }
  progress.Update(counter.rows(), bytes);
  progress.Finish();
  const double seconds = progress.elapsed_seconds();
  char line[256];
  std::snprintf(
      line, sizeof line, "export: %s rows, %s bytes in %.1f s (%s rows/s)",
      GroupThousands(counter.rows()).c_str(), GroupThousands(bytes).c_str(), seconds,
      GroupThousands(seconds > 0 ? static_cast<uint64_t>(counter.rows() / seconds) : 0).c_str());
  std::cerr << line << "\n";
  return kExitOk;
}

}  // namespace contactd::ctl
