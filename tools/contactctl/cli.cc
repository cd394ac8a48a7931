// Command-line plumbing shared by contactctl's commands; see tools/contactctl/cli.h.
#include "tools/contactctl/cli.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <utility>

#include <simdjson.h>

namespace contactd::ctl {

namespace {

constexpr const char* kDefaultUrl = "http://127.0.0.1:8080";

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// "message" and the issues of an error body, or the body itself when it is not that JSON.
std::string DescribeBody(std::string_view body) {
  const std::optional<ErrorBody> parsed = ParseErrorBody(body);
  if (!parsed) {
    std::string text(body.substr(0, 500));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
  }
  std::string out = parsed->message;
  for (const auto& [field, message] : parsed->issues) {
    out += "\n  ";
    if (!field.empty()) out.append(field).append(": ");
    out.append(message);
  }
  return out;
}

}  // namespace

Request Connection::Make(std::string method, std::string target) const {
  Request request;
  request.method = std::move(method);
  request.target = std::move(target);
  if (!key.empty()) request.headers.emplace_back("Authorization", "Bearer " + key);
  return request;
}

po::variables_map ParseOptions(const std::vector<std::string>& args,
                               const po::options_description& desc,
                               const po::positional_options_description& positional) {
  po::variables_map vm;
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  po::store(po::command_line_parser(args).options(desc).positional(positional).style(style).run(),
            vm);
  return vm;
}

CommandLine::CommandLine(std::string usage)
    : usage_(std::move(usage)), options_("Options", 100, 50) {
  options_.add_options()("help,h", "show this help")("url", po::value<std::string>(),
                                                     "server URL (default $CONTACTD_URL, else "
                                                     "http://127.0.0.1:8080)")(
      "key", po::value<std::string>(), "API key (default $CONTACTD_KEY)");
}

bool CommandLine::Parse(const std::vector<std::string>& args, const GlobalOptions& global) {
  global_ = global;
  vm_ = ParseOptions(args, options_, positional_);
  if (vm_.count("help")) {
    std::cout << "Usage: " << usage_ << "\n\n" << options_ << "\n";
    return false;
  }
  po::notify(vm_);
  return true;
}

Connection CommandLine::Connect() const {
  std::string url = has("url") ? get<std::string>("url") : global_.url;
  if (url.empty()) url = Env("CONTACTD_URL");
  if (url.empty()) url = kDefaultUrl;
  std::string key = has("key") ? get<std::string>("key") : global_.key;
  if (key.empty()) key = Env("CONTACTD_KEY");
  Endpoint endpoint;
  std::string error;
  if (!ParseUrl(url, &endpoint, &error)) throw UsageError(error);
  return Connection{HttpClient(std::move(endpoint)), std::move(key)};
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string DataJson(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::element data;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS ||
      root["data"].get(data) != simdjson::SUCCESS) {
    return "";
  }
  return simdjson::to_string(data);
}

int ReportFailure(std::string_view what, const Response& response, std::string_view on_404) {
  std::string text = "contactctl: " + std::string(what) + ": ";
  if (response.status == 0) {
    text += response.error;
  } else {
    text += "HTTP " + std::to_string(response.status);
    const std::string detail = DescribeBody(response.body);
    if (!detail.empty()) text += ": " + detail;
    if (!response.error.empty()) text += " (" + response.error + ")";
    if (response.status == 404 && !on_404.empty()) text += "\n  " + std::string(on_404);
  }
  std::cerr << text << "\n";
  return kExitFailure;
}

std::optional<ErrorBody> ParseErrorBody(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
  ErrorBody out;
  std::string_view message;
  if (root["message"].get(message) == simdjson::SUCCESS) out.message = message;
  simdjson::dom::array issues;
  if (root["issues"].get(issues) == simdjson::SUCCESS) {
    for (simdjson::dom::element issue : issues) {
      std::string_view field;
      std::string_view text;
      if (issue["field"].get(field) != simdjson::SUCCESS) field = {};
      if (issue["message"].get(text) != simdjson::SUCCESS) text = {};
      out.issues.emplace_back(field, text);
    }
  }
  return out;
}

std::string ChatbotNotFound(std::string_view chatbot) {
  return "There is no chatbot " + JsonQuote(chatbot) +
         " that this key can see: check --chatbot, and the key's workspace and scope.";
}

int CallAndPrint(const Connection& connection, std::string_view what, const Request& request) {
  Response response = connection.client.Send(request);
  if (response.status < 200 || response.status >= 300 || !response.complete) {
    return ReportFailure(what, response);
  }
  std::string data = DataJson(response.body);
  if (data.empty()) {
    std::cerr << "contactctl: " << what << ": the answer has no \"data\": " << response.body
              << "\n";
    return kExitFailure;
  }
  std::cout << data << "\n";
  return kExitOk;
}

}  // namespace contactd::ctl
