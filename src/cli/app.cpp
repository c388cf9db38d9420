#include "rampart/cli/app.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <exception>

#include "rampart/cli/commands.h"
#include "rampart/core/build_info.h"
#include "rampart/core/log.h"

namespace rampart::cli {

int& command_exit_code() {
  static int code = kExitOk;
  return code;
}

namespace {

void print_error(const std::string& message) { std::fprintf(stderr, "rampart: %s\n", message.c_str()); }

// The conventions terminal programs share: NO_COLOR set to anything non-empty (no-color.org)
// and TERM=dumb (a terminal that cannot show escape sequences) both mean no colour.
bool colour_allowed_by_environment() {
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return !(no_color && *no_color) && !(term && std::string_view(term) == "dumb");
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"rampart: a live Kubernetes cluster posture scanner (CIS Kubernetes Benchmark and more)",
               "rampart"};
  app.require_subcommand(1);
  // Global options (-v, --no-color) may also follow the subcommand: `rampart scan -v`.
  app.fallthrough();
  app.set_help_all_flag("--help-all", "Print help for every subcommand");
  GlobalOptions global;
  global.argv.assign(argv, argv + argc);
  app.add_flag("-v,--verbose", global.verbosity, "More log output on stderr (repeat for debug, trace)");
  app.add_flag("--no-color", global.no_color, "Never colour the output");
  app.parse_complete_callback([&global] {
    global.no_color = global.no_color || !colour_allowed_by_environment();
    log::init(global.verbosity, !global.no_color);
  });

  add_version_command(app, global);
  add_evidence_command(app, global);
  add_config_command(app, global);
  add_inventory_command(app, global);
  add_auth_command(app, global);
  add_probe_command(app, global);
  add_checks_command(app, global);
  add_who_can_command(app, global);
  add_scan_command(app, global);
  add_diff_command(app, global);

  command_exit_code() = kExitOk;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 says "A subcommand is required" for a misspelt command; name the word instead.
    for (int i = 1; i < argc; ++i) {
      std::string word = argv[i];
      if (word.empty() || word[0] == '-') continue;
      bool known = false;
      for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
        known = known || sub->check_name(word);
      if (!known) {
        print_error("unknown command '" + word + "' (see rampart --help)");
        return kExitError;
      }
      break;
    }
    // CLI11 would print a help hint over several lines; we keep to one line and exit code 1.
    print_error(std::string(e.what()) + " (see rampart --help)");
    return kExitError;
  } catch (const CommandError& e) {
    print_error(e.what());
    return e.code;
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what());
    return kExitError;
  }
  return command_exit_code();
}

}  // namespace rampart::cli
