#include "probes.h"

#include <algorithm>
#include <array>
#include <functional>

#include <openssl/ssl.h>

#include "connection.h"
#include "rampart/probe/classify.h"
#include "rampart/probe/http.h"
#include "rampart/probe/redact.h"
#include "rampart/probe/tls.h"

namespace rampart::probe::detail {
namespace {

using std::chrono::milliseconds;

// The only request body rampart ever sends: an etcd range over every key ("\0" to "\0" means
// "from the first key to the end") asking for the number of keys only, never keys or values.
constexpr std::string_view kCountOnlyRange = R"({"key":"AA==","range_end":"AA==","count_only":true})";

// Excerpt sizes: bodies that can carry workload data (pod lists, metrics) keep only a short
// head that shows what kind of answer it was; /metrics keeps nothing.
constexpr size_t kExcerptStatus = 512;
constexpr size_t kExcerptData = 160;
constexpr size_t kExcerptNone = 0;

// Headers worth keeping as evidence; everything else (cookies, audit ids) is dropped.
constexpr std::array<std::string_view, 5> kKeptHeaders = {
    "content-type", "content-length", "transfer-encoding", "www-authenticate", "server"};

struct Budget {
  Deadline deadline;
  milliseconds connect_timeout;
};

struct BodyPolicy {
  size_t keep = kExcerptStatus;  ///< excerpt characters kept in the result
  size_t read = 64 * 1024;       ///< body bytes read before the connection is dropped
};

// One connection, one request, one answer.
struct Fetch {
  Reachability reachability = Reachability::kError;
  std::optional<TlsSession> tls;
  Exchange exchange;
  std::string body;         // raw, bounded; used to classify, never stored
  std::string first_bytes;  // raw; used to classify, never stored
  int alert_after = -1;     // TLS alert received after the handshake

