#include "rampart/probe/runner.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <thread>

#include "probes.h"

namespace rampart::probe {

std::vector<ProbeId> planned_probes(TargetKind kind, const ProbeOptions& options) {
  const bool cred = options.credential.has_value();
  std::vector<ProbeId> out;
  switch (kind) {
    case TargetKind::kApiServer:
      out = {ProbeId::kApiServerAnonymous};
      if (options.tls_scan) out.push_back(ProbeId::kTlsScan);
      if (cred) out.push_back(ProbeId::kProfiling);
      break;
    case TargetKind::kKubelet:
      out = {ProbeId::kKubeletAnonymous};
      if (cred) out.push_back(ProbeId::kKubeletCredentialed);
      if (options.tls_scan) out.push_back(ProbeId::kTlsScan);
      break;
    case TargetKind::kKubeletReadOnly: out = {ProbeId::kKubeletReadOnly}; break;
    case TargetKind::kEtcdClient:
    case TargetKind::kEtcdPeer:
      out = {ProbeId::kEtcdPlaintext, ProbeId::kEtcdTls};
      if (options.tls_scan) out.push_back(ProbeId::kTlsScan);
      break;
    case TargetKind::kControllerManager:
    case TargetKind::kScheduler:
      out = {ProbeId::kComponentEndpoints};
      if (options.tls_scan) out.push_back(ProbeId::kTlsScan);
      break;
    case TargetKind::kKubeProxy: out = {ProbeId::kKubeProxyMetrics}; break;
    case TargetKind::kLegacyApiServer:
    case TargetKind::kLegacyControllerManager:
    case TargetKind::kLegacyScheduler: out = {ProbeId::kLegacyPort}; break;
    case TargetKind::kTls: out = {ProbeId::kTlsScan}; break;
  }
  return out;
}

ProbeResults run_probes(const std::vector<Target>& input, const ProbeOptions& options) {
  // A peer that closes while OpenSSL writes would otherwise end the process with SIGPIPE
  // (plain sockets use MSG_NOSIGNAL; OpenSSL's socket BIO cannot).
  std::signal(SIGPIPE, SIG_IGN);

  std::vector<Target> targets = input;
  sort_and_dedupe(targets);
  std::vector<std::vector<ProbeResult>> per_target(targets.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < targets.size(); i = next++)
      per_target[i] = detail::probe_target(targets[i], options);
  };
  const size_t workers =
      std::min<size_t>(targets.size(), static_cast<size_t>(std::max(1, options.concurrency)));
  std::vector<std::thread> threads;
  for (size_t i = 1; i < workers; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  ProbeResults out;
  out.connect_timeout_ms = options.connect_timeout.count();
  out.probe_timeout_ms = options.probe_timeout.count();
  out.concurrency = options.concurrency;
  for (auto& results : per_target)
    for (auto& r : results) out.results.push_back(std::move(r));
  return out;
}

}  // namespace rampart::probe
