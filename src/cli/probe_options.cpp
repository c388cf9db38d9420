#include "rampart/cli/probe_options.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "rampart/core/log.h"

namespace rampart::cli {
namespace {

Result<std::string> read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorKind::kIo, std::string("cannot read ") + what, path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<std::chrono::milliseconds> seconds(double value, const char* flag) {
  if (!std::isfinite(value) || value < 0.1 || value > 600)
    return fail(ErrorKind::kUsage, std::string(flag) + " must be between 0.1 and 600 seconds");
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(value * 1000)));
}

}  // namespace

void add_probe_flags(CLI::App& cmd, ProbeFlags& f, bool with_no_probes) {
  // One value per occurrence, so a repeatable flag never swallows the positional targets.
  auto repeatable = [&](const char* name, std::vector<std::string>& into, const char* help) {
    cmd.add_option(name, into, help)->allow_extra_args(false);
  };
  repeatable("--kubelet", f.kubelets, "Probe a kubelet at HOST[:PORT] (default port 10250); repeatable");
  repeatable("--etcd", f.etcds, "Probe etcd at URL (http[s]://HOST:PORT; port 2380 = peer port); repeatable");
  repeatable("--apiserver", f.apiservers, "Probe an API server at URL (https://HOST:PORT); repeatable");
  repeatable("--controller-manager", f.controller_managers,
             "Probe kube-controller-manager at HOST[:PORT] (default 10257); repeatable");
  repeatable("--scheduler", f.schedulers, "Probe kube-scheduler at HOST[:PORT] (default 10259); repeatable");
  cmd.add_option("--probe-timeout", f.probe_timeout_s,
                 "Seconds one probe may take, first connection to last byte (default 10)");
  cmd.add_option("--probe-connect-timeout", f.connect_timeout_s,
                 "Seconds one TCP connect may take; no answer = filtered (default 3)");
  cmd.add_option("--probe-concurrency", f.concurrency, "Targets probed at once (default 32, at most 256)");
  cmd.add_flag("--no-tls-scan", f.no_tls_scan,
               "Skip P-7 (one handshake per TLS version and per TLS 1.2 suite)");
  cmd.add_option("--probe-token-file", f.token_file,
                 "Bearer token for the credentialed probes P-2 (kubelet /pods) and P-10 (/debug/pprof/)");
  cmd.add_option("--probe-client-cert", f.client_cert_file, "Client certificate (PEM) for P-2 and P-10");
  cmd.add_option("--probe-client-key", f.client_key_file, "Client key (PEM) for --probe-client-cert");
  if (with_no_probes) cmd.add_flag("--no-probes", f.no_probes, "Do not probe the network at all");
}

Result<probe::ProbeOptions> probe_options(const ProbeFlags& f) {
  probe::ProbeOptions o;
  auto total = seconds(f.probe_timeout_s, "--probe-timeout");
  if (!total) return tl::unexpected(total.error());
  auto connect = seconds(f.connect_timeout_s, "--probe-connect-timeout");
  if (!connect) return tl::unexpected(connect.error());
  o.probe_timeout = *total;
  o.connect_timeout = *connect;
  if (f.concurrency < 1 || f.concurrency > 256)
    return fail(ErrorKind::kUsage, "--probe-concurrency must be between 1 and 256");
  o.concurrency = f.concurrency;
  o.tls_scan = !f.no_tls_scan;
  if (f.client_cert_file.empty() != f.client_key_file.empty())
    return fail(ErrorKind::kUsage, "--probe-client-cert and --probe-client-key go together");
  if (f.token_file.empty() && f.client_cert_file.empty()) return o;
  config::Credential cred;
  if (!f.token_file.empty()) {
    auto token = read_file(f.token_file, "the probe token file");
    if (!token) return tl::unexpected(token.error());
    std::string t = *token;
    t.erase(t.find_last_not_of(" \t\r\n") + 1);
    t.erase(0, t.find_first_not_of(" \t\r\n"));
    if (t.empty() || t.find_first_of(" \t\r\n") != std::string::npos)
      return fail(ErrorKind::kUsage, "the probe token file must hold one token", f.token_file);
    log::register_secret(t);
    cred.bearer_token = t;
  }
  if (!f.client_cert_file.empty()) {
    auto cert = read_file(f.client_cert_file, "the probe client certificate");
    if (!cert) return tl::unexpected(cert.error());
    auto key = read_file(f.client_key_file, "the probe client key");
    if (!key) return tl::unexpected(key.error());
    log::register_secret(*key);
    cred.client_cert_pem = *cert;
    cred.client_key_pem = *key;
  }
  o.credential = std::move(cred);
  return o;
}

Result<std::vector<probe::Target>> explicit_targets(const ProbeFlags& f) {
  using probe::TargetKind;
  std::vector<probe::Target> out;
  auto host_ports = [&](const std::vector<std::string>& values, TargetKind kind,
                        const char* flag) -> Result<void> {
    for (const auto& v : values) {
      auto hp = probe::parse_host_port(v, probe::default_port(kind));
      if (!hp) return fail(ErrorKind::kUsage, std::string(flag) + ": " + hp.error().message, v);
      out.push_back(probe::Target{kind, hp->first, hp->second, "", std::string(flag)});
    }
    return {};
  };
  auto urls = [&](const std::vector<std::string>& values, const char* flag, bool etcd) -> Result<void> {
    for (const auto& v : values) {
      TargetKind kind = etcd ? TargetKind::kEtcdClient : TargetKind::kApiServer;
      auto t = probe::parse_url_target(v, kind);
      if (!t) return fail(ErrorKind::kUsage, std::string(flag) + ": " + t.error().message, v);
      // etcd serves peers on 2380 by convention; the URL does not say which port it is.
      if (etcd && t->port == probe::default_port(TargetKind::kEtcdPeer)) t->kind = TargetKind::kEtcdPeer;
      t->source = flag;
      out.push_back(*t);
    }
    return {};
  };
  Result<void> r = host_ports(f.kubelets, TargetKind::kKubelet, "--kubelet");
  if (r) r = host_ports(f.controller_managers, TargetKind::kControllerManager, "--controller-manager");
  if (r) r = host_ports(f.schedulers, TargetKind::kScheduler, "--scheduler");
  if (r) r = urls(f.etcds, "--etcd", true);
  if (r) r = urls(f.apiservers, "--apiserver", false);
  if (!r) return tl::unexpected(r.error());
  return out;
}

}  // namespace rampart::cli
