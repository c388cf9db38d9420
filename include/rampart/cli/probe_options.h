#pragma once
// Probe flags shared by `rampart probe` and (later) `rampart scan`: explicit targets, timeouts,
// concurrency, an optional credential for P-2/P-10, and --no-probes for scan.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "rampart/core/error.h"
#include "rampart/probe/runner.h"
#include "rampart/probe/target.h"

namespace rampart::cli {

struct ProbeFlags {
  std::vector<std::string> kubelets;            ///< HOST[:PORT]
  std::vector<std::string> etcds;               ///< URL
  std::vector<std::string> apiservers;          ///< URL
  std::vector<std::string> controller_managers; ///< HOST[:PORT]
  std::vector<std::string> schedulers;          ///< HOST[:PORT]
  double probe_timeout_s = 10;
  double connect_timeout_s = 3;
  int concurrency = 32;
  bool no_tls_scan = false;
  bool no_probes = false;                       ///< scan only
  std::string token_file;                       ///< P-2 / P-10 bearer token
  std::string client_cert_file;                 ///< P-2 / P-10 client certificate (PEM)
  std::string client_key_file;
};

/// Adds the flags to a subcommand; `with_no_probes` adds --no-probes (for scan).
void add_probe_flags(CLI::App& cmd, ProbeFlags& flags, bool with_no_probes);

/// Timeouts, concurrency and the credential (read from the files, registered with
/// log::register_secret). Bad values give a kUsage / kIo error.
Result<probe::ProbeOptions> probe_options(const ProbeFlags& flags);

/// The targets named by --kubelet, --etcd, --apiserver, --controller-manager, --scheduler.
Result<std::vector<probe::Target>> explicit_targets(const ProbeFlags& flags);

}  // namespace rampart::cli
