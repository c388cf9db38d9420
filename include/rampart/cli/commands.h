#pragma once
// Each subcommand lives in its own file under src/cli/ and adds itself to the app here.
// A command's callback throws CommandError to end with one line and an exit code.
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "rampart/core/error.h"

namespace rampart::cli {

/// Options every subcommand shares.
struct GlobalOptions {
  int verbosity = 0;
  bool no_color = false;  ///< --no-color, or NO_COLOR / TERM=dumb in the environment
  std::vector<std::string> argv;  ///< the whole command line (evidence manifests record it, redacted)
};

/// Ends a command: the message is printed as "rampart: <message>" and run() returns `code`.
struct CommandError : std::runtime_error {
  CommandError(const std::string& message, int exit_code)
      : std::runtime_error(message), code(exit_code) {}
  explicit CommandError(const Error& e) : std::runtime_error(e.describe()), code(1) {}
  int code;
};

/// Where a command stores its exit code when it completes without an error.
int& command_exit_code();

void add_version_command(CLI::App& app, GlobalOptions& global);
void add_evidence_command(CLI::App& app, GlobalOptions& global);
void add_config_command(CLI::App& app, GlobalOptions& global);
void add_inventory_command(CLI::App& app, GlobalOptions& global);
void add_auth_command(CLI::App& app, GlobalOptions& global);
void add_probe_command(CLI::App& app, GlobalOptions& global);
void add_checks_command(CLI::App& app, GlobalOptions& global);
void add_who_can_command(CLI::App& app, GlobalOptions& global);
void add_scan_command(CLI::App& app, GlobalOptions& global);
void add_diff_command(CLI::App& app, GlobalOptions& global);

}  // namespace rampart::cli
