#pragma once
// A one-line progress indicator on stderr ("rampart: evaluating 141 checks..."), redrawn in
// place. Only when stderr is a terminal: in a CronJob log or a CI capture it would be noise, and
// redirected stderr must stay exactly the log lines. Log lines go above it (log::set_status_line).
// Thread-safe (several clusters at once).
#include <string>
#include <string_view>

namespace rampart::cli {

class Progress {
 public:
  /// `enabled` false makes every call a no-op; see for_stderr().
  explicit Progress(bool enabled) : enabled_(enabled) {}
  ~Progress() { clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Enabled iff stderr is a TTY.
  static bool stderr_is_tty();

  /// Replaces the line with "rampart: <what>".
  void show(std::string_view what);
  /// Erases the line (before normal output, and at the end).
  void clear();

 private:
  bool enabled_;
};

}  // namespace rampart::cli
