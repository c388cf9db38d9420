#include "rampart/probe/findings.h"

#include <algorithm>
#include <optional>
#include <set>

#include "rampart/probe/tls.h"

namespace rampart::probe {
namespace {

using checks::Evidence;
using checks::Finding;
using checks::Severity;
using checks::Status;

// Ids, titles and nearest CIS controls from cis-controls.md §3.
const std::vector<RmpRule> kRules = {
    {"RMP-101", "Kubelet read-only port answers", Severity::kHigh, "4.2.4", ProbeId::kKubeletReadOnly},
    {"RMP-102", "Kubelet serves /pods to anonymous callers", Severity::kCritical, "4.2.1, 4.2.2",
     ProbeId::kKubeletAnonymous},
    {"RMP-103", "Kubelet accepts the anonymous identity", Severity::kMedium, "4.2.1",
     ProbeId::kKubeletAnonymous},
    {"RMP-104", "etcd client port speaks plaintext", Severity::kCritical, "2.1", ProbeId::kEtcdPlaintext},
    {"RMP-105", "etcd client port needs no client certificate", Severity::kCritical, "2.2",
     ProbeId::kEtcdTls},
    {"RMP-106", "etcd peer port plaintext or without client certificate", Severity::kHigh, "2.4, 2.5",
     ProbeId::kEtcdTls},
    {"RMP-107", "etcd serves an auto-generated certificate", Severity::kHigh, "2.3, 2.6",
     ProbeId::kTlsScan},
    {"RMP-108", "API server answers anonymous discovery", Severity::kMedium, "1.2.1",
     ProbeId::kApiServerAnonymous},
    {"RMP-109", "API server lets anonymous callers read resources", Severity::kCritical,
     "1.2.1, 1.2.6, 5.1", ProbeId::kApiServerAnonymous},
    {"RMP-110", "TLS 1.0 or 1.1 accepted", Severity::kMedium, "1.2.29, 4.2.12", ProbeId::kTlsScan},
    {"RMP-111", "Weak TLS 1.2 suite accepted", Severity::kMedium, "1.2.29, 4.2.12", ProbeId::kTlsScan},
    {"RMP-112", "Serving certificate expired or expiring", Severity::kMedium,
     "1.2.24, 4.2.9, 4.2.10, 4.2.11, 2.1, 2.4", ProbeId::kTlsScan},
    {"RMP-113", "Kubelet serving certificate self-generated", Severity::kMedium, "4.2.9, 1.2.5",
     ProbeId::kTlsScan},
    {"RMP-114", "Controller-manager or scheduler reachable from off the node", Severity::kMedium,
     "1.3.7, 1.4.2", ProbeId::kComponentEndpoints},
    {"RMP-115", "Controller-manager or scheduler /metrics served without authorization",
     Severity::kMedium, "", ProbeId::kComponentEndpoints},
    {"RMP-116", "kube-proxy metrics reachable from off the node", Severity::kLow, "4.3.1",
     ProbeId::kKubeProxyMetrics},
    {"RMP-117", "API server profiling endpoint reachable", Severity::kLow, "1.2.15", ProbeId::kProfiling},
    {"RMP-118", "Legacy insecure API port answers plain HTTP", Severity::kCritical, "",
     ProbeId::kLegacyPort},
    {"RMP-119", "Legacy insecure scheduler/controller-manager port answers", Severity::kMedium, "",
     ProbeId::kLegacyPort},
};

// "GET /pods" from "GET /pods HTTP/1.1\r\nHost: ...".
std::string request_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\r'));
  if (line.ends_with(" HTTP/1.1")) line.resize(line.size() - 9);
  return line;
}

std::string answer(const Exchange& e) {
  if (!e.status_line.empty()) return e.status_line;
  return e.error.empty() ? "no answer" : e.error;
}

std::string cert_text(const Certificate& c) {
  return "subject=" + c.subject + "; issuer=" + c.issuer + "; notAfter=" + c.not_after + " (" +
         std::to_string(c.days_to_expiry) + " days)";
}

std::vector<Evidence> evidence_of(const ProbeResult& r) {
  std::vector<Evidence> ev;
  ev.push_back({"probe", std::string(probe_code(r.probe)) + " " + r.target.url(),
                std::string(to_string(r.reachability)) + ", " + to_string(r.classification)});
  for (const auto& e : r.exchanges)
    if (!e.request.empty()) ev.push_back({"probe", request_line(e.request), answer(e)});
  if (r.tls && !r.tls->chain.empty())
    ev.push_back({"probe", "TLS leaf certificate", cert_text(r.tls->chain.front())});
  if (r.tls && r.tls->alert_received >= 0)
    ev.push_back({"probe", "TLS alert received",
                  r.tls->alert + " (" + std::to_string(r.tls->alert_received) + ")"});
  if (r.etcd_range) {
    std::string v = to_string(r.etcd_range->outcome);
    if (r.etcd_range->count) v += ": " + std::to_string(*r.etcd_range->count) + " keys";
    ev.push_back({"probe", "POST " + r.etcd_range->path + " (count only)", v});
  }
  return ev;
}

class Emitter {
 public:
  Emitter(std::vector<ProbeFinding>& out, const ProbeResult& r) : out_(out), r_(r), ev_(evidence_of(r)) {}

