#include "probe_rules.h"

#include <algorithm>
#include <map>
#include <set>

namespace rampart::checks::detail {
namespace {

// F/K evidence lines copied into one contradiction finding: enough to show the setting on the
// instance, bounded so that a cluster of many nodes does not copy every node into every finding.
constexpr size_t kEvidenceCap = 6;
// Non-passing verdicts listed one by one in evidence-only summaries, per check id.
constexpr size_t kListedVerdicts = 20;

const char* kProbesNotRun =
    "probes were not run (--no-probes, or a saved inventory scanned without probe results)";

// Open when any probe of the target got a connection; otherwise how its first probe went.
probe::Reachability reachability_of(const ProbeFacts& pf, const probe::ProbeResult& first) {
  for (const auto* r : pf.results_of(first.target.url()))
    if (r->reachability == probe::Reachability::kOpen) return probe::Reachability::kOpen;
  return first.reachability;
}

Evidence verdict_line(const ProbeVerdict& pv) {
  return {"probe", pv.id + " " + pv.finding.resource.name, std::string(to_string(pv.finding.status)) + ": " + pv.finding.message};
}

// One line for a result no verdict describes: probe, target, how the port went and the summary.
Evidence result_line(const probe::ProbeResult& r) {
  std::string value = std::string(to_string(r.reachability)) + ", " + to_string(r.classification);
  if (!r.summary.empty()) value += ": " + r.summary;
  return {"probe", std::string(probe::probe_code(r.probe)) + " " + r.target.url(), value};
}

// An instance is a node (a kubelet answers on each of its addresses) or, for targets not tied to
// a node, the endpoint itself.
std::string instance_of(const probe::Target& t) { return t.node.empty() ? t.url() : "node " + t.node; }

Severity entry_severity(const ScanView& v) { return v.entry ? v.entry->severity : Severity::kMedium; }

bool has_kind(const std::vector<TargetKind>& kinds, TargetKind k) {
  return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string wording(const ProbeLink& link) { return link.source == "kubelet" ? "configz" : "the flags"; }
std::string says_pass(const ProbeLink& link) { return link.source == "kubelet" ? "configz says PASS" : "the flags say PASS"; }

// F/K evidence lines by the instance they name: "worker1: configz readOnlyPort" belongs to node
// worker1, "kube-apiserver-cp1: ..." to the mirror pod on node cp1. Indexed once per outcome, so
// a contradiction on every node of a large cluster stays linear.
class InstanceEvidence {
 public:
  explicit InstanceEvidence(const std::vector<Evidence>& all) : all_(all) {
    for (const auto& e : all) by_owner_[e.what.substr(0, e.what.find(": "))].push_back(&e);
  }

  /// The lines of `node` (all lines when there is no node or none names it), bounded.
  [[nodiscard]] std::vector<Evidence> of(const std::string& node) const {
    std::vector<const Evidence*> mine;
    if (!node.empty()) {
      if (auto it = by_owner_.find(node); it != by_owner_.end()) {
        mine = it->second;
      } else {
        // Mirror pods are "<component>-<node>"; there are few of them.
        for (const auto& [owner, lines] : by_owner_)
          if (owner.ends_with("-" + node)) mine.insert(mine.end(), lines.begin(), lines.end());
      }
    }
    if (mine.empty())
      for (const auto& e : all_) mine.push_back(&e);
    std::vector<Evidence> out;
    for (size_t i = 0; i < mine.size() && i < kEvidenceCap; ++i) out.push_back(*mine[i]);
    if (mine.size() > kEvidenceCap)
      out.push_back({out.front().source, "more evidence", std::to_string(mine.size() - kEvidenceCap) + " more lines at check level"});
    return out;
  }

 private:
  const std::vector<Evidence>& all_;
  std::map<std::string, std::vector<const Evidence*>> by_owner_;
};

// Check-level evidence from verdicts that did not change the status: every non-passing verdict
// (bounded per id), and one count line for the passing ones.
std::vector<Evidence> summary(const std::vector<const ProbeVerdict*>& verdicts) {
  std::vector<Evidence> out;
  std::map<std::string, std::pair<size_t, size_t>> counts;  // id -> (passed, listed)
  for (const auto* pv : verdicts) {
    auto& [passed, listed] = counts[pv->id];
    if (pv->finding.status == Status::kPass) {
      ++passed;
    } else if (listed++ < kListedVerdicts) {
      out.push_back(verdict_line(*pv));
    }
  }
  for (const auto& [id, c] : counts) {
    if (c.first > 0) out.push_back({"probe", id, "PASS on " + plural(c.first, "endpoint", "endpoints")});
    if (c.second > kListedVerdicts)
      out.push_back({"probe", id, std::to_string(c.second - kListedVerdicts) + " more non-passing endpoints"});
  }
  return out;
}

// Why the probes cannot stand in for F/K, or nullopt when every instance answered and passed
// every id of the link.
std::optional<std::string> fallback_blocker(const ScanView& v, const ProbeLink& link,
                                            const std::vector<const ProbeVerdict*>& relevant) {
  const ProbeFacts& pf = v.facts.probes();
  std::map<std::string, std::string> why_not;        // instance -> first problem seen
  std::map<std::string, std::set<std::string>> ok;   // instance -> ids answered with PASS
  for (const auto* t : pf.targets(link.kinds)) why_not.emplace(instance_of(t->target), "not probed");
  // Per-node components must be seen on every node the inventory lists.
  if (has_kind(link.kinds, TargetKind::kKubelet) || has_kind(link.kinds, TargetKind::kKubeletReadOnly) ||
      has_kind(link.kinds, TargetKind::kKubeProxy))
    for (const auto& n : v.inv.nodes) why_not.emplace("node " + n.meta.name, "no endpoint of this node was probed");
  if (why_not.empty()) return "no endpoint was probed";
  std::set<std::string> explained;  // instances whose problem is already the first one seen
  for (const auto* pv : relevant) {
    const std::string inst = instance_of(pv->source->target);
    if (pv->finding.status == Status::kPass && pv->answered()) {
      ok[inst].insert(pv->id);
    } else if (explained.insert(inst).second) {
      why_not[inst] = pv->finding.status == Status::kPass
                          ? "closed from this vantage point, which does not show the setting"
                          : std::string(to_string(pv->finding.status)) + ": " + pv->finding.message;
    }
  }
  size_t blocked = 0;
  std::string first;
  for (const auto& [inst, why] : why_not) {
    const auto& passed = ok[inst];
    bool all = std::all_of(link.ids.begin(), link.ids.end(), [&](std::string_view id) { return passed.count(std::string(id)) > 0; });
    if (all) continue;
    if (blocked++ == 0) first = inst + ": " + why;
  }
  if (blocked == 0) return std::nullopt;
  return plural(blocked, "instance", "instances") + " without a safe answer (first: " + first + ")";
}

Outcome exposed(Outcome decided, const ProbeLink& link, std::vector<ProbeVerdict> exposures,
                const std::set<std::string>& critical_urls) {
  const Status before = decided.status;
  const std::string fk = wording(link);
  Outcome out = std::move(decided);
  const InstanceEvidence fk_evidence(out.evidence);
  const Evidence fk_result{std::string(link.source), "result from " + fk,
                           std::string(to_string(before)) + ": " + out.reason};
  bool critical = false;
  std::string first;
  for (auto& ex : exposures) {
    Finding f = std::move(ex.finding);
    const bool raises = critical_urls.count(f.resource.name) > 0;
    critical = critical || raises;
    // The control's severity, unless this observation is the one that makes it critical.
    f.severity = raises ? std::optional<Severity>(Severity::kCritical) : std::nullopt;
    const std::string seen = f.message;
    if (first.empty()) first = f.resource.name + ": " + seen;
    std::vector<Evidence> head;
    if (before == Status::kPass) {
      f.message = "contradiction: " + says_pass(link) + ", but the probe observed: " + seen;
      f.tags.push_back("contradiction");
      head = fk_evidence.of(ex.source ? ex.source->target.node : "");
    } else {
      f.message = "the probe observed: " + seen;
      f.tags.push_back("probe");
      if (before != Status::kFail) head.push_back(fk_result);
    }
    f.evidence.insert(f.evidence.begin(), head.begin(), head.end());
    out.findings.push_back(std::move(f));
  }
  const std::string count = plural(exposures.size(), "endpoint", "endpoints");
  if (before == Status::kFail) {
    out.reason += "; the probes confirm it on " + count;
  } else if (before == Status::kPass) {
    out.reason = "contradiction: " + says_pass(link) + " (" + out.reason + "), but the probes observed the exposure on " + count +
                 " (first: " + first + ")";
  } else {
    out.reason = "the probes observed the exposure on " + count + " (first: " + first + "); " + fk +
                 " could not decide: " + out.reason;
    out.evidence.push_back(fk_result);
  }
  out.status = Status::kFail;
  if (critical) out.severity = Severity::kCritical;
  return out;
}

Outcome fallback_pass(Outcome decided, const ProbeLink& link, const std::vector<const ProbeVerdict*>& relevant) {
  Outcome out;
  out.status = Status::kPass;
  std::set<std::string> endpoints;
  for (const auto* pv : relevant)
    if (pv->finding.status == Status::kPass && pv->answered()) {
      endpoints.insert(pv->finding.resource.name);
      out.evidence.push_back(verdict_line(*pv));
    }
  out.reason = "decided by the probes: " + plural(endpoints.size(), "endpoint", "endpoints") + " answered safely (" +
               wording(link) + " could not decide: " + decided.reason + ")";
  out.evidence.insert(out.evidence.begin(), decided.evidence.begin(), decided.evidence.end());
  out.evidence.push_back({std::string(link.source), "result from " + wording(link),
                          std::string(to_string(decided.status)) + ": " + decided.reason});
  for (const auto& f : decided.findings)
    out.evidence.push_back({std::string(link.source), f.resource.kind + " " + f.resource.name,
                            std::string(to_string(f.status)) + ": " + f.message});
  return out;
}

}  // namespace

const std::vector<TargetKind>& tls_kinds() {
  static const std::vector<TargetKind> kinds = {TargetKind::kApiServer,         TargetKind::kKubelet,
                                                TargetKind::kEtcdClient,        TargetKind::kEtcdPeer,
                                                TargetKind::kControllerManager, TargetKind::kScheduler,
                                                TargetKind::kTls};
  return kinds;
}

std::vector<Evidence> probe_result_evidence(const probe::ProbeResult& r) {
  std::vector<Evidence> out = {result_line(r)};
  for (const auto& x : r.exchanges) {
    if (x.request.empty()) continue;
    // "GET /pods HTTP/1.1\r\nHost: ..." -> "GET /pods", as the probe stage's own evidence writes it.
    std::string line = x.request.substr(0, x.request.find('\r'));
    if (line.ends_with(" HTTP/1.1")) line.resize(line.size() - 9);
    out.push_back({"probe", line, !x.status_line.empty() ? x.status_line : x.error.empty() ? "no answer" : x.error});
    if (!x.request_body.empty()) out.push_back({"probe", line + " request body", x.request_body});
    if (!x.body_excerpt.empty()) out.push_back({"probe", line + " response (excerpt)", x.body_excerpt});
  }
  return out;
}

Outcome rmp_check(const ScanView& v, const RmpCheck& c) {
  const ProbeFacts& pf = v.facts.probes();
  if (!pf.ran()) return Outcome{Status::kSkip, kProbesNotRun, {}, {}, {}, {}};
  const auto targets = pf.targets(c.kinds);
  if (targets.empty()) return Outcome{Status::kSkip, std::string(c.none_found), {}, {}, {}, {}};

  std::map<std::string, std::vector<const ProbeVerdict*>> by_url;
  for (const auto* pv : pf.verdicts(c.id)) by_url[pv->finding.resource.name].push_back(pv);

  std::vector<Finding> decided, skipped;
  std::vector<Evidence> pass_evidence;
  for (const auto* first : targets) {
    const std::string url = first->target.url();
    if (auto it = by_url.find(url); it != by_url.end()) {
      for (const auto* pv : it->second) {
        decided.push_back(pv->finding);
        if (pv->finding.status == Status::kPass) pass_evidence.push_back(verdict_line(*pv));
      }
      continue;
    }
    // No verdict: the deciding probe never ran on this target. Say why, by how its port went.
    Finding f;
    f.resource = {"NetworkEndpoint", "", url};
    f.evidence = {result_line(*first)};
    if (!first->target.node.empty()) f.tags.push_back("node:" + first->target.node);
    switch (reachability_of(pf, *first)) {
      case probe::Reachability::kClosed:
        f.status = Status::kPass;
        f.message = "connection refused: closed from this vantage point";
        pass_evidence.push_back({"probe", std::string(c.id) + " " + url, "PASS: closed from this vantage point"});
        decided.push_back(std::move(f));
        break;
      case probe::Reachability::kOpen:
        f.status = Status::kSkip;
        f.message = std::string(c.not_run);
        skipped.push_back(std::move(f));
        break;
      default:
        f.status = Status::kError;
        f.message = std::string(to_string(first->reachability)) + ": cannot tell from here (" + first->summary + ")";
        decided.push_back(std::move(f));
    }
  }
  if (decided.empty()) {
    Outcome out{Status::kSkip, std::string(c.not_run), {}, {}, {}, {}};
    for (const auto& f : skipped) out.evidence.insert(out.evidence.end(), f.evidence.begin(), f.evidence.end());
    return out;
  }
  Outcome out = fold(std::move(decided), c.targets, std::move(pass_evidence));
  if (!skipped.empty()) {
    out.reason += "; " + plural(skipped.size(), "other endpoint", "other endpoints") + " not probed for this check (" +
                  std::string(c.not_run) + ")";
    for (auto& f : skipped) out.findings.push_back(std::move(f));
  }
  if (out.status == Status::kFail) {
    Severity worst = Severity::kInfo;
    for (const auto& f : out.findings)
      if (f.status == Status::kFail) worst = std::min(worst, f.severity.value_or(entry_severity(v)));
    out.severity = worst;
  }
  return out;
}

Outcome with_probes(const ScanView& v, Outcome decided, const ProbeLink& link) {
  const ProbeFacts& pf = v.facts.probes();
  if (!pf.ran()) return decided;
  std::vector<const ProbeVerdict*> relevant;
  std::vector<ProbeVerdict> exposures;
  for (auto id : link.ids)
    for (const auto* pv : pf.verdicts(id)) {
      if (pv->source == nullptr || !has_kind(link.kinds, pv->source->target.kind)) continue;
      relevant.push_back(pv);
      if (pv->finding.status == Status::kFail && (!link.fail_probe || pv->source->probe == *link.fail_probe))
        exposures.push_back(*pv);
    }
  std::vector<Evidence> notes;
  if (link.refine) exposures = link.refine(v, std::move(exposures), notes);
  std::set<std::string> critical_urls;  // endpoints where the critical_if verdict FAILed
  if (!link.critical_if.empty())
    for (const auto* pv : pf.verdicts(link.critical_if))
      if (pv->source && has_kind(link.kinds, pv->source->target.kind) && pv->finding.status == Status::kFail)
        critical_urls.insert(pv->finding.resource.name);

  Outcome out;
  if (link.role == ProbeLink::Role::kDecides && !exposures.empty()) {
    out = exposed(std::move(decided), link, std::move(exposures), critical_urls);
  } else if (link.role == ProbeLink::Role::kDecides && link.fallback_pass &&
             (decided.status == Status::kSkip || decided.status == Status::kError || decided.status == Status::kManual)) {
    if (auto why = fallback_blocker(v, link, relevant)) {
      out = std::move(decided);
      if (!relevant.empty()) out.reason += " (the probes could not decide either: " + *why + ")";
      auto more = summary(relevant);
      out.evidence.insert(out.evidence.end(), more.begin(), more.end());
    } else {
      out = fallback_pass(std::move(decided), link, relevant);
    }
  } else {
    out = std::move(decided);
    auto more = summary(relevant);
    out.evidence.insert(out.evidence.end(), more.begin(), more.end());
  }
  out.evidence.insert(out.evidence.end(), notes.begin(), notes.end());
  return out;
}

}  // namespace rampart::checks::detail
