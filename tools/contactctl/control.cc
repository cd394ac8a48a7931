// contactctl chatbots ... and keys ...: the control plane. Each prints the answer's "data".
#include <iostream>
#include <string>
#include <vector>

#include "tools/contactctl/commands.h"

namespace contactd::ctl {

namespace {

const std::string kApi = "/api/v1";

// The subcommand and the arguments after it; throws UsageError when it is missing.
std::pair<std::string, std::vector<std::string>> SplitSubcommand(
    const std::vector<std::string>& args, const char* usage) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    if (args.empty()) throw UsageError(std::string("missing subcommand; usage:\n") + usage);
    std::cout << "Usage:\n" << usage;
    return {"", {}};
  }
  return {args[0], std::vector<std::string>(args.begin() + 1, args.end())};
}

// The single positional ID of `get`, `delete`, ...
void AddId(CommandLine& cl, const char* what) {
  cl.options().add_options()("id-arg", po::value<std::string>()->required(), what);
  cl.positional().add("id-arg", 1);
}

constexpr const char* kChatbotsUsage =
    "  contactctl chatbots list\n"
    "  contactctl chatbots get ID\n"
    "  contactctl chatbots create [--id ID] --name NAME [--default-country CC]\n"
    "  contactctl chatbots update ID [--name NAME] [--default-country CC | "
    "--clear-default-country]\n"
    "  contactctl chatbots delete ID\n";

constexpr const char* kKeysUsage =
    "  contactctl keys list\n"
    "  contactctl keys create --name NAME [--role member|admin] [--chatbot ID]\n"
    "  contactctl keys revoke ID\n";

}  // namespace

int RunChatbots(const std::vector<std::string>& args, const GlobalOptions& global) {
  auto [sub, rest] = SplitSubcommand(args, kChatbotsUsage);
  if (sub.empty()) return kExitOk;
  const std::string base = kApi + "/chatbots";
  if (sub == "list") {
    CommandLine cl("contactctl chatbots list");
    if (!cl.Parse(rest, global)) return kExitOk;
    Connection c = cl.Connect();
    return CallAndPrint(c, "chatbots list", c.Make("GET", base));
  }
  if (sub == "get" || sub == "delete") {
    CommandLine cl("contactctl chatbots " + sub + " ID");
    AddId(cl, "chatbot id");
    if (!cl.Parse(rest, global)) return kExitOk;
    Connection c = cl.Connect();
    const std::string target = base + "/" + PercentEncode(cl.get<std::string>("id-arg"));
    return CallAndPrint(c, "chatbots " + sub, c.Make(sub == "get" ? "GET" : "DELETE", target));
  }
  if (sub == "create") {
    CommandLine cl("contactctl chatbots create [--id ID] --name NAME [--default-country CC]");
    cl.options().add_options()("id", po::value<std::string>(), "chatbot id (generated if absent)")(
        "name", po::value<std::string>()->required(), "chatbot name")(
        "default-country", po::value<std::string>(),
        "ISO 3166-1 alpha-2 region for phone numbers written without +");
    if (!cl.Parse(rest, global)) return kExitOk;
    std::string body = "{\"name\":" + JsonQuote(cl.get<std::string>("name"));
    if (cl.has("id")) body += ",\"id\":" + JsonQuote(cl.get<std::string>("id"));
    if (cl.has("default-country")) {
      body += ",\"default_country\":" + JsonQuote(cl.get<std::string>("default-country"));
    }
    body += "}";
    Connection c = cl.Connect();
    Request request = c.Make("POST", base);
    request.body = body;
    request.headers.emplace_back("Content-Type", "application/json");
    return CallAndPrint(c, "chatbots create", request);
  }
  if (sub == "update") {
    CommandLine cl(
        "contactctl chatbots update ID [--name NAME] [--default-country CC | "
        "--clear-default-country]");
    AddId(cl, "chatbot id");
    cl.options().add_options()("name", po::value<std::string>(), "new name")(
        "default-country", po::value<std::string>(), "new default country")(
        "clear-default-country", "remove the default country");
    if (!cl.Parse(rest, global)) return kExitOk;
    if (cl.has("default-country") && cl.has("clear-default-country")) {
      throw UsageError("--default-country and --clear-default-country exclude each other");
    }
    std::string body;
    if (cl.has("name")) body += ",\"name\":" + JsonQuote(cl.get<std::string>("name"));
    if (cl.has("default-country")) {
      body += ",\"default_country\":" + JsonQuote(cl.get<std::string>("default-country"));
    }
    if (cl.has("clear-default-country")) body += ",\"default_country\":null";
    if (body.empty()) {
      throw UsageError(
          "nothing to update: give --name, --default-country or "
          "--clear-default-country");
    }
    body[0] = '{';
    body += "}";
    Connection c = cl.Connect();
    Request request = c.Make("PATCH", base + "/" + PercentEncode(cl.get<std::string>("id-arg")));
    request.body = body;
    request.headers.emplace_back("Content-Type", "application/json");
    return CallAndPrint(c, "chatbots update", request);
  }
  throw UsageError("unknown subcommand \"chatbots " + sub + "\"; usage:\n" + kChatbotsUsage);
}

int RunKeys(const std::vector<std::string>& args, const GlobalOptions& global) {
  auto [sub, rest] = SplitSubcommand(args, kKeysUsage);
  if (sub.empty()) return kExitOk;
  const std::string base = kApi + "/apikeys";
  if (sub == "list") {
    CommandLine cl("contactctl keys list");
    if (!cl.Parse(rest, global)) return kExitOk;
    Connection c = cl.Connect();
    return CallAndPrint(c, "keys list", c.Make("GET", base));
  }
  if (sub == "revoke") {
    CommandLine cl("contactctl keys revoke ID");
    AddId(cl, "key id");
    if (!cl.Parse(rest, global)) return kExitOk;
    Connection c = cl.Connect();
    return CallAndPrint(
        c, "keys revoke",
        c.Make("DELETE", base + "/" + PercentEncode(cl.get<std::string>("id-arg"))));
  }
  if (sub == "create") {
    CommandLine cl("contactctl keys create --name NAME [--role member|admin] [--chatbot ID]");
    cl.options().add_options()("name", po::value<std::string>()->required(), "key name")(
        "role", po::value<std::string>(), "member (default) or admin")(
        "chatbot", po::value<std::string>(), "scope the key to one chatbot");
    if (!cl.Parse(rest, global)) return kExitOk;
    std::string body = "{\"name\":" + JsonQuote(cl.get<std::string>("name"));
    if (cl.has("role")) {
      const std::string& role = cl.get<std::string>("role");
      if (role != "member" && role != "admin") {
        throw UsageError("--role must be member or admin (got \"" + role + "\")");
      }
      body += ",\"role\":" + JsonQuote(role);
    }
    if (cl.has("chatbot")) body += ",\"chatbot_id\":" + JsonQuote(cl.get<std::string>("chatbot"));
    body += "}";
    Connection c = cl.Connect();
    Request request = c.Make("POST", base);
    request.body = body;
    request.headers.emplace_back("Content-Type", "application/json");
    return CallAndPrint(c, "keys create", request);
  }
  throw UsageError("unknown subcommand \"keys " + sub + "\"; usage:\n" + kKeysUsage);
}

}  // namespace contactd::ctl
