#include "progress.h"

#include <unistd.h>

#include <string>

#include "rampart/core/log.h"

namespace rampart::cli {

bool Progress::stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }

// The line is the logger's status line, so log lines (warnings, -v) are written above it
// instead of being appended to it.
void Progress::show(std::string_view what) {
  if (enabled_) log::set_status_line("rampart: " + std::string(what));
}

void Progress::clear() {
  if (enabled_) log::set_status_line("");
}

}  // namespace rampart::cli
