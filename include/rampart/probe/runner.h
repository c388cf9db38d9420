#pragma once
// Running the probes: which probes each target gets, with bounded concurrency and hard
// timeouts. A target that does not answer is a result (closed / filtered), never an error of
// the run.
#include <chrono>
#include <optional>
#include <vector>

#include "rampart/config/rest_config.h"
#include "rampart/probe/result.h"
#include "rampart/probe/target.h"

namespace rampart::probe {

struct ProbeOptions {
  /// The TCP connect (and name resolution) of one connection.
  std::chrono::milliseconds connect_timeout{3000};
  /// One probe from its first connection to its last byte (a TLS scan is one probe too).
  std::chrono::milliseconds probe_timeout{10000};
  /// Targets probed at the same time. A target's own probes run one after the other, so no
  /// endpoint ever sees more than one connection from rampart at a time.
  int concurrency = 32;
  /// P-7 (one handshake per version and per TLS 1.2 suite); off = only the probes' own handshake.
  bool tls_scan = true;
  /// rampart's own credential for P-2 and P-10 (bearer token or client certificate). Without
  /// one those probes do not run.
  std::optional<config::Credential> credential;
};

/// The probes a target of `kind` gets, in the order they run (later ones may be skipped when an
/// earlier one shows they cannot apply, e.g. P-5 after P-4 found a plaintext etcd).
std::vector<ProbeId> planned_probes(TargetKind kind, const ProbeOptions& options);

/// Probes every target; results sorted by target (kind, host, port) then probe.
ProbeResults run_probes(const std::vector<Target>& targets, const ProbeOptions& options);

}  // namespace rampart::probe