  [[nodiscard]] bool open() const { return reachability == Reachability::kOpen; }
  [[nodiscard]] bool tls_ok() const { return !tls || tls->handshake_ok; }
};

std::string ms_text(milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

int64_t since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

TlsOptions tls_options(const Target& t, const config::Credential* credential = nullptr) {
  TlsOptions o;
  if (!is_ip_literal(t.host)) o.sni = t.host;  // no SNI for IP addresses (RFC 6066)
  o.credential = credential;
  return o;
}

HttpRequest request(const Target& t, std::string path) {
  HttpRequest r;
  r.path = std::move(path);
  r.authority = t.authority();
  return r;
}

std::string alert_text(int alert) {
  return "TLS alert from the server: " + alert_name(alert) + " (" + std::to_string(alert) + ")";
}

Fetch fetch(const Target& t, const HttpRequest& req, const Budget& budget, BodyPolicy policy,
            const TlsOptions* tls) {
  Fetch f;
  const auto start = Clock::now();
  f.exchange.request = request_transcript(req);
  f.exchange.request_body = req.body;
  auto finish = [&]() -> Fetch {
    f.exchange.elapsed_ms = since(start);
    return std::move(f);
  };
  if (!request_is_valid(req)) {
    f.exchange.error = "refused to send a malformed request";
    return finish();
  }
  if (budget.deadline.expired()) {
    f.exchange.error = "not sent: the probe's time ran out";
    return finish();
  }
  auto opened = Connection::open(t.host, t.port, budget.deadline.within(budget.connect_timeout));
  f.reachability = opened.reachability;
  if (!opened.connection) {
    f.exchange.error = opened.detail;
    if (opened.reachability == Reachability::kFiltered)
      f.exchange.error += " (no connection within " + ms_text(budget.connect_timeout) + ")";
    return finish();
  }
  Connection& conn = *opened.connection;
  if (tls != nullptr) {
    f.tls = conn.start_tls(*tls, budget.deadline);
    if (!f.tls->handshake_ok) {
      f.exchange.error = "TLS handshake failed: " + f.tls->error;
      if (f.tls->alert_received >= 0) f.exchange.error += "; " + alert_text(f.tls->alert_received);
      return finish();
    }
  }
  IoStatus w = conn.write_all(render_request(req), budget.deadline);
  if (w != IoStatus::kOk) {
    f.exchange.error = w == IoStatus::kTimeout ? "timed out sending the request"
                                               : "sending the request failed: " + conn.error();
    // A TLS 1.3 server that wanted a certificate may already have said so.
    f.alert_after = conn.alert_received();
    return finish();
  }

  HttpLimits limits;
  limits.max_body = policy.read;
  HttpResponseReader reader(limits);
  // Hard cap on bytes taken from the socket, whatever the framing claims.
  const size_t cap = limits.max_header_bytes + policy.read + 4096;
  size_t total = 0;
  std::string chunk;
  while (reader.state() == HttpResponseReader::State::kNeedMore) {
    chunk.clear();
    IoStatus r = conn.read_some(chunk, std::min<size_t>(16384, cap - total + 1), budget.deadline);
    if (r == IoStatus::kOk) {
      total += chunk.size();
      reader.feed(chunk);
      if (total > cap && reader.state() == HttpResponseReader::State::kNeedMore) break;
      continue;
    }
    if (r == IoStatus::kEof) {
      reader.finish();
      break;
    }
    if (r == IoStatus::kTimeout) {
      f.exchange.error = "no complete answer within the probe timeout";
    } else {
      f.exchange.error = conn.error();
      f.alert_after = conn.alert_received();
      if (f.alert_after >= 0) f.exchange.error = alert_text(f.alert_after);
    }
    break;
  }
  if (f.tls) f.tls->alert_received = std::max(f.tls->alert_received, f.alert_after);
  if (f.tls && f.alert_after >= 0) f.tls->alert = alert_name(f.alert_after);
  f.first_bytes = reader.first_bytes();
  const HttpResponse& resp = reader.response();
  if (reader.state() == HttpResponseReader::State::kError && f.exchange.error.empty()) {
    f.exchange.error = reader.error();
    if (!reader.headers_done() && !f.first_bytes.starts_with("HTTP/"))
      f.exchange.error += ": " + describe_bytes(f.first_bytes);  // what came instead
  }
  if (reader.headers_done()) {
    f.exchange.status = resp.status;
    f.exchange.status_line = redact_excerpt(resp.status_line, 200);
    for (const auto& [k, v] : resp.headers)
      if (std::find(kKeptHeaders.begin(), kKeptHeaders.end(), k) != kKeptHeaders.end())
        f.exchange.headers.emplace_back(k, redact_excerpt(v, 200));
    f.body = resp.body;
    f.exchange.body_bytes = resp.body_bytes;
    f.exchange.body_truncated = resp.body_truncated;
    f.exchange.body_excerpt = redact_excerpt(resp.body, policy.keep);
    if (f.exchange.error.empty() && !reader.error().empty()) f.exchange.error = reader.error();
  }
  return finish();
}

// One probe in progress: its result, its clock and its budget.
struct Run {
  ProbeResult r;
  Clock::time_point begin = Clock::now();
  Budget budget;

  Run(ProbeId id, const Target& t, const ProbeOptions& o)
      : budget{Deadline::after(o.probe_timeout), o.connect_timeout} {
    r.probe = id;
    r.target = t;
  }

  /// Records the first request of the probe (reachability, TLS, exchange). False, with the
  /// result classified, when the port was not open or TLS failed: the probe stops there.
  bool first(const Fetch& f) {
    r.reachability = f.reachability;
    r.tls = f.tls;
    r.exchanges.push_back(f.exchange);
    if (!f.open()) {
      r.classification = Classification::kNoConnection;
      r.summary = std::string(to_string(f.reachability)) + ": " + f.exchange.error;
      return false;
    }
    if (!f.tls_ok()) {
      r.classification = f.tls->timed_out ? Classification::kNoAnswer : Classification::kTlsFailed;
      r.summary = f.exchange.error;
      return false;
    }
    return true;
  }

  ProbeResult done() {
    r.elapsed_ms = since(begin);
    return std::move(r);
  }
};

std::string status_text(const Exchange& e) {
  return e.status != 0 ? "HTTP " + std::to_string(e.status) : "no HTTP answer (" + e.error + ")";
}

// The probes of a plain-HTTP port (P-3, P-9, P-11): one GET, `classify` reads the answer.
ProbeResult plain_http_probe(ProbeId id, const Target& t, const std::string& path, BodyPolicy body,
                             const std::function<Classification(int, std::string_view)>& classify,
                             const std::string& meaning, const ProbeOptions& o) {
  Run run(id, t, o);
  Fetch f = fetch(t, request(t, path), run.budget, body, nullptr);
  if (!run.first(f)) return run.done();
  if (f.exchange.status != 0) {
    run.r.classification = classify(f.exchange.status, f.body);
    run.r.summary = "GET " + path + " answered HTTP " + std::to_string(f.exchange.status) + ": " +
                    (run.r.classification == Classification::kUnexpected ? "not the expected server"
                                                                         : meaning);
  } else {
    run.r.classification = f.first_bytes.empty() ? Classification::kNoAnswer : Classification::kNotHttp;
    run.r.summary = "open, but " + f.exchange.error;
  }
  return run.done();
}

// P-3 and P-9: any HTTP answer shows the port open (cis-controls.md §1 "P").
Classification any_answer(Classification open, int status) {
  return status != 0 ? open : Classification::kNoAnswer;
}

// The probes that send one request with rampart's own credential (P-2, P-10). The body is
// dropped: an authorized answer can hold anything.
ProbeResult credentialed_probe(ProbeId id, const Target& t, const std::string& path,
                               Classification (*classify)(int), const std::string& note,
                               const ProbeOptions& o) {
  Run run(id, t, o);
  TlsOptions tls = tls_options(t, &*o.credential);
  HttpRequest req = request(t, path);
  req.bearer_token = o.credential->bearer_token;
  Fetch f = fetch(t, req, run.budget, {kExcerptNone, 0}, &tls);
  if (!run.first(f)) return run.done();
  run.r.classification = classify(f.exchange.status);
  run.r.summary = "GET " + path + " with rampart's credential: " + status_text(f.exchange) + note;
  return run.done();
}

// ------------------------------------------------------------------ P-1: kubelet

ProbeResult kubelet_anonymous(const Target& t, const ProbeOptions& o) {
  Run run(ProbeId::kKubeletAnonymous, t, o);
  TlsOptions tls = tls_options(t);
  Fetch f = fetch(t, request(t, "/pods"), run.budget, {kExcerptData, 16 * 1024}, &tls);
  if (!run.first(f)) return run.done();
  ProbeResult& r = run.r;
  r.classification = classify_kubelet_anonymous(f.exchange.status);
  switch (r.classification) {
    case Classification::kAnonymousAllowed:
      r.summary = "GET /pods 200: the kubelet serves its pods to anonymous callers";
      break;
    case Classification::kAnonymousForbidden:
      r.summary = "GET /pods 403: anonymous callers are authenticated (authorization denied)";
      break;
    case Classification::kAnonymousOff:
      r.summary = "GET /pods 401: anonymous requests are rejected";
      break;
    default:
      r.summary = "GET /pods: " + status_text(f.exchange);
  }
  // Reachability of the other read endpoints; their answers are evidence only.
  r.exchanges.push_back(fetch(t, request(t, "/healthz"), run.budget, {64, 1024}, &tls).exchange);
  r.exchanges.push_back(fetch(t, request(t, "/metrics"), run.budget, {kExcerptNone, 0}, &tls).exchange);
  return run.done();
}

// ------------------------------------------------------------------ P-4, P-5: etcd

// POST the count-only range (fallback /v3beta on 404) and keep only the count.
EtcdRange count_keys(const Target& t, const Budget& b, const TlsOptions* tls,
                     std::vector<Exchange>& exchanges) {
  EtcdRange range;
  for (const char* path : {"/v3/kv/range", "/v3beta/kv/range"}) {
    HttpRequest req = request(t, path);
    req.method = "POST";
    req.body = std::string(kCountOnlyRange);
    req.content_type = "application/json";
    Fetch f = fetch(t, req, b, {kExcerptStatus, 16 * 1024}, tls);
    exchanges.push_back(f.exchange);
    range = classify_etcd_range(f.exchange.status, f.body);
    range.path = path;
    if (f.exchange.status != 404) break;
  }
  return range;
}

std::string range_summary(const EtcdRange& range) {
  switch (range.outcome) {
    case EtcdRange::Outcome::kCount:
      return "; count-only range returned " + std::to_string(range.count.value_or(0)) +
             " keys: data readable";
    case EtcdRange::Outcome::kAuthRequired: return "; count-only range refused: etcd user auth on";
    case EtcdRange::Outcome::kFailed: return "; count-only range gave no count";
  }
  return {};
}

ProbeResult etcd_plaintext(const Target& t, const ProbeOptions& o) {
  Run run(ProbeId::kEtcdPlaintext, t, o);
  Fetch f = fetch(t, request(t, "/version"), run.budget, {kExcerptStatus, 4096}, nullptr);
  if (!run.first(f)) return run.done();
  ProbeResult& r = run.r;
  r.classification = classify_etcd_plaintext(f.exchange.status, f.body, f.first_bytes);
  switch (r.classification) {
    case Classification::kPlaintext:
      r.summary = "GET /version over plain HTTP: " + status_text(f.exchange) + ": etcd speaks plaintext";
      if (t.kind == TargetKind::kEtcdClient && f.exchange.status == 200) {
        r.etcd_range = count_keys(t, run.budget, nullptr, r.exchanges);
        r.summary += range_summary(*r.etcd_range);
      }
      break;
    case Classification::kTlsListener:
      r.summary = "plain HTTP refused the way a TLS listener does: not plaintext";
      break;
    case Classification::kUnexpected:
      r.summary = "GET /version answered " + status_text(f.exchange) + ", but not the way etcd does";
      break;
    default:
      r.summary = "open, but " + (f.exchange.error.empty() ? status_text(f.exchange) : f.exchange.error);
  }
  return run.done();
}

ProbeResult etcd_tls(const Target& t, const ProbeOptions& o) {
  Run run(ProbeId::kEtcdTls, t, o);
  TlsOptions tls = tls_options(t);
  Fetch f = fetch(t, request(t, "/version"), run.budget, {kExcerptStatus, 4096}, &tls);
  ProbeResult& r = run.r;
  // A failed handshake is an answer here: it is how a client certificate demand shows in TLS 1.2.
  if (!run.first(f) && !f.open()) return run.done();
  r.classification = classify_etcd_tls(*f.tls, f.exchange.status);
  switch (r.classification) {
    case Classification::kClientCertRequired:
      r.summary = "TLS without a client certificate refused (" +
                  (f.tls->alert_received >= 0 ? alert_text(f.tls->alert_received) : f.exchange.error) +
                  "): client certificate required";
      break;
    case Classification::kClientCertNotRequired:
      r.summary = "GET /version 200 over TLS without a client certificate: none required";
      if (t.kind == TargetKind::kEtcdClient) {
        r.etcd_range = count_keys(t, run.budget, &tls, r.exchanges);
        r.summary += range_summary(*r.etcd_range);
      }
      break;
    case Classification::kTlsFailed: r.summary = f.exchange.error; break;
    default: r.summary = "GET /version over TLS: " + status_text(f.exchange);
  }
  return run.done();
}

// ------------------------------------------------------------------ P-6: API server

ProbeResult apiserver_anonymous(const Target& t, const ProbeOptions& o) {
  Run run(ProbeId::kApiServerAnonymous, t, o);
  TlsOptions tls = tls_options(t);
  std::vector<PathAnswer> answers;
  for (const char* path : {"/version", "/api", "/apis", "/api/v1/namespaces?limit=1", "/healthz",
                           "/livez", "/readyz"}) {
    const bool data = std::string_view(path).starts_with("/api/v1/");
    Fetch f = fetch(t, request(t, path), run.budget, {data ? kExcerptData : kExcerptStatus, 16 * 1024}, &tls);
    if (answers.empty() && !run.first(f)) return run.done();  // the other paths would fail too
    if (!answers.empty()) run.r.exchanges.push_back(f.exchange);
    answers.push_back(PathAnswer{path, f.exchange.status, f.body});
  }
  run.r.classification = classify_apiserver_anonymous(answers);
  std::string statuses;
  for (const auto& a : answers)
    statuses += (statuses.empty() ? "" : ", ") + a.path + " " + std::to_string(a.status);
  run.r.summary = std::string(to_string(run.r.classification)) + " (" + statuses + ")";
  return run.done();
}

// ------------------------------------------------------------------ P-8: controller-manager, scheduler

ProbeResult component_endpoints(const Target& t, const ProbeOptions& o) {
  Run run(ProbeId::kComponentEndpoints, t, o);
  TlsOptions tls = tls_options(t);
  Fetch h = fetch(t, request(t, "/healthz"), run.budget, {64, 1024}, &tls);
  if (!run.first(h)) {
    if (h.open()) run.r.summary = "reachable, but " + h.exchange.error;
    return run.done();
  }
  Fetch m = fetch(t, request(t, "/metrics"), run.budget, {kExcerptNone, 0}, &tls);
  run.r.exchanges.push_back(m.exchange);
  run.r.classification = classify_component(h.exchange.status, m.exchange.status);
  run.r.summary = "reachable from here; /healthz " + status_text(h.exchange) + ", /metrics " +
                  status_text(m.exchange);
  return run.done();
}

// ------------------------------------------------------------------ P-7: TLS scan

enum class Verdict { kAccepted, kRejected, kInconclusive };

struct Handshake {
  Verdict verdict = Verdict::kInconclusive;
  TlsSession session;
  Reachability reachability = Reachability::kError;
  std::string detail;
};

Handshake handshake(const Target& t, const Budget& b, TlsOptions options) {
  Handshake h;
  auto opened = Connection::open(t.host, t.port, b.deadline.within(b.connect_timeout));
  h.reachability = opened.reachability;
  if (!opened.connection) {
    h.detail = opened.detail;
    return h;
  }
  h.session = opened.connection->start_tls(options, b.deadline);
  // A server that asks for a client certificate has agreed on version and suite already.
  if (h.session.handshake_ok || h.session.client_cert_requested) {
    h.verdict = Verdict::kAccepted;
  } else if (h.session.timed_out) {
    h.verdict = Verdict::kInconclusive;
    h.detail = h.session.error;
  } else {
    h.verdict = Verdict::kRejected;
  }
  return h;
}

struct SuiteName {
  std::string iana;
  std::string openssl;
};

// Every TLS 1.2 suite this OpenSSL can offer (PSK and SRP suites need credentials, so OpenSSL
// leaves them out on its own). Computed once.
const std::vector<SuiteName>& tls12_candidates() {
  static const std::vector<SuiteName> names = [] {
    std::vector<SuiteName> out;
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == nullptr) return out;
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
    SSL* ssl = SSL_new(ctx);
    STACK_OF(SSL_CIPHER)* list = ssl != nullptr ? SSL_get1_supported_ciphers(ssl) : nullptr;
    for (int i = 0; list != nullptr && i < sk_SSL_CIPHER_num(list); ++i) {
      const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
      if (std::string_view(SSL_CIPHER_get_version(c)) == "TLSv1.3") continue;
      out.push_back({SSL_CIPHER_standard_name(c), SSL_CIPHER_get_name(c)});
    }
    sk_SSL_CIPHER_free(list);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.iana < b.iana; });
    return out;
  }();
  return names;
}

