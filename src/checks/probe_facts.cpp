#include "rampart/checks/probe_facts.h"

#include <algorithm>
#include <tuple>

#include "rampart/probe/findings.h"

namespace rampart::checks {
namespace {

// probe_findings' first evidence line names the result it read: "<probe code> <target URL>".
std::string result_key(const probe::ProbeResult& r) {
  return std::string(probe::probe_code(r.probe)) + " " + r.target.url();
}

// probe_findings writes one evidence line per exchange that sent a request, in order
// ("GET /pods" -> "HTTP/1.1 401 Unauthorized"). After each, add what the line leaves out: the
// body the request carried and an excerpt of the answer (both already bounded and redacted by
// the probe stage).
void add_exchange_details(Finding& f, const probe::ProbeResult& r) {
  std::vector<Evidence> out;
  out.reserve(f.evidence.size() + 2 * r.exchanges.size());
  size_t next = 0;  // the next exchange with a request
  for (auto& e : f.evidence) {
    out.push_back(e);
    while (next < r.exchanges.size() && r.exchanges[next].request.empty()) ++next;
    if (next >= r.exchanges.size() || e.source != "probe" || !r.exchanges[next].request.starts_with(e.what + " "))
      continue;
    const probe::Exchange& x = r.exchanges[next++];
    if (!x.request_body.empty()) out.push_back({"probe", e.what + " request body", x.request_body});
    if (!x.body_excerpt.empty()) out.push_back({"probe", e.what + " response (excerpt)", x.body_excerpt});
  }
  f.evidence = std::move(out);
}

}  // namespace

ProbeFacts::ProbeFacts(const probe::ProbeResults* results) : results_(results) {
  if (results_ == nullptr) return;
  std::map<std::string, const probe::ProbeResult*> by_key;
  for (const auto& r : results_->results) {
    by_url_[r.target.url()].push_back(&r);
    by_key.emplace(result_key(r), &r);
  }
  for (auto& pf : probe::probe_findings(*results_)) {
    ProbeVerdict v{std::move(pf.id), std::move(pf.finding), nullptr};
    // The probe stage starts each message with the target URL, which the finding's resource
    // already names (and reports print beside the message).
    if (const std::string prefix = v.finding.resource.name + ": "; v.finding.message.starts_with(prefix))
      v.finding.message.erase(0, prefix.size());
    if (!v.finding.evidence.empty()) {
      auto it = by_key.find(v.finding.evidence.front().what);
      if (it != by_key.end()) {
        v.source = it->second;
        add_exchange_details(v.finding, *v.source);
      }
    }
    verdicts_.push_back(std::move(v));
  }
  // probe_findings sorts by (id, target URL) already; keep that order explicit.
  std::stable_sort(verdicts_.begin(), verdicts_.end(), [](const ProbeVerdict& a, const ProbeVerdict& b) {
    return std::tie(a.id, a.finding.resource.name) < std::tie(b.id, b.finding.resource.name);
  });
}

std::vector<const ProbeVerdict*> ProbeFacts::verdicts(std::string_view id) const {
  std::vector<const ProbeVerdict*> out;
  auto lo = std::lower_bound(verdicts_.begin(), verdicts_.end(), id,
                             [](const ProbeVerdict& v, std::string_view want) { return v.id < want; });
  for (auto it = lo; it != verdicts_.end() && it->id == id; ++it) out.push_back(&*it);
  return out;
}

std::vector<const probe::ProbeResult*> ProbeFacts::targets(const std::vector<probe::TargetKind>& kinds) const {
  std::vector<const probe::ProbeResult*> out;
  for (const auto& [url, results] : by_url_) {
    const probe::ProbeResult* first = results.front();
    if (std::find(kinds.begin(), kinds.end(), first->target.kind) != kinds.end()) out.push_back(first);
  }
  return out;
}

std::vector<const probe::ProbeResult*> ProbeFacts::results_of(std::string_view url) const {
  auto it = by_url_.find(url);
  return it == by_url_.end() ? std::vector<const probe::ProbeResult*>{} : it->second;
}

}  // namespace rampart::checks
