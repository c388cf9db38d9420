#pragma once
// What a probe observed: exactly what was sent, what came back (bounded and redacted), the TLS
// details and one classification. Plain data; produced by runner.h, read by findings.h, the
// CLI and (later) the checks engine.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rampart/probe/target.h"

namespace rampart::probe {

/// The probes of cis-controls.md §1 "P". The order is the report order.
enum class ProbeId {
  kKubeletAnonymous,     ///< P-1
  kKubeletCredentialed,  ///< P-2 (only with a credential)
  kKubeletReadOnly,      ///< P-3
  kEtcdPlaintext,        ///< P-4
  kEtcdTls,              ///< P-5
  kApiServerAnonymous,   ///< P-6
  kTlsScan,              ///< P-7
  kComponentEndpoints,   ///< P-8
  kKubeProxyMetrics,     ///< P-9
  kProfiling,            ///< P-10 (only with a credential)
  kLegacyPort,           ///< P-11
};

const char* probe_code(ProbeId id);  ///< "P-1"
const char* to_string(ProbeId id);   ///< "kubelet-anonymous"

/// How the TCP connection went, from where rampart runs.
enum class Reachability {
  kOpen,      ///< the connection was accepted
  kClosed,    ///< refused (RST): closed from this vantage point
  kFiltered,  ///< no answer to the SYN before the connect timeout, or no route: never a PASS
  kError,     ///< the target could not be tried (name did not resolve, local failure)
};

const char* to_string(Reachability r);  ///< "open", "closed", "filtered", "error"

/// What a probe concluded. One enum for all probes; the comment names the probes using a value.
enum class Classification {
  kNoConnection,          ///< all: not open, nothing to conclude
  kNoAnswer,              ///< all: open, but no usable answer before the timeout or EOF
  kNotHttp,               ///< plain-HTTP probes: the port answered with something else
  kTlsFailed,             ///< TLS probes: the handshake failed for a reason other than a client
                          ///< certificate demand (not TLS, or no common version or suite)
  kUnexpected,            ///< all: an HTTP answer outside the probe's table
  kAnonymousAllowed,      ///< P-1: /pods 200 for anonymous
  kAnonymousForbidden,    ///< P-1: /pods 403: anonymous authenticated, authorization denied
  kAnonymousOff,          ///< P-1, P-6: 401: anonymous requests rejected
  kCredentialAllowed,     ///< P-2: /pods 200 with rampart's credential
  kCredentialForbidden,   ///< P-2: 403
  kCredentialRejected,    ///< P-2: 401
  kReadOnlyOpen,          ///< P-3: an HTTP answer on the read-only port
  kPlaintext,             ///< P-4: plain HTTP answered (`{"etcdserver":...}`)
  kTlsListener,           ///< P-4: the port wants TLS (TLS alert, or Go's "HTTP request to an
                          ///< HTTPS server" 400)
  kClientCertRequired,    ///< P-5: handshake failure or alert 40/42/116 without a certificate
  kClientCertNotRequired, ///< P-5: /version 200 without a client certificate
  kAnonymousHealthOnly,   ///< P-6: only /healthz, /livez, /readyz answered 200; the rest 401
  kAnonymousDiscovery,    ///< P-6: /version, /api or /apis 200, or 403 naming system:anonymous
  kAnonymousReadsResources, ///< P-6: /api/v1/namespaces 200 for anonymous
  kTlsScanned,            ///< P-7: every planned handshake ran
  kTlsScanIncomplete,     ///< P-7: the probe's time ran out before every handshake ran
  kMetricsOpen,           ///< P-8, P-9: /metrics answered 200 without credentials
  kMetricsProtected,      ///< P-8: /metrics 401 or 403
  kProfilingOn,           ///< P-10: /debug/pprof/ 200
  kProfilingOff,          ///< P-10: 404
  kProfilingUnknown,      ///< P-10: 401 or 403
  kLegacyPortOpen,        ///< P-11: an HTTP answer on a legacy insecure port
};

const char* to_string(Classification c);  ///< "anonymous-allowed", ...

/// One HTTP request and its answer, as recorded for evidence.
struct Exchange {
  std::string request;       ///< request line and headers exactly as sent, secrets redacted
  std::string request_body;  ///< the body sent (only the etcd count-only range has one)
  int status = 0;            ///< HTTP status; 0 when no HTTP answer came
  std::string status_line;   ///< "HTTP/1.1 401 Unauthorized"
  std::vector<std::pair<std::string, std::string>> headers;  ///< relevant headers, lower-case names
  std::string body_excerpt;  ///< bounded and redacted (redact.h); empty when the body is dropped
  size_t body_bytes = 0;     ///< body bytes read (reading stops at a bound)
  bool body_truncated = false;
  std::string error;         ///< why no complete answer: "timeout after 10000 ms", "not HTTP: ..."
  int64_t elapsed_ms = 0;
  bool operator==(const Exchange&) const = default;
};

/// A certificate as the server sent it.
struct Certificate {
  std::string subject;  ///< RFC 2253, e.g. "CN=kube-apiserver"
  std::string issuer;
  std::string issuer_cn;  ///< the issuer's CN alone (kubelet self-signed CAs are recognised by it)
  std::vector<std::string> subject_organisations;  ///< O= values of the subject
  std::vector<std::string> sans;  ///< "DNS:name", "IP:10.0.0.1"
  std::string key_type;           ///< "RSA", "EC", "ED25519", ...
  int key_bits = 0;
  std::string signature_algorithm;  ///< "sha256WithRSAEncryption"
  std::string not_before;  ///< RFC 3339 UTC
  std::string not_after;
  int64_t not_before_unix = 0;
  int64_t not_after_unix = 0;
  int64_t days_to_expiry = 0;  ///< whole days from the probe to notAfter; negative when expired
  bool not_yet_valid = false;  ///< notBefore is after the time of the probe
  bool self_signed = false;    ///< issuer == subject and the signature verifies with its own key
  std::string sha256;          ///< fingerprint, hex
  bool operator==(const Certificate&) const = default;
};

/// The probe's own TLS handshake (default versions and suites, no client certificate unless a
/// credential was given).
struct TlsSession {
  bool handshake_ok = false;
  std::string version;  ///< "TLSv1.3"
  std::string cipher;   ///< IANA name
  std::vector<Certificate> chain;  ///< leaf first, as sent
  bool client_cert_requested = false;  ///< the server sent a CertificateRequest
  std::vector<std::string> client_ca_names;  ///< CA names listed in that CertificateRequest
  int alert_received = -1;  ///< TLS alert description the server sent (-1: none)
  std::string alert;        ///< its name, e.g. "certificate required"
  std::string error;        ///< why the handshake failed, one line
  bool timed_out = false;   ///< the handshake got no answer before the probe's deadline
  bool operator==(const TlsSession&) const = default;
};

/// Strength of a TLS 1.2 suite against the CIS sets (cis-controls.md 1.2.29 / 4.2.12).
enum class SuiteStrength {
  kStrong,    ///< one of the six ECDHE AES-GCM / CHACHA20 suites both CIS sets allow
  kWeak,      ///< outside the set (CBC, static RSA, DHE, CCM, ARIA, CAMELLIA...)
  kInsecure,  ///< RC4, 3DES, DES, NULL, EXPORT or anonymous (no authentication)
};

const char* to_string(SuiteStrength s);

struct CipherSuite {
  std::string name;     ///< IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  std::string openssl;  ///< OpenSSL's name, e.g. ECDHE-RSA-AES128-GCM-SHA256
  SuiteStrength strength = SuiteStrength::kWeak;
  bool operator==(const CipherSuite&) const = default;
};

/// P-7: one handshake per protocol version, one TLS 1.2 ClientHello per suite.
struct TlsScan {
  std::map<std::string, bool> versions;  ///< "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3" → accepted
  std::vector<CipherSuite> tls12_suites;  ///< accepted TLS 1.2 suites, sorted by name
  std::vector<std::string> tls13_suites;  ///< accepted TLS 1.3 suites, sorted
  size_t tls12_suites_tried = 0;  ///< how many suites rampart's OpenSSL could offer
  int handshakes = 0;
  bool complete = false;
  std::string incomplete;  ///< what did not run, when !complete
  bool operator==(const TlsScan&) const = default;
};

/// The etcd count-only range (P-4 / P-5 on a client port after /version answered 200).
struct EtcdRange {
  enum class Outcome { kCount, kAuthRequired, kFailed };
  Outcome outcome = Outcome::kFailed;
  std::optional<int64_t> count;  ///< number of keys; never any key or value
  std::string path;              ///< "/v3/kv/range" or "/v3beta/kv/range"
  bool operator==(const EtcdRange&) const = default;
};

const char* to_string(EtcdRange::Outcome o);  ///< "count", "auth-required", "failed"

struct ProbeResult {
  ProbeId probe = ProbeId::kKubeletAnonymous;
  Target target;
  Reachability reachability = Reachability::kError;
  Classification classification = Classification::kNoConnection;
  std::string summary;  ///< one line for people
  std::vector<Exchange> exchanges;
  std::optional<TlsSession> tls;
  std::optional<TlsScan> tls_scan;
  std::optional<EtcdRange> etcd_range;
  int64_t elapsed_ms = 0;
  bool operator==(const ProbeResult&) const = default;
};

/// Every result of one run, sorted by target (kind, host, port) then probe.
struct ProbeResults {
  std::vector<ProbeResult> results;
  int64_t connect_timeout_ms = 0;
  int64_t probe_timeout_ms = 0;
  int concurrency = 0;
  bool operator==(const ProbeResults&) const = default;
};

}  // namespace rampart::probe
