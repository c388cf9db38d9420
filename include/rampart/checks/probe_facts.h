#pragma once
// Probe results as the checks read them: the probe stage's own verdicts (probe::probe_findings,
// the one place that interprets an answer), grouped by check id and target, each with the probe
// result that decided it and the response excerpts as evidence. Built once per scan.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/checks/result.h"
#include "rampart/probe/result.h"

namespace rampart::checks {

/// One RMP verdict on one target.
struct ProbeVerdict {
  std::string id;  ///< "RMP-102"
  Finding finding;  ///< as probe_findings made it (message without the leading target URL), plus
                    ///< the body sent and the response excerpt after each exchange
  const probe::ProbeResult* source = nullptr;  ///< the result that decided it
  /// The deciding connection was accepted and the server answered: a verdict that rests on a
  /// refused, filtered or unresolvable port is not an answer.
  [[nodiscard]] bool answered() const {
    return source != nullptr && source->reachability == probe::Reachability::kOpen;
  }
};

class ProbeFacts {
 public:
  /// `results` may be nullptr (the probe stage did not run); it must outlive this object.
  explicit ProbeFacts(const probe::ProbeResults* results);

  /// False when the probe stage did not run at all (--no-probes, or an inventory scanned
  /// without probe results).
  [[nodiscard]] bool ran() const { return results_ != nullptr; }

  /// Every verdict for check `id`, sorted by target URL.
  [[nodiscard]] std::vector<const ProbeVerdict*> verdicts(std::string_view id) const;

  /// The first result of every target of one of these kinds (a target's first probe says
  /// whether its port was open), sorted by target URL.
  [[nodiscard]] std::vector<const probe::ProbeResult*> targets(
      const std::vector<probe::TargetKind>& kinds) const;

  /// Every result of the target with this URL, in probe order.
  [[nodiscard]] std::vector<const probe::ProbeResult*> results_of(std::string_view url) const;

 private:
  const probe::ProbeResults* results_;
  std::vector<ProbeVerdict> verdicts_;
  std::map<std::string, std::vector<const probe::ProbeResult*>, std::less<>> by_url_;
};

}  // namespace rampart::checks
