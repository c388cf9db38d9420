#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "rampart/probe/findings.h"
#include "rampart/probe/tls.h"

using namespace rampart::probe;
using rampart::checks::Severity;
using rampart::checks::Status;

namespace {

ProbeResult result(ProbeId probe, TargetKind kind, Reachability reach, Classification c) {
  ProbeResult r;
  r.probe = probe;
  r.target = Target{kind, "10.0.0.1", default_port(kind), "node1", "test"};
  r.reachability = reach;
  r.classification = c;
  r.summary = "summary";
  return r;
}

ProbeResult open_result(ProbeId probe, TargetKind kind, Classification c) {
  return result(probe, kind, Reachability::kOpen, c);
}

// (id, status, severity) of every finding, severity as the finding overrides it (or "-").
std::vector<std::string> verdicts(const ProbeResults& results) {
  std::vector<std::string> out;
  for (const auto& f : probe_findings(results)) {
    std::string sev = "-";
    if (f.finding.severity) sev = rampart::checks::to_string(*f.finding.severity);
    out.push_back(f.id + " " + rampart::checks::to_string(f.finding.status) + " " + sev);
  }
  return out;
}

std::vector<std::string> verdicts(ProbeResult r) {
  ProbeResults results;
  results.results.push_back(std::move(r));
  return verdicts(results);
}

Certificate cert_expiring_in(int64_t days) {
  Certificate c;
  c.subject = "CN=x";
  c.issuer = "CN=ca";
  c.issuer_cn = "ca";
  c.days_to_expiry = days;
  return c;
}

}  // namespace

TEST_CASE("findings: the rule table covers RMP-101..119 in order", "[probe]") {
  const auto& rules = rmp_rules();
  REQUIRE(rules.size() == 19);
  for (size_t i = 0; i < rules.size(); ++i)
    CHECK(rules[i].id == "RMP-" + std::to_string(101 + i));
  CHECK(rules[1].severity == Severity::kCritical);  // RMP-102
  CHECK(rules[15].severity == Severity::kLow);      // RMP-116
}

TEST_CASE("findings: kubelet anonymous access (RMP-102, RMP-103)", "[probe]") {
  using C = Classification;
  CHECK(verdicts(open_result(ProbeId::kKubeletAnonymous, TargetKind::kKubelet, C::kAnonymousAllowed)) ==
        std::vector<std::string>{"RMP-102 FAIL -", "RMP-103 FAIL -"});
  CHECK(verdicts(open_result(ProbeId::kKubeletAnonymous, TargetKind::kKubelet, C::kAnonymousForbidden)) ==
        std::vector<std::string>{"RMP-102 PASS -", "RMP-103 FAIL -"});
  CHECK(verdicts(open_result(ProbeId::kKubeletAnonymous, TargetKind::kKubelet, C::kAnonymousOff)) ==
        std::vector<std::string>{"RMP-102 PASS -", "RMP-103 PASS -"});
  CHECK(verdicts(open_result(ProbeId::kKubeletAnonymous, TargetKind::kKubelet, C::kTlsFailed)) ==
        std::vector<std::string>{"RMP-102 ERROR -", "RMP-103 ERROR -"});
}

TEST_CASE("findings: closed is a PASS from this vantage point, filtered never is", "[probe]") {
  using C = Classification;
  auto closed = result(ProbeId::kKubeletReadOnly, TargetKind::kKubeletReadOnly, Reachability::kClosed,
                       C::kNoConnection);
  CHECK(verdicts(closed) == std::vector<std::string>{"RMP-101 PASS -"});
  auto filtered = result(ProbeId::kKubeletReadOnly, TargetKind::kKubeletReadOnly, Reachability::kFiltered,
                         C::kNoConnection);
  CHECK(verdicts(filtered) == std::vector<std::string>{"RMP-101 ERROR -"});
  auto error = result(ProbeId::kKubeProxyMetrics, TargetKind::kKubeProxy, Reachability::kError,
                      C::kNoConnection);
  CHECK(verdicts(error) == std::vector<std::string>{"RMP-116 ERROR -"});
  CHECK(verdicts(open_result(ProbeId::kKubeletReadOnly, TargetKind::kKubeletReadOnly, C::kReadOnlyOpen)) ==
        std::vector<std::string>{"RMP-101 FAIL -"});
  CHECK(verdicts(open_result(ProbeId::kKubeletReadOnly, TargetKind::kKubeletReadOnly, C::kNotHttp)) ==
        std::vector<std::string>{"RMP-101 ERROR -"});
}