  void add(std::string_view id, Status status, std::string message,
           std::optional<Severity> severity = std::nullopt, std::vector<Evidence> extra = {}) {
    ProbeFinding f;
    f.id = std::string(id);
    f.finding.status = status;
    f.finding.resource = {"NetworkEndpoint", "", r_.target.url()};
    f.finding.message = r_.target.url() + ": " + message;
    f.finding.evidence = ev_;
    f.finding.evidence.insert(f.finding.evidence.end(), extra.begin(), extra.end());
    f.finding.severity = severity;
    if (!r_.target.node.empty()) f.finding.tags.push_back("node:" + r_.target.node);
    if (!r_.target.source.empty()) f.finding.tags.push_back("source:" + r_.target.source);
    out_.push_back(std::move(f));
  }

  /// Closed → PASS, filtered/error → ERROR for every id; true when the port was not open.
  bool not_open(std::initializer_list<std::string_view> ids) {
    if (r_.reachability == Reachability::kOpen) return false;
    for (auto id : ids) {
      if (r_.reachability == Reachability::kClosed)
        add(id, Status::kPass, "connection refused: closed from this vantage point");
      else
        add(id, Status::kError, std::string(to_string(r_.reachability)) +
                                    ": cannot tell from here (" + r_.summary + ")");
    }
    return true;
  }

  /// An answer outside the probe's table: ERROR with what came.
  void inconclusive(std::initializer_list<std::string_view> ids) {
    for (auto id : ids)
      add(id, Status::kError, std::string("answer not conclusive (") +
                                  to_string(r_.classification) + "): " + r_.summary);
  }

