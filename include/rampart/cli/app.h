#pragma once
// The command line. run() parses argv, runs one subcommand and returns the process exit code;
// it never throws and never lets an error out as anything but one line on stderr.
namespace rampart::cli {

/// Exit codes, documented in docs/exit-codes.md. CronJobs and CI pipelines depend on them.
enum ExitCode : int {
  kExitOk = 0,        ///< completed; nothing at or above --fail-on
  kExitError = 1,     ///< the command could not run (bad input, unreachable, rejected)
  kExitFindings = 2,  ///< findings at or above --fail-on
};

int run(int argc, char** argv);

}  // namespace rampart::cli
