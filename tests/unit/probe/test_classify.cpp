#include <catch2/catch.hpp>

#include <set>

#include "rampart/probe/classify.h"

using namespace rampart::probe;
using C = Classification;

TEST_CASE("classify: kubelet /pods for anonymous (P-1) and with a credential (P-2)", "[probe]") {
  CHECK(classify_kubelet_anonymous(200) == C::kAnonymousAllowed);
  CHECK(classify_kubelet_anonymous(403) == C::kAnonymousForbidden);
  CHECK(classify_kubelet_anonymous(401) == C::kAnonymousOff);
  CHECK(classify_kubelet_anonymous(404) == C::kUnexpected);
  CHECK(classify_kubelet_anonymous(0) == C::kNoAnswer);
  CHECK(classify_kubelet_credentialed(200) == C::kCredentialAllowed);
  CHECK(classify_kubelet_credentialed(403) == C::kCredentialForbidden);
  CHECK(classify_kubelet_credentialed(401) == C::kCredentialRejected);
  CHECK(classify_kubelet_credentialed(500) == C::kUnexpected);
}

TEST_CASE("classify: etcd plain GET /version (P-4)", "[probe]") {
  CHECK(classify_etcd_plaintext(200, R"({"etcdserver":"3.4.23","etcdcluster":"3.4.0"})", "HTTP/1.1") ==
        C::kPlaintext);
  // Some other HTTP server on the port (a proxy, an app) is not an etcd speaking plaintext.
  CHECK(classify_etcd_plaintext(404, "404 page not found", "HTTP/1.1") == C::kUnexpected);
  CHECK(classify_etcd_plaintext(200, "<html>", "HTTP/1.1") == C::kUnexpected);
  // Go's net/http answer to plain HTTP on a TLS listener.
  CHECK(classify_etcd_plaintext(400, "Client sent an HTTP request to an HTTPS server.\n", "HTTP/1.0") ==
        C::kTlsListener);
  CHECK(classify_etcd_plaintext(0, "", std::string("\x15\x03\x01\x00\x02", 5)) == C::kTlsListener);
  CHECK(classify_etcd_plaintext(0, "", std::string("\x16\x03\x03", 3)) == C::kTlsListener);
  CHECK(classify_etcd_plaintext(0, "", "garbage") == C::kNotHttp);
  CHECK(classify_etcd_plaintext(0, "", "") == C::kNoAnswer);
}

TEST_CASE("classify: legacy insecure ports (P-11)", "[probe]") {
  CHECK(classify_legacy_port(TargetKind::kLegacyApiServer, 200, R"({"major":"1","gitVersion":"v1.15.0"})") ==
        C::kLegacyPortOpen);
  CHECK(classify_legacy_port(TargetKind::kLegacyApiServer, 200, "<html>tomcat</html>") == C::kUnexpected);
  CHECK(classify_legacy_port(TargetKind::kLegacyApiServer, 404, "") == C::kUnexpected);
  CHECK(classify_legacy_port(TargetKind::kLegacyScheduler, 200, "ok") == C::kLegacyPortOpen);
  CHECK(classify_legacy_port(TargetKind::kLegacyControllerManager, 403, "") == C::kUnexpected);
  CHECK(classify_legacy_port(TargetKind::kLegacyScheduler, 0, "") == C::kNoAnswer);
}

TEST_CASE("classify: etcd TLS without a client certificate (P-5)", "[probe]") {
  TlsSession tls12_refused;  // TLS 1.2: the handshake itself fails after CertificateRequest
  tls12_refused.client_cert_requested = true;
  tls12_refused.alert_received = 42;
  CHECK(classify_etcd_tls(tls12_refused, 0) == C::kClientCertRequired);

  TlsSession tls13;  // TLS 1.3: the handshake completes, the alert comes on the first read
  tls13.handshake_ok = true;
  tls13.client_cert_requested = true;
  tls13.alert_received = 116;
  CHECK(classify_etcd_tls(tls13, 0) == C::kClientCertRequired);

  TlsSession open;
  open.handshake_ok = true;
  CHECK(classify_etcd_tls(open, 200) == C::kClientCertNotRequired);
  // Asked for a certificate but did not insist (VerifyClientCertIfGiven): still not required.
  open.client_cert_requested = true;
  CHECK(classify_etcd_tls(open, 200) == C::kClientCertNotRequired);
  CHECK(classify_etcd_tls(open, 0) == C::kNoAnswer);
  CHECK(classify_etcd_tls(open, 500) == C::kUnexpected);

  TlsSession not_tls;
  not_tls.error = "wrong version number";
  CHECK(classify_etcd_tls(not_tls, 0) == C::kTlsFailed);
  TlsSession silent;
  silent.timed_out = true;
  CHECK(classify_etcd_tls(silent, 0) == C::kNoAnswer);
  TlsSession handshake_alert;
  handshake_alert.alert_received = 40;
  CHECK(classify_etcd_tls(handshake_alert, 0) == C::kClientCertRequired);
}

