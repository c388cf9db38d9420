#include "rampart/probe/json.h"

namespace rampart::probe {
namespace {

using nlohmann::json;

json target_json(const Target& t) {
  json j = {{"url", t.url()}, {"kind", to_string(t.kind)}, {"host", t.host}, {"port", t.port},
            {"source", t.source}};
  if (!t.node.empty()) j["node"] = t.node;
  return j;
}

json exchange_json(const Exchange& e) {
  json j = {{"request", e.request}, {"status", e.status}, {"elapsed_ms", e.elapsed_ms}};
  if (!e.request_body.empty()) j["request_body"] = e.request_body;
  if (!e.status_line.empty()) j["status_line"] = e.status_line;
  if (!e.headers.empty()) {
    json h = json::array();
    for (const auto& [k, v] : e.headers) h.push_back({{"name", k}, {"value", v}});
    j["headers"] = h;
  }
  if (e.status != 0) {
    j["body_excerpt"] = e.body_excerpt;
    j["body_bytes"] = e.body_bytes;
    j["body_truncated"] = e.body_truncated;
  }
  if (!e.error.empty()) j["error"] = e.error;
  return j;
}

json certificate_json(const Certificate& c) {
  return {{"subject", c.subject},
          {"issuer", c.issuer},
          {"sans", c.sans},
          {"key_type", c.key_type},
          {"key_bits", c.key_bits},
          {"signature_algorithm", c.signature_algorithm},
          {"not_before", c.not_before},
          {"not_after", c.not_after},
          {"days_to_expiry", c.days_to_expiry},
          {"not_yet_valid", c.not_yet_valid},
          {"self_signed", c.self_signed},
          {"sha256", c.sha256}};
}

json tls_json(const TlsSession& s) {
  json chain = json::array();
  for (const auto& c : s.chain) chain.push_back(certificate_json(c));
  json j = {{"handshake_ok", s.handshake_ok},
            {"client_cert_requested", s.client_cert_requested},
            {"chain", chain}};
  if (!s.version.empty()) j["version"] = s.version;
  if (!s.cipher.empty()) j["cipher"] = s.cipher;
  if (!s.client_ca_names.empty()) j["client_ca_names"] = s.client_ca_names;
  if (s.alert_received >= 0) j["alert_received"] = {{"code", s.alert_received}, {"name", s.alert}};
  if (!s.error.empty()) j["error"] = s.error;
  if (s.timed_out) j["timed_out"] = true;
  return j;
}

json scan_json(const TlsScan& s) {
  json versions = json::object();
  for (const auto& [name, accepted] : s.versions) versions[name] = accepted;
  json suites = json::array();
  for (const auto& c : s.tls12_suites)
    suites.push_back({{"name", c.name}, {"openssl", c.openssl}, {"strength", to_string(c.strength)}});
  json j = {{"versions", versions},
            {"tls12_suites", suites},
            {"tls13_suites", s.tls13_suites},
            {"tls12_suites_tried", s.tls12_suites_tried},
            {"handshakes", s.handshakes},
            {"complete", s.complete}};
  if (!s.complete) j["incomplete"] = s.incomplete;
  return j;
}

}  // namespace

json to_json(const ProbeResult& r) {
  json exchanges = json::array();
  for (const auto& e : r.exchanges) exchanges.push_back(exchange_json(e));
  json j = {{"probe", probe_code(r.probe)},
            {"name", to_string(r.probe)},
            {"target", target_json(r.target)},
            {"reachability", to_string(r.reachability)},
            {"classification", to_string(r.classification)},
            {"summary", r.summary},
            {"elapsed_ms", r.elapsed_ms},
            {"exchanges", exchanges}};
  if (r.tls) j["tls"] = tls_json(*r.tls);
  if (r.tls_scan) j["tls_scan"] = scan_json(*r.tls_scan);
  if (r.etcd_range) {
    json range = {{"path", r.etcd_range->path}, {"outcome", to_string(r.etcd_range->outcome)}};
    if (r.etcd_range->count) range["count"] = *r.etcd_range->count;
    j["etcd_range"] = range;
  }
  return j;
}

json to_json(const ProbeResults& results) {
  json list = json::array();
  for (const auto& r : results.results) list.push_back(to_json(r));
  return {{"connect_timeout_ms", results.connect_timeout_ms},
          {"probe_timeout_ms", results.probe_timeout_ms},
          {"concurrency", results.concurrency},
          {"results", list}};
}

}  // namespace rampart::probe