TEST_CASE("findings: etcd client and peer ports (RMP-104..106)", "[probe]") {
  using C = Classification;
  auto plain = open_result(ProbeId::kEtcdPlaintext, TargetKind::kEtcdClient, C::kPlaintext);
  plain.etcd_range = EtcdRange{EtcdRange::Outcome::kCount, 12, "/v3/kv/range"};
  CHECK(verdicts(plain) == std::vector<std::string>{"RMP-104 FAIL -", "RMP-105 FAIL critical"});
  plain.etcd_range = EtcdRange{EtcdRange::Outcome::kAuthRequired, std::nullopt, "/v3/kv/range"};
  CHECK(verdicts(plain) == std::vector<std::string>{"RMP-104 FAIL -", "RMP-105 FAIL high"});

  // P-4 saw a TLS listener; P-5 decides the client certificate.
  ProbeResults tls;
  tls.results.push_back(open_result(ProbeId::kEtcdPlaintext, TargetKind::kEtcdClient, C::kTlsListener));
  auto p5 = open_result(ProbeId::kEtcdTls, TargetKind::kEtcdClient, C::kClientCertNotRequired);
  p5.etcd_range = EtcdRange{EtcdRange::Outcome::kCount, 1, "/v3/kv/range"};
  tls.results.push_back(p5);
  CHECK(verdicts(tls) == std::vector<std::string>{"RMP-104 PASS -", "RMP-105 FAIL critical"});
  tls.results.back().etcd_range.reset();
  CHECK(verdicts(tls) == std::vector<std::string>{"RMP-104 PASS -", "RMP-105 FAIL high"});
  tls.results.back().classification = C::kClientCertRequired;
  CHECK(verdicts(tls) == std::vector<std::string>{"RMP-104 PASS -", "RMP-105 PASS -"});

  ProbeResults peer;
  peer.results.push_back(open_result(ProbeId::kEtcdPlaintext, TargetKind::kEtcdPeer, C::kPlaintext));
  CHECK(verdicts(peer) == std::vector<std::string>{"RMP-106 FAIL -"});
  peer.results.back().classification = C::kTlsListener;
  peer.results.push_back(open_result(ProbeId::kEtcdTls, TargetKind::kEtcdPeer, C::kClientCertNotRequired));
  CHECK(verdicts(peer) == std::vector<std::string>{"RMP-106 FAIL -"});
  peer.results.back().classification = C::kClientCertRequired;
  CHECK(verdicts(peer) == std::vector<std::string>{"RMP-106 PASS -"});
  // Some other HTTP server on the peer port: one verdict, from P-5.
  peer.results.front().classification = C::kUnexpected;
  peer.results.back().classification = C::kUnexpected;
  CHECK(verdicts(peer) == std::vector<std::string>{"RMP-106 ERROR -"});
}

TEST_CASE("findings: API server anonymous access (RMP-108, RMP-109)", "[probe]") {
  using C = Classification;
  auto r = open_result(ProbeId::kApiServerAnonymous, TargetKind::kApiServer, C::kAnonymousReadsResources);
  CHECK(verdicts(r) == std::vector<std::string>{"RMP-108 FAIL -", "RMP-109 FAIL -"});
  r.classification = C::kAnonymousDiscovery;
  CHECK(verdicts(r) == std::vector<std::string>{"RMP-108 FAIL -", "RMP-109 PASS -"});
  r.classification = C::kAnonymousHealthOnly;
  CHECK(verdicts(r) == std::vector<std::string>{"RMP-108 PASS -", "RMP-109 PASS -"});
  r.classification = C::kUnexpected;
  CHECK(verdicts(r) == std::vector<std::string>{"RMP-108 ERROR -", "RMP-109 ERROR -"});
}