 private:
  std::vector<ProbeFinding>& out_;
  const ProbeResult& r_;
  std::vector<Evidence> ev_;
};

void kubelet_anonymous(Emitter& e, const ProbeResult& r) {
  if (e.not_open({"RMP-102", "RMP-103"})) return;
  switch (r.classification) {
    case Classification::kAnonymousAllowed:
      e.add("RMP-102", Status::kFail, "GET /pods answered 200 to an anonymous caller");
      e.add("RMP-103", Status::kFail, "anonymous requests are accepted (and authorized: RMP-102)");
      break;
    case Classification::kAnonymousForbidden:
      e.add("RMP-102", Status::kPass, "anonymous GET /pods is not authorized (403)");
      e.add("RMP-103", Status::kFail,
            "anonymous requests are authenticated as system:anonymous (403, not 401)");
      break;
    case Classification::kAnonymousOff:
      e.add("RMP-102", Status::kPass, "anonymous GET /pods rejected with 401");
      e.add("RMP-103", Status::kPass, "anonymous requests rejected with 401");
      break;
    default: e.inconclusive({"RMP-102", "RMP-103"});
  }
}

void etcd_plaintext(Emitter& e, const ProbeResult& r) {
  const bool client = r.target.kind == TargetKind::kEtcdClient;
  if (client) {
    if (e.not_open({"RMP-104", "RMP-105"})) return;
  } else if (e.not_open({"RMP-106"})) {
    return;
  }
  if (r.classification == Classification::kPlaintext) {
    if (!client) {
      e.add("RMP-106", Status::kFail, "the peer port answers plain HTTP");
      return;
    }
    e.add("RMP-104", Status::kFail, "the client port answers plain HTTP");
    const bool readable = r.etcd_range && r.etcd_range->outcome == EtcdRange::Outcome::kCount;
    e.add("RMP-105", Status::kFail,
          readable ? "plaintext: no client certificate possible, and the count-only range read " +
                         std::to_string(r.etcd_range->count.value_or(0)) + " keys"
                   : "plaintext: no client certificate possible",
          readable ? Severity::kCritical : Severity::kHigh);
  } else if (r.classification == Classification::kTlsListener) {
    if (client) e.add("RMP-104", Status::kPass, "the client port wants TLS");
    // Client certificates are P-5's to decide.
  } else if (client) {
    e.inconclusive({"RMP-104"});
  }
  // A peer port that did not answer plain HTTP conclusively: P-5 (which always follows) decides
  // RMP-106, so it gets one verdict.
}

void etcd_tls(Emitter& e, const ProbeResult& r) {
  const bool client = r.target.kind == TargetKind::kEtcdClient;
  const std::string_view id = client ? "RMP-105" : "RMP-106";
  if (r.reachability != Reachability::kOpen) {
    if (client) e.not_open({"RMP-105"});
    else e.not_open({"RMP-106"});
    return;
  }
  switch (r.classification) {
    case Classification::kClientCertRequired:
      e.add(id, Status::kPass, "TLS without a client certificate is refused");
      break;
    case Classification::kClientCertNotRequired: {
      if (!client) {
        e.add(id, Status::kFail, "the peer port serves TLS clients without a certificate");
        break;
      }
      const bool readable = r.etcd_range && r.etcd_range->outcome == EtcdRange::Outcome::kCount;
      std::string msg = "GET /version answered 200 without a client certificate";
      if (readable)
        msg += "; the count-only range read " + std::to_string(r.etcd_range->count.value_or(0)) +
               " keys: data readable";
      else if (r.etcd_range && r.etcd_range->outcome == EtcdRange::Outcome::kAuthRequired)
        msg += "; etcd user authentication refused the range";
      e.add(id, Status::kFail, msg, readable ? Severity::kCritical : Severity::kHigh);
      break;
    }
    default: e.inconclusive({id});
  }
}

void apiserver_anonymous(Emitter& e, const ProbeResult& r) {
  if (e.not_open({"RMP-108", "RMP-109"})) return;
  switch (r.classification) {
    case Classification::kAnonymousReadsResources:
      e.add("RMP-108", Status::kFail, "anonymous callers get answers beyond health checks");
      e.add("RMP-109", Status::kFail, "GET /api/v1/namespaces answered 200 to an anonymous caller");
      break;
    case Classification::kAnonymousDiscovery:
      e.add("RMP-108", Status::kFail,
            "anonymous discovery answered (/version, /api or /apis 200, or 403 as system:anonymous)");
      e.add("RMP-109", Status::kPass, "anonymous callers cannot list namespaces");
      break;
    case Classification::kAnonymousOff:
    case Classification::kAnonymousHealthOnly:
      e.add("RMP-108", Status::kPass, std::string("anonymous requests rejected (") +
                                          to_string(r.classification) + ")");
      e.add("RMP-109", Status::kPass, "anonymous callers cannot list namespaces");
      break;
    default: e.inconclusive({"RMP-108", "RMP-109"});
  }
}

void tls_scan(Emitter& e, const ProbeResult& r) {
  if (r.reachability != Reachability::kOpen) return;  // the target's first probe reports it
  if (!r.tls_scan) {
    e.inconclusive({"RMP-110", "RMP-111"});
    return;
  }
  const TlsScan& s = *r.tls_scan;
  // RMP-110: old protocol versions.
  std::vector<std::string> old;
  bool undecided = false;
  for (const char* v : {"TLSv1", "TLSv1.1"}) {
    auto it = s.versions.find(v);
    if (it == s.versions.end()) undecided = true;
    else if (it->second) old.emplace_back(v);
  }
  if (!old.empty()) {
    std::string list;
    for (const auto& v : old) list += (list.empty() ? "" : ", ") + v;
    e.add("RMP-110", Status::kFail, "accepts " + list, std::nullopt,
          {{"probe", "TLS versions accepted", list}});
  } else if (undecided) {
    e.add("RMP-110", Status::kError, "TLS 1.0/1.1 not tested: " + s.incomplete);
  } else {
    e.add("RMP-110", Status::kPass, "TLS 1.0 and 1.1 refused");
  }
  // RMP-111: TLS 1.2 suites outside the CIS set.
  std::string weak;
  bool insecure = false;
  for (const auto& c : s.tls12_suites) {
    if (c.strength == SuiteStrength::kStrong) continue;
    weak += (weak.empty() ? "" : ", ") + c.name;
    insecure = insecure || c.strength == SuiteStrength::kInsecure;
  }
  auto tls12 = s.versions.find("TLSv1.2");
  if (!weak.empty()) {
    e.add("RMP-111", Status::kFail, "accepts TLS 1.2 suites outside the CIS set",
          insecure ? Severity::kHigh : Severity::kMedium, {{"probe", "weak TLS 1.2 suites", weak}});
  } else if (tls12 != s.versions.end() && !tls12->second) {
    e.add("RMP-111", Status::kPass, "TLS 1.2 refused: no TLS 1.2 suite accepted");
  } else if (s.complete) {
    e.add("RMP-111", Status::kPass,
          "every accepted TLS 1.2 suite is in the CIS set (" + std::to_string(s.tls12_suites_tried) +
              " suites tried)");
  } else {
    e.add("RMP-111", Status::kError, "suite scan incomplete: " + s.incomplete);
  }
}

// RMP-107, RMP-112, RMP-113 from the leaf a probe of the target saw.
void certificate(Emitter& e, const ProbeResult& r) {
  const Certificate& leaf = r.tls->chain.front();
  const std::vector<Evidence> ev = {{"probe", "leaf notBefore / notAfter",
                                     leaf.not_before + " / " + leaf.not_after}};
  if (leaf.not_yet_valid) {
    e.add("RMP-112", Status::kFail, "the serving certificate is not valid yet", Severity::kHigh, ev);
  } else if (leaf.days_to_expiry < 0) {
    e.add("RMP-112", Status::kFail, "the serving certificate expired", Severity::kHigh, ev);
  } else if (leaf.days_to_expiry <= 7) {
    e.add("RMP-112", Status::kFail,
          "the serving certificate expires in " + std::to_string(leaf.days_to_expiry) + " days",
          Severity::kHigh, ev);
  } else if (leaf.days_to_expiry <= 30) {
    e.add("RMP-112", Status::kFail,
          "the serving certificate expires in " + std::to_string(leaf.days_to_expiry) + " days",
          Severity::kMedium, ev);
  } else {
    e.add("RMP-112", Status::kPass,
          "the serving certificate is valid for " + std::to_string(leaf.days_to_expiry) + " more days",
          std::nullopt, ev);
  }
  const TargetKind kind = r.target.kind;
  if (kind == TargetKind::kEtcdClient || kind == TargetKind::kEtcdPeer) {
    if (is_etcd_auto_tls(leaf))
      e.add("RMP-107", Status::kFail, "self-signed certificate with O=etcd (--auto-tls)");
    else
      e.add("RMP-107", Status::kPass, "not an etcd auto-generated certificate");
  }
  if (kind == TargetKind::kKubelet) {
    if (is_self_generated_ca_name(leaf.issuer_cn))
      e.add("RMP-113", Status::kFail,
            "the kubelet serves a certificate from its own ephemeral CA \"" + leaf.issuer_cn + "\"");
    else
      e.add("RMP-113", Status::kPass, "the kubelet certificate is not self-generated");
  }
}

void component_endpoints(Emitter& e, const ProbeResult& r) {
  if (e.not_open({"RMP-114", "RMP-115"})) return;
  e.add("RMP-114", Status::kFail, "the port accepts connections from rampart's vantage point");
  switch (r.classification) {
    case Classification::kMetricsOpen:
      e.add("RMP-115", Status::kFail, "GET /metrics answered 200 without credentials");
      break;
    case Classification::kMetricsProtected:
      e.add("RMP-115", Status::kPass, "GET /metrics needs credentials");
      break;
    default: e.inconclusive({"RMP-115"});
  }
}

void answered(Emitter& e, const ProbeResult& r, std::string_view id, Classification open,
              const std::string& message) {
  if (e.not_open({id})) return;
  if (r.classification == open) e.add(id, Status::kFail, message);
  else e.inconclusive({id});
}

void profiling(Emitter& e, const ProbeResult& r) {
  switch (r.classification) {
    case Classification::kProfilingOn:
      e.add("RMP-117", Status::kFail, "GET /debug/pprof/ answered 200");
      break;
    case Classification::kProfilingOff:
      e.add("RMP-117", Status::kPass, "GET /debug/pprof/ answered 404");
      break;
    default: e.inconclusive({"RMP-117"});
  }
}

}  // namespace

