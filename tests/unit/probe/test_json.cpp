#include <catch2/catch.hpp>

#include "rampart/probe/json.h"

using namespace rampart::probe;
using nlohmann::json;

namespace {

// One result of every shape the JSON has: exchanges with headers and bodies, a TLS session with
// a chain and an alert, a TLS scan, an etcd range.
ProbeResults sample() {
  ProbeResults rs;
  rs.connect_timeout_ms = 3000;
  rs.probe_timeout_ms = 10000;
  rs.concurrency = 32;

  ProbeResult etcd;
  etcd.probe = ProbeId::kEtcdTls;
  etcd.target = Target{TargetKind::kEtcdClient, "10.0.0.5", 2379, "cp1", "kube-apiserver --etcd-servers"};
  etcd.reachability = Reachability::kOpen;
  etcd.classification = Classification::kClientCertNotRequired;
  etcd.summary = "GET /version answered 200 without a client certificate";
  etcd.elapsed_ms = 42;
  Exchange version;
  version.request = "GET /version HTTP/1.1\r\nHost: 10.0.0.5:2379\r\n\r\n";
  version.status = 200;
  version.status_line = "HTTP/1.1 200 OK";
  version.headers = {{"content-type", "application/json"}};
  version.body_excerpt = "{\"etcdserver\":\"3.5.16\"}";
  version.body_bytes = 23;
  version.elapsed_ms = 3;
  Exchange range;
  range.request = "POST /v3/kv/range HTTP/1.1\r\nHost: 10.0.0.5:2379\r\n\r\n";
  range.request_body = R"({"key":"AA==","range_end":"AA==","count_only":true})";
  range.status = 200;
  range.status_line = "HTTP/1.1 200 OK";
  range.body_excerpt = "{\"count\":\"12\"}";
  range.body_bytes = 400;
  range.body_truncated = true;
  etcd.exchanges = {version, range};
  TlsSession tls;
  tls.handshake_ok = true;
  tls.version = "TLSv1.3";
  tls.cipher = "TLS_AES_128_GCM_SHA256";
  Certificate leaf;
  leaf.subject = "O=etcd,CN=cp1";
  leaf.subject_organisations = {"etcd"};
  leaf.issuer = "O=etcd,CN=cp1";
  leaf.issuer_cn = "cp1";
  leaf.sans = {"IP:10.0.0.5", "DNS:cp1"};
  leaf.key_type = "EC";
  leaf.key_bits = 256;
  leaf.signature_algorithm = "ecdsa-with-SHA256";
  leaf.not_before = "2026-01-01T00:00:00Z";
  leaf.not_after = "2027-01-01T00:00:00Z";
  leaf.not_before_unix = 1767225600;
  leaf.not_after_unix = 1798761600;
  leaf.days_to_expiry = -2;
  leaf.self_signed = true;
  leaf.sha256 = std::string(64, 'a');
  tls.chain = {leaf};
  tls.client_cert_requested = true;
  tls.client_ca_names = {"CN=etcd-ca"};
  tls.alert_received = 116;
  tls.alert = "certificate required";
  tls.timed_out = true;
  tls.error = "alert";
  etcd.tls = tls;
  etcd.etcd_range = EtcdRange{EtcdRange::Outcome::kCount, 12, "/v3/kv/range"};
  rs.results.push_back(etcd);

  ProbeResult scan;
  scan.probe = ProbeId::kTlsScan;
  scan.target = Target{TargetKind::kKubelet, "fd00::1", 10250, "", "--kubelet"};
  scan.reachability = Reachability::kOpen;
  scan.classification = Classification::kTlsScanIncomplete;
  TlsScan s;
  s.versions = {{"TLSv1", false}, {"TLSv1.2", true}};
  s.tls12_suites = {{"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", SuiteStrength::kWeak}};
  s.tls13_suites = {"TLS_AES_128_GCM_SHA256"};
  s.tls12_suites_tried = 89;
  s.handshakes = 7;
  s.complete = false;
  s.incomplete = "time ran out";
  scan.tls_scan = s;
  rs.results.push_back(scan);

  ProbeResult filtered;
  filtered.probe = ProbeId::kLegacyPort;
  filtered.target = Target{TargetKind::kLegacyScheduler, "10.0.0.9", 10251, "", ""};
  filtered.reachability = Reachability::kFiltered;
  filtered.classification = Classification::kNoConnection;
  rs.results.push_back(filtered);
  return rs;
}

}  // namespace

TEST_CASE("probe json: results read back equal to what was written", "[probe]") {
  const ProbeResults rs = sample();
  auto back = results_from_json(to_json(rs));
  REQUIRE(back.has_value());
  CHECK(*back == rs);
  CHECK(to_json(*back) == to_json(rs));
}

TEST_CASE("probe json: the whole `rampart probe --output json` document is accepted", "[probe]") {
  const ProbeResults rs = sample();
  json doc = {{"probes", to_json(rs)}, {"findings", json::array()}};
  auto back = results_from_json(doc);
  REQUIRE(back.has_value());
  CHECK(*back == rs);
}

TEST_CASE("probe json: certificates without issuer_cn and O= get them from the names", "[probe]") {
  json j = to_json(sample());
  auto& leaf = j["results"][0]["tls"]["chain"][0];
  leaf.erase("issuer_cn");
  leaf.erase("subject_organisations");
  leaf["subject"] = "O=etcd+O=other,CN=cp1";
  leaf["issuer"] = "CN=node1-ca@1700000000,O=a\\,b";
  auto back = results_from_json(j);
  REQUIRE(back.has_value());
  const Certificate& c = back->results[0].tls->chain[0];
  CHECK(c.subject_organisations == std::vector<std::string>{"etcd", "other"});
  CHECK(c.issuer_cn == "node1-ca@1700000000");
}

TEST_CASE("probe json: bad input names the field", "[probe]") {
  json j = to_json(sample());
  j["results"][1]["reachability"] = "maybe";
  auto r = results_from_json(j);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().describe() == "probe results.results[1].reachability: unknown value \"maybe\"");

  j = to_json(sample());
  j["results"][0]["target"].erase("host");
  r = results_from_json(j);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().describe() == "probe results.results[0].target.host: missing");

  j = to_json(sample());
  j["results"][0]["exchanges"][0]["status"] = "200";
  r = results_from_json(j);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().describe() == "probe results.results[0].exchanges[0].status: not a whole number");

  CHECK_FALSE(results_from_json(json::array()).has_value());
  CHECK_FALSE(results_from_json(json{{"connect_timeout_ms", 1}}).has_value());
}