constexpr std::array<const char*, 5> kTls13Suites = {
    "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"};

constexpr std::array<std::pair<const char*, int>, 4> kVersions = {{
    {"TLSv1", TLS1_VERSION}, {"TLSv1.1", TLS1_1_VERSION}, {"TLSv1.2", TLS1_2_VERSION},
    {"TLSv1.3", TLS1_3_VERSION}}};

ProbeResult tls_scan(const Target& t, const ProbeOptions& o) {
  Run run(ProbeId::kTlsScan, t, o);
  ProbeResult& r = run.r;
  const Budget& b = run.budget;
  const TlsOptions base = tls_options(t);

  Handshake first = handshake(t, b, base);
  r.reachability = first.reachability;
  if (first.reachability != Reachability::kOpen) {
    r.classification = Classification::kNoConnection;
    r.summary = std::string(to_string(first.reachability)) + ": " + first.detail;
    return run.done();
  }
  r.tls = first.session;
  if (first.verdict != Verdict::kAccepted) {
    r.classification = first.verdict == Verdict::kInconclusive ? Classification::kNoAnswer
                                                               : Classification::kTlsFailed;
    r.summary = "TLS handshake failed: " + first.session.error;
    return run.done();
  }

  TlsScan scan;
  scan.handshakes = 1;
  std::vector<std::string> missed;
  auto attempt = [&](TlsOptions opts, const std::string& what) -> std::optional<bool> {
    if (b.deadline.expired()) {
      missed.push_back(what);
      return std::nullopt;
    }
    Handshake h = handshake(t, b, std::move(opts));
    ++scan.handshakes;
    if (h.verdict == Verdict::kInconclusive) {
      missed.push_back(what + " (" + (h.detail.empty() ? "no answer" : h.detail) + ")");
      return std::nullopt;
    }
    return h.verdict == Verdict::kAccepted;
  };

  for (const auto& [name, version] : kVersions) {
    TlsOptions opts = base;
    opts.min_version = opts.max_version = version;
    if (version <= TLS1_2_VERSION) opts.cipher_list = "ALL:COMPLEMENTOFALL:@SECLEVEL=0";
    if (auto accepted = attempt(opts, name)) scan.versions[name] = *accepted;
  }
  if (scan.versions.count("TLSv1.2") != 0 && scan.versions["TLSv1.2"]) {
    for (const auto& suite : tls12_candidates()) {
      TlsOptions opts = base;
      opts.min_version = opts.max_version = TLS1_2_VERSION;
      opts.cipher_list = suite.openssl + ":@SECLEVEL=0";
      ++scan.tls12_suites_tried;
      auto accepted = attempt(opts, suite.iana);
      if (accepted && *accepted)
        scan.tls12_suites.push_back({suite.iana, suite.openssl, suite_strength(suite.iana)});
    }
  }
  if (scan.versions.count("TLSv1.3") != 0 && scan.versions["TLSv1.3"]) {
    for (const char* suite : kTls13Suites) {
      TlsOptions opts = base;
      opts.min_version = opts.max_version = TLS1_3_VERSION;
      opts.ciphersuites = suite;
      auto accepted = attempt(opts, suite);
      if (accepted && *accepted) scan.tls13_suites.emplace_back(suite);
    }
  }
  scan.complete = missed.empty();
  if (!missed.empty()) {
    scan.incomplete = std::to_string(missed.size()) + " handshakes did not run or got no answer";
    scan.incomplete += " (first: " + missed.front() + ")";
  }
  r.classification = scan.complete ? Classification::kTlsScanned : Classification::kTlsScanIncomplete;
  std::string versions;
  for (const auto& [name, accepted] : scan.versions)
    if (accepted) versions += (versions.empty() ? "" : " ") + name;
  size_t weak = static_cast<size_t>(std::count_if(scan.tls12_suites.begin(), scan.tls12_suites.end(),
      [](const CipherSuite& s) { return s.strength != SuiteStrength::kStrong; }));
  r.summary = "versions: " + (versions.empty() ? std::string("none") : versions) + "; TLS 1.2 suites: " +
              std::to_string(scan.tls12_suites.size()) + " accepted (" + std::to_string(weak) +
              " outside the CIS set)";
  if (!scan.complete) r.summary += "; incomplete: " + scan.incomplete;
  r.tls_scan = std::move(scan);
  return run.done();
}

