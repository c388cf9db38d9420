#include "rampart/probe/json.h"

#include <cctype>
#include <stdexcept>

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
          {"subject_organisations", c.subject_organisations},
          {"issuer", c.issuer},
          {"issuer_cn", c.issuer_cn},
          {"sans", c.sans},
          {"key_type", c.key_type},
          {"key_bits", c.key_bits},
          {"signature_algorithm", c.signature_algorithm},
          {"not_before", c.not_before},
          {"not_after", c.not_after},
          {"not_before_unix", c.not_before_unix},
          {"not_after_unix", c.not_after_unix},
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


// ---------------------------------------------------------------- reading back

// A field that is missing or of the wrong type. Thrown inside the reader only; results_from_json
// turns it into an Error naming the field.
struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Reader {
 public:
  Reader(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) throw BadField(path_ + ": not an object");
  }

  [[nodiscard]] bool has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  [[nodiscard]] std::string where(const char* key) const { return path_ + "." + key; }

  [[nodiscard]] const json& at(const char* key) const {
    if (!has(key)) throw BadField(where(key) + ": missing");
    return j_.at(key);
  }
  [[nodiscard]] Reader object(const char* key) const { return Reader(at(key), where(key)); }

  [[nodiscard]] std::string text(const char* key, bool required = false) const {
    if (!has(key)) {
      if (required) throw BadField(where(key) + ": missing");
      return {};
    }
    if (!j_.at(key).is_string()) throw BadField(where(key) + ": not a string");
    return j_.at(key).get<std::string>();
  }
  template <class Int>
  [[nodiscard]] Int number(const char* key, bool required = false) const {
    if (!has(key)) {
      if (required) throw BadField(where(key) + ": missing");
      return 0;
    }
    if (!j_.at(key).is_number_integer()) throw BadField(where(key) + ": not a whole number");
    return j_.at(key).get<Int>();
  }
  [[nodiscard]] bool flag(const char* key) const {
    if (!has(key)) return false;
    if (!j_.at(key).is_boolean()) throw BadField(where(key) + ": not true or false");
    return j_.at(key).get<bool>();
  }
  [[nodiscard]] std::vector<std::string> strings(const char* key) const {
    std::vector<std::string> out;
    if (!has(key)) return out;
    if (!j_.at(key).is_array()) throw BadField(where(key) + ": not a list");
    for (const auto& v : j_.at(key)) {
      if (!v.is_string()) throw BadField(where(key) + ": not a list of strings");
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  /// Calls fn(element, "path[i]") for every element of a list field.
  template <class Fn>
  void each(const char* key, Fn fn) const {
    if (!has(key)) return;
    if (!j_.at(key).is_array()) throw BadField(where(key) + ": not a list");
    size_t i = 0;
    for (const auto& v : j_.at(key)) fn(v, where(key) + "[" + std::to_string(i++) + "]");
  }
  /// An enumerator by the name to_string gives it.
  template <class Enum, class Names>
  [[nodiscard]] Enum choice(const char* key, const Names& names) const {
    std::string v = text(key, true);
    for (const auto& [value, name] : names)
      if (v == name) return value;
    throw BadField(where(key) + ": unknown value \"" + v + "\"");
  }

 private:
  const json& j_;
  std::string path_;
};

// Every enumerator with its name, from the to_string functions: one spelling, kept in result.cpp.
template <class Enum>
std::vector<std::pair<Enum, std::string>> names_of(Enum last) {
  std::vector<std::pair<Enum, std::string>> out;
  for (int i = 0; i <= static_cast<int>(last); ++i) out.emplace_back(static_cast<Enum>(i), to_string(static_cast<Enum>(i)));
  return out;
}

std::vector<std::pair<ProbeId, std::string>> probe_codes() {
  std::vector<std::pair<ProbeId, std::string>> out;
  for (int i = 0; i <= static_cast<int>(ProbeId::kLegacyPort); ++i)
    out.emplace_back(static_cast<ProbeId>(i), probe_code(static_cast<ProbeId>(i)));
  return out;
}

// Values of attribute `attr` in an RFC 2253 name ("CN=a,O=b+O=c"), in the order written.
std::vector<std::string> rdn_values(std::string_view name, std::string_view attr) {
  std::vector<std::string> out;
  std::string key, value;
  bool in_value = false;
  auto flush = [&] {
    if (key == attr) out.push_back(value);
    key.clear();
    value.clear();
    in_value = false;
  };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '\\' && i + 1 < name.size()) {
      // \XX (two hex digits) is one byte; \c is c itself.
      if (i + 2 < name.size() && std::isxdigit(static_cast<unsigned char>(name[i + 1])) &&
          std::isxdigit(static_cast<unsigned char>(name[i + 2]))) {
        (in_value ? value : key) += static_cast<char>(std::stoi(std::string(name.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        (in_value ? value : key) += name[++i];
      }
    } else if (c == ',' || c == '+') {
      flush();
    } else if (c == '=' && !in_value) {
      in_value = true;
    } else {
      (in_value ? value : key) += c;
    }
  }
  flush();
  return out;
}

Target target_of(const Reader& r) {
  Target t;
  std::string kind = r.text("kind", true);
  auto k = parse_target_kind(kind);
  if (!k) throw BadField(r.where("kind") + ": unknown value \"" + kind + "\"");
  t.kind = *k;
  t.host = r.text("host", true);
  t.port = r.number<int>("port", true);
  t.node = r.text("node");
  t.source = r.text("source");
  return t;
}

Exchange exchange_of(const Reader& r) {
  Exchange e;
  e.request = r.text("request", true);
  e.request_body = r.text("request_body");
  e.status = r.number<int>("status");
  e.status_line = r.text("status_line");
  r.each("headers", [&](const json& h, const std::string& path) {
    Reader hr(h, path);
    e.headers.emplace_back(hr.text("name", true), hr.text("value", true));
  });
  e.body_excerpt = r.text("body_excerpt");
  e.body_bytes = r.number<size_t>("body_bytes");
  e.body_truncated = r.flag("body_truncated");
  e.error = r.text("error");
  e.elapsed_ms = r.number<int64_t>("elapsed_ms");
  return e;
}

Certificate certificate_of(const Reader& r) {
  Certificate c;
  c.subject = r.text("subject");
  c.issuer = r.text("issuer");
  if (r.has("subject_organisations")) {
    c.subject_organisations = r.strings("subject_organisations");
  } else {
    c.subject_organisations = rdn_values(c.subject, "O");
  }
  if (r.has("issuer_cn")) {
    c.issuer_cn = r.text("issuer_cn");
  } else {
    // RFC 2253 writes the name's last attribute first; the probe keeps the first CN in DER order.
    auto cns = rdn_values(c.issuer, "CN");
    c.issuer_cn = cns.empty() ? "" : cns.back();
  }
  c.sans = r.strings("sans");
  c.key_type = r.text("key_type");
  c.key_bits = r.number<int>("key_bits");
  c.signature_algorithm = r.text("signature_algorithm");
  c.not_before = r.text("not_before");
  c.not_after = r.text("not_after");
  c.not_before_unix = r.number<int64_t>("not_before_unix");
  c.not_after_unix = r.number<int64_t>("not_after_unix");
  c.days_to_expiry = r.number<int64_t>("days_to_expiry");
  c.not_yet_valid = r.flag("not_yet_valid");
  c.self_signed = r.flag("self_signed");
  c.sha256 = r.text("sha256");
  return c;
}

TlsSession tls_of(const Reader& r) {
  TlsSession s;
  s.handshake_ok = r.flag("handshake_ok");
  s.version = r.text("version");
  s.cipher = r.text("cipher");
  r.each("chain", [&](const json& c, const std::string& path) { s.chain.push_back(certificate_of(Reader(c, path))); });
  s.client_cert_requested = r.flag("client_cert_requested");
  s.client_ca_names = r.strings("client_ca_names");
  if (r.has("alert_received")) {
    Reader a = r.object("alert_received");
    s.alert_received = a.number<int>("code", true);
    s.alert = a.text("name");
  }
  s.error = r.text("error");
  s.timed_out = r.flag("timed_out");
  return s;
}

TlsScan scan_of(const Reader& r) {
  TlsScan s;
  if (r.has("versions")) {
    const json& v = r.at("versions");
    if (!v.is_object()) throw BadField(r.where("versions") + ": not an object");
    for (const auto& [name, accepted] : v.items()) {
      if (!accepted.is_boolean()) throw BadField(r.where("versions") + "." + name + ": not true or false");
      s.versions[name] = accepted.get<bool>();
    }
  }
  static const auto kStrengths = names_of(SuiteStrength::kInsecure);
  r.each("tls12_suites", [&](const json& c, const std::string& path) {
    Reader cr(c, path);
    s.tls12_suites.push_back({cr.text("name", true), cr.text("openssl"), cr.choice<SuiteStrength>("strength", kStrengths)});
  });
  s.tls13_suites = r.strings("tls13_suites");
  s.tls12_suites_tried = r.number<size_t>("tls12_suites_tried");
  s.handshakes = r.number<int>("handshakes");
  s.complete = r.flag("complete");
  s.incomplete = r.text("incomplete");
  return s;
}

EtcdRange range_of(const Reader& r) {
  static const auto kOutcomes = names_of(EtcdRange::Outcome::kFailed);
  EtcdRange e;
  e.path = r.text("path");
  e.outcome = r.choice<EtcdRange::Outcome>("outcome", kOutcomes);
  if (r.has("count")) e.count = r.number<int64_t>("count");
  return e;
}

ProbeResult result_of(const Reader& r) {
  static const auto kProbeCodes = probe_codes();
  static const auto kReachability = names_of(Reachability::kError);
  static const auto kClassifications = names_of(Classification::kLegacyPortOpen);
  ProbeResult p;
  p.probe = r.choice<ProbeId>("probe", kProbeCodes);
  p.target = target_of(r.object("target"));
  p.reachability = r.choice<Reachability>("reachability", kReachability);
  p.classification = r.choice<Classification>("classification", kClassifications);
  p.summary = r.text("summary");
  p.elapsed_ms = r.number<int64_t>("elapsed_ms");
  r.each("exchanges", [&](const json& e, const std::string& path) { p.exchanges.push_back(exchange_of(Reader(e, path))); });
  if (r.has("tls")) p.tls = tls_of(r.object("tls"));
  if (r.has("tls_scan")) p.tls_scan = scan_of(r.object("tls_scan"));
  if (r.has("etcd_range")) p.etcd_range = range_of(r.object("etcd_range"));
  return p;
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

Result<ProbeResults> results_from_json(const json& j) {
  // The whole `rampart probe --output json` document holds the results under "probes".
  const bool whole = j.is_object() && j.contains("probes") && j.at("probes").is_object();
  const json& doc = whole ? j.at("probes") : j;
  try {
    Reader r(doc, whole ? "probes" : "probe results");
    ProbeResults out;
    out.connect_timeout_ms = r.number<int64_t>("connect_timeout_ms");
    out.probe_timeout_ms = r.number<int64_t>("probe_timeout_ms");
    out.concurrency = r.number<int>("concurrency");
    if (!r.has("results")) throw BadField(r.where("results") + ": missing");
    r.each("results", [&](const json& e, const std::string& path) { out.results.push_back(result_of(Reader(e, path))); });
    return out;
  } catch (const BadField& e) {
    return fail(ErrorKind::kParse, e.what());
  } catch (const json::exception& e) {
    // A number out of range for its field, for instance.
    return fail(ErrorKind::kParse, std::string("probe results: ") + e.what());
  }
}

}  // namespace rampart::probe
