// contactctl's commands. Each takes the arguments after its name and returns the exit code
// (tools/contactctl/cli.h); usage problems are thrown as UsageError or po::error.
//
// Thread-safety: single-threaded program.
#pragma once

#include <string>
#include <vector>

#include "tools/contactctl/cli.h"

namespace contactd::ctl {

int RunImport(const std::vector<std::string>& args, const GlobalOptions& global);
int RunExport(const std::vector<std::string>& args, const GlobalOptions& global);
int RunChatbots(const std::vector<std::string>& args, const GlobalOptions& global);
int RunKeys(const std::vector<std::string>& args, const GlobalOptions& global);

}  // namespace contactd::ctl