const std::vector<RmpRule>& rmp_rules() { return kRules; }

std::vector<ProbeFinding> probe_findings(const ProbeResults& results) {
  std::vector<ProbeFinding> out;
  std::set<std::string> certificate_seen;  // one certificate verdict per target
  for (const ProbeResult& r : results.results) {
    Emitter e(out, r);
    if (r.reachability == Reachability::kOpen && r.tls && !r.tls->chain.empty() &&
        certificate_seen.insert(r.target.url()).second)
      certificate(e, r);
    switch (r.probe) {
      case ProbeId::kKubeletAnonymous: kubelet_anonymous(e, r); break;
      case ProbeId::kKubeletCredentialed: break;
      case ProbeId::kKubeletReadOnly:
        answered(e, r, "RMP-101", Classification::kReadOnlyOpen, "the read-only port answers HTTP");
        break;
      case ProbeId::kEtcdPlaintext: etcd_plaintext(e, r); break;
      case ProbeId::kEtcdTls: etcd_tls(e, r); break;
      case ProbeId::kApiServerAnonymous: apiserver_anonymous(e, r); break;
      case ProbeId::kTlsScan: tls_scan(e, r); break;
      case ProbeId::kComponentEndpoints: component_endpoints(e, r); break;
      case ProbeId::kKubeProxyMetrics:
        answered(e, r, "RMP-116", Classification::kMetricsOpen,
                 "kube-proxy /metrics answers beyond loopback");
        break;
      case ProbeId::kProfiling: profiling(e, r); break;
      case ProbeId::kLegacyPort:
        answered(e, r, r.target.kind == TargetKind::kLegacyApiServer ? "RMP-118" : "RMP-119",
                 Classification::kLegacyPortOpen, "a legacy insecure port answers plain HTTP");
        break;
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ProbeFinding& a, const ProbeFinding& b) {
    return std::tie(a.id, a.finding.resource.name) < std::tie(b.id, b.finding.resource.name);
  });
  return out;
}

}  // namespace rampart::probe
