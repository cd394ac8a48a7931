// contactctl: the command-line client of contactd. Imports and exports contacts (CSV, JSON,
// JSONL) with progress, and manages chatbots and API keys. See `contactctl --help`.
//
// Exit status: 0 success, 1 some rows failed, 2 usage, 3 server or network failure.
#include <csignal>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tools/contactctl/commands.h"

namespace {

using namespace contactd::ctl;

constexpr const char* kUsage =
    "Usage: contactctl [--url URL] [--key KEY] COMMAND [ARGS...]\n"
    "\n"
    "Commands:\n"
    "  import FILE --chatbot ID [...]   import a CSV, JSON or JSONL file (- for stdin)\n"
    "  export --chatbot ID [...]        export contacts to stdout or -o FILE\n"
    "  chatbots list|get|create|update|delete\n"
    "  keys list|create|revoke\n"
    "\n"
    "Options:\n"
    "  --url URL   server (default $CONTACTD_URL, else http://127.0.0.1:8080)\n"
    "  --key KEY   API key (default $CONTACTD_KEY)\n"
    "  --help      this help; COMMAND --help shows a command's flags\n"
    "\n"
    "Exit status: 0 success, 1 some rows failed, 2 usage, 3 server or network failure.\n";

// Takes the value of --url/--key at argv[*i] ("--url=X" or "--url X"); false if it is missing.
bool TakeValue(const std::vector<std::string>& args, size_t* i, std::string_view name,
               std::string* value) {
  const std::string& arg = args[*i];
  if (arg.size() > name.size() && arg.compare(0, name.size(), name) == 0 &&
      arg[name.size()] == '=') {
    *value = arg.substr(name.size() + 1);
    return true;
  }
  if (arg != name) return false;
  if (*i + 1 >= args.size()) throw UsageError(std::string(name) + " needs a value");
  *value = args[++*i];
  return true;
}

int Run(const std::vector<std::string>& args) {
  GlobalOptions global;
  size_t i = 0;
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::cout << kUsage;
      return kExitOk;
    }
    if (TakeValue(args, &i, "--url", &global.url)) continue;
    if (TakeValue(args, &i, "--key", &global.key)) continue;
    throw UsageError("unknown option " + args[i]);
  }
  if (i == args.size()) throw UsageError("missing command");
  const std::string& command = args[i];
  const std::vector<std::string> rest(args.begin() + static_cast<ptrdiff_t>(i) + 1, args.end());
  if (command == "import") return RunImport(rest, global);
  if (command == "export") return RunExport(rest, global);
  if (command == "chatbots") return RunChatbots(rest, global);
  if (command == "keys") return RunKeys(rest, global);
  if (command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  throw UsageError("unknown command \"" + command + "\"");
}

}  // namespace

int main(int argc, char** argv) {
  // Writes to a closed pipe (contactctl export | head) fail with EPIPE instead of killing us.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return Run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "contactctl: " << e.what() << "\nRun 'contactctl --help' for usage.\n";
  } catch (const po::error& e) {
    std::cerr << "contactctl: " << e.what() << "\nRun 'contactctl COMMAND --help' for usage.\n";
  } catch (const std::exception& e) {
    std::cerr << "contactctl: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitUsage;
}
