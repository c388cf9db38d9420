#include "rampart/score/score.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace rampart::score {

using checks::Severity;
using checks::Status;

double severity_weight(Severity s) {
  switch (s) {
    case Severity::kCritical: return 10;
    case Severity::kHigh: return 6;
    case Severity::kMedium: return 3;
    case Severity::kLow: return 1;
    case Severity::kInfo: return 0.5;
  }
  return 1;
}

std::optional<double> status_points(Status s) {
  switch (s) {
    case Status::kPass: return 100.0;
    case Status::kWarn: return 50.0;
    case Status::kFail: return 0.0;
    default: return std::nullopt;
  }
}

std::string grade(std::optional<double> score) {
  if (!score) return "-";
  if (*score >= 90) return "A";
  if (*score >= 80) return "B";
  if (*score >= 70) return "C";
  if (*score >= 60) return "D";
  return "F";
}

namespace {

// One decimal, so reports do not print float noise and stay byte-for-byte stable.
double round1(double v) { return std::round(v * 10) / 10; }

struct Average {
  double sum = 0, weight = 0;
  void add(double points, double w) {
    sum += points * w;
    weight += w;
  }
  [[nodiscard]] std::optional<double> value() const {
    if (weight <= 0) return std::nullopt;
    return round1(sum / weight);
  }
};

bool decided(Status s) { return s == Status::kPass || s == Status::kFail || s == Status::kWarn || s == Status::kWaived; }

}  // namespace

ScoreCard compute(const std::vector<checks::CheckResult>& results, const std::vector<checks::Section>& sections,
                  const std::vector<std::string>& namespaces) {
  ScoreCard card;
  Average overall;
  std::map<std::string, Average> by_section;
  std::map<std::string, StatusCounts> section_counts;
  size_t decided_n = 0, errors = 0;
  for (const auto& r : results) {
    Status s = r.outcome.status;
    ++card.counts[s];
    ++section_counts[r.entry.section][s];
    auto points = status_points(s);
    card.checks[r.entry.id] = points;
    if (points) {
      overall.add(*points, severity_weight(r.severity));
      by_section[r.entry.section].add(*points, severity_weight(r.severity));
    }
    if (decided(s)) ++decided_n;
    if (s == Status::kError) ++errors;
    bool benchmark = !r.entry.id.empty() && std::isdigit(static_cast<unsigned char>(r.entry.id[0]));
    if (benchmark) {
      ++card.benchmark_checks;
      if (decided(s)) ++card.benchmark_evaluated;
    }
  }
  card.overall = overall.value();
  card.grade = grade(card.overall);
  card.coverage = card.benchmark_checks ? round1(100.0 * card.benchmark_evaluated / card.benchmark_checks) / 100 : 0;
  card.confidence = decided_n + errors ? round1(100.0 * decided_n / (decided_n + errors)) / 100 : 0;
  for (const auto& sec : sections) {
    if (!section_counts.count(sec.id)) continue;
    SectionScore ss{sec.id, sec.title, by_section[sec.id].value(), "", section_counts[sec.id]};
    ss.grade = grade(ss.score);
    card.sections.push_back(std::move(ss));
  }
  // Namespaces: every namespace-scoped check that was decided scores 0 in a namespace where it
  // has a FAIL finding, 50 where it has only WARN findings, 100 elsewhere.
  for (const auto& ns : namespaces) {
    NamespaceScore nsc;
    nsc.namespace_ = ns;
    Average avg;
    for (const auto& r : results) {
      if (r.entry.scope != "namespace" || !status_points(r.outcome.status)) continue;
      bool fail = false, warn = false;
      for (const auto& f : r.outcome.findings) {
        bool here = f.resource.namespace_ == ns || (f.resource.kind == "Namespace" && f.resource.name == ns);
        if (!here) continue;
        fail |= f.status == Status::kFail;
        warn |= f.status == Status::kWarn;
      }
      ++nsc.checks;
      if (fail) ++nsc.failing_checks;
      else if (warn) ++nsc.warning_checks;
      avg.add(fail ? 0 : warn ? 50 : 100, severity_weight(r.severity));
    }
    nsc.score = avg.value();
    nsc.grade = grade(nsc.score);
    card.namespaces.push_back(std::move(nsc));
  }
  std::sort(card.namespaces.begin(), card.namespaces.end(), [](const NamespaceScore& a, const NamespaceScore& b) {
    double sa = a.score.value_or(101), sb = b.score.value_or(101);
    return sa != sb ? sa < sb : a.namespace_ < b.namespace_;
  });
  return card;
}

}  // namespace rampart::score
