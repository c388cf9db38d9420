#pragma once
// Private to probe/: one function per probe of cis-controls.md §1 "P". Each takes its own
// deadline (ProbeOptions::probe_timeout from its start) and never sends anything but what
// docs/probes.md lists.
#include <optional>
#include <vector>

#include "rampart/probe/result.h"
#include "rampart/probe/runner.h"

namespace rampart::probe::detail {

/// Runs the probes planned for `target` one after the other and returns their results in
/// ProbeId order.
std::vector<ProbeResult> probe_target(const Target& target, const ProbeOptions& options);

}  // namespace rampart::probe::detail
