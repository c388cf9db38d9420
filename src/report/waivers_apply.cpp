#include <algorithm>
#include <cctype>
#include <map>

#include "rampart/report/waivers.h"

namespace rampart::report {
namespace {

using checks::Finding;
using checks::Status;

bool waivable(Status s) { return s == Status::kFail || s == Status::kWarn; }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool matches(const ResourcePattern& p, const collect::ObjectRef& r) {
  return glob_match(lower(p.kind), lower(r.kind)) && glob_match(p.namespace_, r.namespace_) &&
         glob_match(p.name, r.name);
}

checks::WaiverRef reference(const Waiver& w, Status before) {
  return checks::WaiverRef{before, w.justification, w.owner, format_date(w.expires), w.source};
}

std::string plural(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// Matches one check's results against the waivers written for its id (in file order). Counts
// every match on every waiver (expired ones too, to say whether renewing them matters) and
// attaches the first in-force waiver that matches.
class CheckWaiving {
 public:
  CheckWaiving(const std::vector<size_t>& candidates, std::vector<WaiverUse>& uses)
      : candidates_(candidates), uses_(uses) {}

  void apply(checks::Outcome& outcome) {
    size_t waived = 0, candidates = 0;
    for (Finding& f : outcome.findings) {
      if (!waivable(f.status)) continue;
      ++candidates;
      if (const Waiver* w = first_match(&f.resource)) {
        f.waiver = reference(*w, f.status);
        f.status = Status::kWaived;
        ++waived;
      }
    }
    if (!waivable(outcome.status)) return;
    if (candidates == 0) {
      // A check-level result (a flag, a setting) names no failing resource: only a whole-check
      // waiver fits.
      if (const Waiver* w = first_match(nullptr)) {
        outcome.waiver = reference(*w, outcome.status);
        outcome.status = Status::kWaived;
      }
      return;
    }
    if (waived == 0) return;
    const auto count = [&](Status s) {
      return std::count_if(outcome.findings.begin(), outcome.findings.end(),
                           [s](const Finding& f) { return f.status == s; });
    };
    if (count(Status::kFail) > 0) return;
    const Status before = outcome.status;
    outcome.status = count(Status::kWarn) > 0 ? Status::kWarn : Status::kWaived;
    if (outcome.status == Status::kWaived) {
      // Name the whole-check waiver on the check too when one covered it.
      for (size_t i : candidates_) {
        const Waiver& w = uses_[i].waiver;
        if (!w.resource && uses_[i].state != WaiverUse::State::kExpired) {
          outcome.waiver = reference(w, before);
          break;
        }
      }
    }
  }

 private:
  // `resource` null: the check itself (only whole-check waivers match).
  const Waiver* first_match(const collect::ObjectRef* resource) {
    const Waiver* first = nullptr;
    for (size_t i : candidates_) {
      WaiverUse& use = uses_[i];
      const Waiver& w = use.waiver;
      const bool hit = w.resource ? (resource && matches(*w.resource, *resource)) : true;
      if (!hit) continue;
      ++use.matched;
      if (use.state != WaiverUse::State::kExpired && !first) first = &w;
    }
    return first;
  }

  const std::vector<size_t>& candidates_;
  std::vector<WaiverUse>& uses_;
};

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  // Greedy matching with one backtrack point: the last '*' seen. Linear in practice and never
  // exponential, whatever the pattern.
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const char* to_string(WaiverUse::State state) {
  switch (state) {
    case WaiverUse::State::kApplied:
      return "applied";
    case WaiverUse::State::kExpired:
      return "expired";
    case WaiverUse::State::kStale:
      return "stale";
  }
  return "stale";
}

std::vector<WaiverUse> apply_waivers(std::vector<CheckOutcome>& results,
                                     const std::vector<Waiver>& waivers,
                                     std::chrono::year_month_day today) {
  std::vector<WaiverUse> uses;
  std::map<std::string, std::vector<size_t>> by_check;
  for (const Waiver& w : waivers) {
    by_check[w.check].push_back(uses.size());
    WaiverUse use;
    use.waiver = w;
    use.state = today > w.expires ? WaiverUse::State::kExpired : WaiverUse::State::kStale;
    uses.push_back(std::move(use));
  }
  std::map<std::string, size_t> seen_checks;
  for (CheckOutcome& r : results) {
    ++seen_checks[r.check_id];
    auto it = by_check.find(r.check_id);
    if (it == by_check.end()) continue;
    CheckWaiving(it->second, uses).apply(r.outcome);
  }
  for (WaiverUse& use : uses) {
    const Waiver& w = use.waiver;
    if (use.state == WaiverUse::State::kExpired) {
      use.note = "expired on " + format_date(w.expires) + "; " +
                 (use.matched ? "it would still match " + plural(use.matched, "result") +
                                    ": renew it or fix them"
                              : "it matches nothing any more");
    } else if (use.matched > 0) {
      use.state = WaiverUse::State::kApplied;
    } else if (!seen_checks.count(w.check)) {
      use.note = "check " + w.check + " is not in this scan's results";
    } else {
      use.note = "no FAIL or WARN result of check " + w.check + " matches it";
    }
  }
  return uses;
}

}  // namespace rampart::report
