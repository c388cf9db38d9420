#include "rampart/report/rollup.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "format_util.h"

namespace rampart::report {

int worst_exit_code(const std::vector<int>& codes) {
  int worst = 0;
  for (int c : codes) {
    if (c == 1) return 1;  // a cluster we know nothing about outweighs findings elsewhere
    if (c != 0) worst = c;
  }
  return worst;
}

Rollup make_rollup(const std::vector<ClusterReport>& clusters) {
  Rollup out;
  std::vector<int> codes;
  struct Shared {
    const checks::CheckResult* check = nullptr;
    size_t order = 0;
    std::vector<std::string> clusters;
  };
  std::map<std::string, Shared> failing;
  for (const auto& c : clusters) {
    ClusterLine line{c.name, c.report != nullptr, c.error, std::nullopt, "", {}, c.files, c.exit_code};
    codes.push_back(c.exit_code);
    if (c.report) {
      line.score = c.report->score.overall;
      line.grade = c.report->score.grade;
      line.counts = c.report->score.counts;
      for (size_t i = 0; i < c.report->checks.size(); ++i) {
        const auto& r = c.report->checks[i];
        if (r.outcome.status != checks::Status::kFail) continue;
        auto& s = failing[r.entry.id];
        if (!s.check) s = {&r, i, {}};
        s.clusters.push_back(c.name);
      }
    }
    out.clusters.push_back(std::move(line));
  }
  std::vector<Shared> shared;
  for (auto& [id, s] : failing)
    if (s.clusters.size() > 1) shared.push_back(s);
  std::sort(shared.begin(), shared.end(), [](const Shared& a, const Shared& b) {
    if (a.clusters.size() != b.clusters.size()) return a.clusters.size() > b.clusters.size();
    if (a.check->severity != b.check->severity) return a.check->severity < b.check->severity;
    return checks::check_order_less(a.check->entry.id, b.check->entry.id);
  });
  for (auto& s : shared) {
    std::sort(s.clusters.begin(), s.clusters.end());
    out.shared.push_back({s.check->entry.id, s.check->entry.title, s.check->severity, s.clusters});
  }
  out.exit_code = worst_exit_code(codes);
  return out;
}

void render_rollup_text(const Rollup& r, std::ostream& out) {
  out << "== Clusters\n";
  for (const auto& c : r.clusters) {
    char line[256];
    if (!c.scanned) {
      std::snprintf(line, sizeof line, "  %-32s NOT SCANNED: ", c.name.c_str());
      out << line << c.error << "\n";
      continue;
    }
    std::snprintf(line, sizeof line, "  %-32s %7s  %-2s %4zu FAIL %4zu WARN %4zu ERROR %4zu WAIVED", c.name.c_str(),
                  detail::score_text(c.score).c_str(), c.grade.c_str(), detail::count_of(c.counts, checks::Status::kFail),
                  detail::count_of(c.counts, checks::Status::kWarn), detail::count_of(c.counts, checks::Status::kError),
                  detail::count_of(c.counts, checks::Status::kWaived));
    out << line << "\n";
    for (const auto& f : c.files) out << "      " << f << "\n";
  }
  out << "\n== Failures shared by several clusters\n";
  if (r.shared.empty()) out << "  none\n";
  for (const auto& s : r.shared) {
    out << "  " << s.check_id << "  " << s.title << "  (" << checks::to_string(s.severity) << "): " << s.clusters.size()
        << " clusters: ";
    for (size_t i = 0; i < s.clusters.size(); ++i) out << (i ? ", " : "") << s.clusters[i];
    out << "\n";
  }
}

bool has_rollup_format(std::string_view format) {
  return format == "text" || format == "json" || format == "html" || format == "prometheus";
}

void render_rollup(const Rollup& rollup, std::string_view format, const std::map<std::string, std::string>& links,
                   std::ostream& out) {
  if (format == "json") out << rollup_to_json(rollup).dump(2) << "\n";
  else if (format == "html") render_rollup_html(rollup, links, out);
  else if (format == "prometheus") render_rollup_prometheus(rollup, out);
  else render_rollup_text(rollup, out);
}

nlohmann::json rollup_to_json(const Rollup& r) {
  using nlohmann::json;
  json clusters = json::array();
  for (const auto& c : r.clusters) {
    json counts = json::object();
    for (auto s : detail::all_statuses()) counts[checks::to_string(s)] = detail::count_of(c.counts, s);
    clusters.push_back({{"name", c.name},
                        {"scanned", c.scanned},
                        {"error", c.scanned ? json(nullptr) : json(c.error)},
                        {"score", c.score ? json(*c.score) : json(nullptr)},
                        {"grade", c.scanned ? json(c.grade) : json(nullptr)},
                        {"summary", c.scanned ? counts : json(nullptr)},
                        {"files", c.files},
                        {"exit_code", c.exit_code}});
  }
  json shared = json::array();
  for (const auto& s : r.shared)
    shared.push_back({{"id", s.check_id}, {"title", s.title}, {"severity", checks::to_string(s.severity)}, {"clusters", s.clusters}});
  return {{"rollup_version", 1}, {"clusters", clusters}, {"shared_failures", shared}, {"exit_code", r.exit_code}};
}

}  // namespace rampart::report