TEST_CASE("findings: TLS versions, suites and certificates (RMP-110..113, RMP-107)", "[probe]") {
  auto r = open_result(ProbeId::kTlsScan, TargetKind::kKubelet, Classification::kTlsScanned);
  TlsScan scan;
  scan.versions = {{"TLSv1", true}, {"TLSv1.1", false}, {"TLSv1.2", true}, {"TLSv1.3", true}};
  scan.tls12_suites = {{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", SuiteStrength::kStrong},
                       {"TLS_RSA_WITH_AES_128_CBC_SHA", "", SuiteStrength::kWeak}};
  scan.complete = true;
  r.tls_scan = scan;
  r.tls = TlsSession{};
  r.tls->chain = {cert_expiring_in(400)};
  CHECK(verdicts(r) == std::vector<std::string>{"RMP-110 FAIL -", "RMP-111 FAIL medium",
                                                "RMP-112 PASS -", "RMP-113 PASS -"});
  r.tls_scan->versions["TLSv1"] = false;
  r.tls_scan->tls12_suites.push_back({"TLS_RSA_WITH_NULL_SHA256", "", SuiteStrength::kInsecure});
  r.tls->chain.front().issuer_cn = "node1-ca@1700000000";
  r.tls->chain.front().days_to_expiry = 5;
  CHECK(verdicts(r) == std::vector<std::string>{"RMP-110 PASS -", "RMP-111 FAIL high",
                                                "RMP-112 FAIL high", "RMP-113 FAIL -"});
  r.tls->chain.front().days_to_expiry = 30;
  r.tls_scan->tls12_suites.resize(1);
  CHECK(verdicts(r) == std::vector<std::string>{"RMP-110 PASS -", "RMP-111 PASS -",
                                                "RMP-112 FAIL medium", "RMP-113 FAIL -"});
  r.tls->chain.front().days_to_expiry = -1;
  CHECK(verdicts(r)[2] == "RMP-112 FAIL high");
  r.tls->chain.front().days_to_expiry = 100;
  r.tls->chain.front().not_yet_valid = true;
  CHECK(verdicts(r)[2] == "RMP-112 FAIL high");

  // An incomplete scan that never reached TLS 1.0 / 1.1 cannot pass them.
  r.tls_scan->versions.erase("TLSv1");
  r.tls_scan->complete = false;
  r.tls_scan->incomplete = "1 handshakes did not run";
  CHECK(verdicts(r)[0] == "RMP-110 ERROR -");
  CHECK(verdicts(r)[1] == "RMP-111 ERROR -");

  auto etcd = open_result(ProbeId::kEtcdTls, TargetKind::kEtcdClient, Classification::kClientCertRequired);
  std::ifstream in(std::string(RAMPART_SOURCE_DIR) + "/testdata/probe/etcd-auto-tls.pem");
  std::stringstream pem;
  pem << in.rdbuf();
  auto leaf = parse_certificate_pem(pem.str(), 0);
  REQUIRE(leaf);
  etcd.tls = TlsSession{};
  etcd.tls->chain = {*leaf};
  auto v = verdicts(etcd);
  CHECK(std::find(v.begin(), v.end(), "RMP-107 FAIL -") != v.end());
}

TEST_CASE("findings: one certificate verdict per target, from the first probe that saw it", "[probe]") {
  ProbeResults results;
  auto p1 = open_result(ProbeId::kKubeletAnonymous, TargetKind::kKubelet, Classification::kAnonymousOff);
  p1.tls = TlsSession{};
  p1.tls->chain = {cert_expiring_in(3)};
  auto p7 = open_result(ProbeId::kTlsScan, TargetKind::kKubelet, Classification::kTlsFailed);
  p7.tls = p1.tls;
  results.results = {p1, p7};
  auto v = verdicts(results);
  CHECK(std::count(v.begin(), v.end(), "RMP-112 FAIL high") == 1);
}

TEST_CASE("findings: components, kube-proxy, profiling, legacy ports (RMP-114..119)", "[probe]") {
  using C = Classification;
  CHECK(verdicts(open_result(ProbeId::kComponentEndpoints, TargetKind::kScheduler, C::kMetricsOpen)) ==
        std::vector<std::string>{"RMP-114 FAIL -", "RMP-115 FAIL -"});
  CHECK(verdicts(open_result(ProbeId::kComponentEndpoints, TargetKind::kControllerManager,
                             C::kMetricsProtected)) ==
        std::vector<std::string>{"RMP-114 FAIL -", "RMP-115 PASS -"});
  CHECK(verdicts(result(ProbeId::kComponentEndpoints, TargetKind::kScheduler, Reachability::kClosed,
                        C::kNoConnection)) == std::vector<std::string>{"RMP-114 PASS -", "RMP-115 PASS -"});
  CHECK(verdicts(open_result(ProbeId::kKubeProxyMetrics, TargetKind::kKubeProxy, C::kMetricsOpen)) ==
        std::vector<std::string>{"RMP-116 FAIL -"});
  CHECK(verdicts(open_result(ProbeId::kProfiling, TargetKind::kApiServer, C::kProfilingOn)) ==
        std::vector<std::string>{"RMP-117 FAIL -"});
  CHECK(verdicts(open_result(ProbeId::kProfiling, TargetKind::kApiServer, C::kProfilingOff)) ==
        std::vector<std::string>{"RMP-117 PASS -"});
  CHECK(verdicts(open_result(ProbeId::kProfiling, TargetKind::kApiServer, C::kProfilingUnknown)) ==
        std::vector<std::string>{"RMP-117 ERROR -"});
  CHECK(verdicts(open_result(ProbeId::kLegacyPort, TargetKind::kLegacyApiServer, C::kLegacyPortOpen)) ==
        std::vector<std::string>{"RMP-118 FAIL -"});
  CHECK(verdicts(open_result(ProbeId::kLegacyPort, TargetKind::kLegacyScheduler, C::kLegacyPortOpen)) ==
        std::vector<std::string>{"RMP-119 FAIL -"});
  CHECK(verdicts(open_result(ProbeId::kKubeletCredentialed, TargetKind::kKubelet, C::kCredentialAllowed))
            .empty());
}

TEST_CASE("findings: each finding names its target and carries the probe's evidence", "[probe]") {
  auto r = open_result(ProbeId::kKubeletAnonymous, TargetKind::kKubelet, Classification::kAnonymousAllowed);
  Exchange e;
  e.request = "GET /pods HTTP/1.1\r\nHost: 10.0.0.1:10250\r\n\r\n";
  e.status = 200;
  e.status_line = "HTTP/1.1 200 OK";
  r.exchanges.push_back(e);
  ProbeResults results;
  results.results.push_back(r);
  auto findings = probe_findings(results);
  REQUIRE(findings.size() == 2);
  const auto& f = findings.front().finding;
  CHECK(f.resource.kind == "NetworkEndpoint");
  CHECK(f.resource.name == "kubelet://10.0.0.1:10250");
  CHECK(f.message == "kubelet://10.0.0.1:10250: GET /pods answered 200 to an anonymous caller");
  REQUIRE(f.evidence.size() == 2);
  CHECK(f.evidence[0].what == "P-1 kubelet://10.0.0.1:10250");
  CHECK(f.evidence[0].value == "open, anonymous-allowed");
  CHECK(f.evidence[1].what == "GET /pods");
  CHECK(f.evidence[1].value == "HTTP/1.1 200 OK");
  CHECK(f.tags == std::vector<std::string>{"node:node1", "source:test"});
}
