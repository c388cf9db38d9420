#pragma once
// Running a helper program (an exec credential plugin) without a shell: posix_spawn in its own
// process group, stdout captured up to a bound, stderr handed over line by line, the whole group
// killed when the deadline passes, and the child always reaped.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/core/error.h"

namespace rampart::config {

/// What to run and how long to let it run.
struct ProcessSpec {
  std::string path;                ///< the executable; used as is (no PATH search, no shell)
  std::vector<std::string> argv;   ///< argv[0] first
  std::vector<std::string> env;    ///< "NAME=value" entries: the child's whole environment
  std::chrono::milliseconds timeout{30000};
  std::size_t max_stdout = 1u << 20;
  /// Called with each line the child writes to stderr (without the newline), as it arrives.
  std::function<void(std::string_view)> on_stderr_line;
};

/// How it ended. Exactly one of: exited (exit_code >= 0), signal != 0, timed_out,
/// output_too_large (the last two also mean it was killed).
struct ProcessResult {
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  bool output_too_large = false;
  std::string out;       ///< stdout, at most max_stdout bytes
  std::string err_tail;  ///< the last few KiB of stderr
};

/// Runs the process to completion. Fails only when it cannot be started (kIo).
[[nodiscard]] Result<ProcessResult> run_process(const ProcessSpec& spec);

/// The last `max_chars` characters of `text` on one line (newlines shown as " | "), for
/// error messages quoting a program's stderr.
[[nodiscard]] std::string one_line_excerpt(std::string_view text, std::size_t max_chars);

}  // namespace rampart::config