// True when a later probe of the same target could still learn something.
bool worth_continuing(const ProbeResult& r) { return r.reachability == Reachability::kOpen; }

bool speaks_tls(const ProbeResult& r) {
  return r.tls && (r.tls->handshake_ok || r.tls->client_cert_requested || !r.tls->chain.empty());
}

}  // namespace

std::vector<ProbeResult> probe_target(const Target& t, const ProbeOptions& o) {
  std::vector<ProbeResult> out;
  for (ProbeId id : planned_probes(t.kind, o)) {
    if (!out.empty() && !worth_continuing(out.front())) break;
    switch (id) {
      case ProbeId::kKubeletAnonymous: out.push_back(kubelet_anonymous(t, o)); break;
      case ProbeId::kKubeletCredentialed:
        out.push_back(credentialed_probe(id, t, "/pods", classify_kubelet_credentialed,
                                         " (compare with rampart's RBAC on nodes/proxy)", o));
        break;
      case ProbeId::kKubeletReadOnly:
        out.push_back(plain_http_probe(
            id, t, "/pods", {kExcerptData, 16 * 1024},
            [](int status, std::string_view) { return any_answer(Classification::kReadOnlyOpen, status); },
            "the kubelet read-only port is open", o));
        break;
      case ProbeId::kEtcdPlaintext: out.push_back(etcd_plaintext(t, o)); break;
      case ProbeId::kEtcdTls: {
        const size_t p4 = out.size() - 1;
        if (out[p4].classification == Classification::kPlaintext) continue;
        out.push_back(etcd_tls(t, o));
        // etcd's TLS listener hangs up on plain HTTP without a byte; TLS working on the same
        // port is what shows that silence was a TLS listener (P-4's "TLS alert/garbage" case).
        ProbeResult& plain = out[p4];
        if (plain.classification == Classification::kNoAnswer && speaks_tls(out.back())) {
          plain.classification = Classification::kTlsListener;
          plain.summary = "plain HTTP got no answer and TLS works on this port (P-5): not plaintext";
        }
        break;
      }
      case ProbeId::kApiServerAnonymous: out.push_back(apiserver_anonymous(t, o)); break;
      case ProbeId::kTlsScan:
        // Only where TLS was seen (or nothing else ran, for tls:// targets).
        if (!out.empty() && !speaks_tls(out.back())) continue;
        out.push_back(tls_scan(t, o));
        break;
      case ProbeId::kComponentEndpoints: out.push_back(component_endpoints(t, o)); break;
      case ProbeId::kKubeProxyMetrics:
        out.push_back(plain_http_probe(
            id, t, "/metrics", {kExcerptNone, 0},
            [](int status, std::string_view) { return any_answer(Classification::kMetricsOpen, status); },
            "kube-proxy metrics are reachable beyond loopback", o));
        break;
      case ProbeId::kProfiling:
        // The index page only: /debug/pprof/profile would make the server profile itself.
        out.push_back(credentialed_probe(id, t, "/debug/pprof/", classify_profiling, "", o));
        break;
      case ProbeId::kLegacyPort: {
        const char* path = t.kind == TargetKind::kLegacyApiServer ? "/version" : "/healthz";
        out.push_back(plain_http_probe(
            id, t, path, {kExcerptStatus, 4096},
            [&t](int status, std::string_view body) { return classify_legacy_port(t.kind, status, body); },
            "a legacy insecure port answers plain HTTP", o));
        break;
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ProbeResult& a, const ProbeResult& b) { return a.probe < b.probe; });
  return out;
}

}  // namespace rampart::probe::detail
