#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace rampart::cli {

bool Progress::stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }

void Progress::show(std::string_view what) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  // \r then erase-to-end-of-line: the previous, possibly longer, message disappears.
  std::fprintf(stderr, "\r\033[Krampart: %.*s", static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  shown_ = true;
}

void Progress::clear() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!shown_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace rampart::cli
