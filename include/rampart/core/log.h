#pragma once
// Logging to stderr through spdlog. Every line passes through a scrubbing sink that replaces
// any registered secret (bearer tokens, private keys, exec-plugin output) with "[REDACTED]",
// so a careless log statement can never leak a credential at any verbosity.
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace rampart::log {

/// Verbosity: 0 = warnings and errors, 1 = info, 2 = debug, 3+ = trace.
void init(int verbosity, bool color);

/// Registers a value that must never appear in a log line. Values shorter than 6 characters
/// are ignored (they would scrub ordinary words). Thread-safe.
void register_secret(std::string_view value);

/// A line kept at the bottom of stderr, below the log (the CLI's progress indicator, only on a
/// terminal): it is drawn at once, and each log line erases it, is written, and draws it again,
/// so the two never share a line. Empty erases it. Thread-safe.
void set_status_line(std::string_view text);

/// Replaces every registered secret and anything that looks like a bearer token or a PEM
/// private key in `text`. Used by the sink and by code that records transcripts.
std::string scrub(std::string_view text);

}  // namespace rampart::log