TEST_CASE("classify: the etcd count-only range keeps only a number", "[probe]") {
  auto count = classify_etcd_range(
      200, R"({"header":{"cluster_id":"1","member_id":"2","revision":"7","raft_term":"2"},"count":"42"})");
  CHECK(count.outcome == EtcdRange::Outcome::kCount);
  CHECK(count.count == 42);
  auto zero = classify_etcd_range(200, R"({"header":{"revision":"1"}})");
  CHECK(zero.outcome == EtcdRange::Outcome::kCount);
  CHECK(zero.count == 0);
  CHECK(classify_etcd_range(200, R"({"header":{},"count":3})").count == 3);
  auto auth = classify_etcd_range(
      400, R"({"error":"etcdserver: user name is empty","message":"etcdserver: user name is empty","code":3})");
  CHECK(auth.outcome == EtcdRange::Outcome::kAuthRequired);
  CHECK_FALSE(auth.count);
  CHECK(classify_etcd_range(401, "").outcome == EtcdRange::Outcome::kAuthRequired);
  CHECK(classify_etcd_range(404, "404 page not found").outcome == EtcdRange::Outcome::kFailed);
  CHECK(classify_etcd_range(200, "not json").outcome == EtcdRange::Outcome::kFailed);
  CHECK(classify_etcd_range(200, R"({"count":"1"})").outcome == EtcdRange::Outcome::kFailed);
  CHECK(classify_etcd_range(200, R"({"header":{},"count":"x1"})").outcome == EtcdRange::Outcome::kFailed);
}

namespace {

const std::string kForbiddenAnonymous =
    R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"forbidden: User \"system:anonymous\" cannot get path \"/api\"","reason":"Forbidden","code":403})";

std::vector<PathAnswer> answers(int version, int api, int apis, int namespaces, int health,
                                const std::string& body403 = kForbiddenAnonymous) {
  auto body = [&](int s) { return s == 403 ? body403 : std::string(); };
  return {{"/version", version, body(version)},   {"/api", api, body(api)},
          {"/apis", apis, body(apis)},            {"/api/v1/namespaces?limit=1", namespaces, body(namespaces)},
          {"/healthz", health, body(health)},     {"/livez", health, body(health)},
          {"/readyz", health, body(health)}};
}

}  // namespace

TEST_CASE("classify: API server anonymous access (P-6)", "[probe]") {
  CHECK(classify_apiserver_anonymous(answers(401, 401, 401, 401, 401)) == C::kAnonymousOff);
  CHECK(classify_apiserver_anonymous(answers(401, 401, 401, 401, 200)) == C::kAnonymousHealthOnly);
  // kubeadm's default: system:public-info-viewer lets anonymous read /version and health.
  CHECK(classify_apiserver_anonymous(answers(200, 403, 403, 403, 200)) == C::kAnonymousDiscovery);
  CHECK(classify_apiserver_anonymous(answers(401, 403, 401, 401, 200)) == C::kAnonymousDiscovery);
  CHECK(classify_apiserver_anonymous(answers(200, 200, 200, 200, 200)) == C::kAnonymousReadsResources);
  // A 403 that does not name the anonymous user is not explained by the table.
  CHECK(classify_apiserver_anonymous(answers(401, 403, 401, 401, 401, R"({"message":"denied"})")) ==
        C::kUnexpected);
  CHECK(classify_apiserver_anonymous(answers(404, 404, 404, 404, 404)) == C::kUnexpected);
  CHECK(classify_apiserver_anonymous({}) == C::kNoAnswer);
  CHECK(classify_apiserver_anonymous(answers(0, 0, 0, 0, 0)) == C::kNoAnswer);
}

TEST_CASE("classify: controller-manager and scheduler endpoints (P-8), profiling (P-10)", "[probe]") {
  CHECK(classify_component(200, 200) == C::kMetricsOpen);
  CHECK(classify_component(200, 403) == C::kMetricsProtected);
  CHECK(classify_component(200, 401) == C::kMetricsProtected);
  CHECK(classify_component(200, 404) == C::kUnexpected);
  CHECK(classify_component(0, 0) == C::kNoAnswer);
  CHECK(classify_profiling(200) == C::kProfilingOn);
  CHECK(classify_profiling(404) == C::kProfilingOff);
  CHECK(classify_profiling(403) == C::kProfilingUnknown);
  CHECK(classify_profiling(401) == C::kProfilingUnknown);
  CHECK(classify_profiling(0) == C::kNoAnswer);
}

TEST_CASE("classify: every classification has a distinct name", "[probe]") {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(C::kLegacyPortOpen); ++i)
    names.insert(to_string(static_cast<C>(i)));
  CHECK(names.size() == static_cast<size_t>(C::kLegacyPortOpen) + 1);
}
