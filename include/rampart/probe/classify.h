#pragma once
// Pure interpretation of what a probe saw (cis-controls.md §1 "P", the interpretation column).
// The network code in src/probe/probes.cpp gathers the answers and calls these.
#include <string>
#include <string_view>
#include <vector>

#include "rampart/probe/result.h"

namespace rampart::probe {

/// P-1: the status of anonymous `GET /pods` on the kubelet.
Classification classify_kubelet_anonymous(int status);
/// P-2: the status of `GET /pods` with rampart's own credential.
Classification classify_kubelet_credentialed(int status);

/// P-4: what plain `GET /version` got. `status` 0 means no HTTP answer; `first_bytes` is what
/// came instead (empty: the connection closed or timed out without a byte). Plaintext means
/// etcd's own answer (200 with `"etcdserver"`); another HTTP server on the port is `unexpected`.
Classification classify_etcd_plaintext(int status, std::string_view body,
                                       std::string_view first_bytes);

/// P-11: what a legacy insecure port answered. The old API port answers `GET /version` with
/// 200 and the version JSON (`gitVersion`), the old scheduler and controller-manager ports
/// `GET /healthz` with 200. Any other HTTP answer is some other server (8080 is a popular port):
/// `unexpected`, not an exposure.
Classification classify_legacy_port(TargetKind kind, int status, std::string_view body);

/// P-5: the handshake without a client certificate, then the status of `GET /version` (0 when
/// no HTTP answer came; the alert that came instead is in `tls.alert_received`).
Classification classify_etcd_tls(const TlsSession& tls, int status);

/// The count-only range answer: a count (only the number is kept), an auth error, or neither.
EtcdRange classify_etcd_range(int status, std::string_view body);

/// One anonymous request of P-6.
struct PathAnswer {
  std::string path;
  int status = 0;     ///< 0: no HTTP answer
  std::string body;   ///< raw (bounded) body: a Status names the user it saw
};

/// P-6 over the seven paths: /version, /api, /apis, /api/v1/namespaces?limit=1, /healthz,
/// /livez, /readyz.
Classification classify_apiserver_anonymous(const std::vector<PathAnswer>& answers);

/// P-8: statuses of `/healthz` and `/metrics` (0 = no HTTP answer).
Classification classify_component(int healthz_status, int metrics_status);

/// P-10: the status of `GET /debug/pprof/` with rampart's credential.
Classification classify_profiling(int status);

/// True when a 403 body names the anonymous identity (`system:anonymous` or
/// `system:unauthenticated`): the server authenticated the caller as anonymous.
bool names_anonymous(std::string_view body);

}  // namespace rampart::probe
