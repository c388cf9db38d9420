#include "rampart/report/diff.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include "format_util.h"
#include "rampart/checks/catalog.h"
#include "rampart/report/scan_report.h"

namespace rampart::report {
namespace {

using nlohmann::json;

struct FailureKey {
  std::string kind, namespace_, name;
  auto operator<=>(const FailureKey&) const = default;
};

struct CheckInfo {
  std::string title, status, severity;
  std::map<FailureKey, FailureChange> failures;
};

struct Parsed {
  std::map<std::string, CheckInfo> checks;
  std::optional<double> score;
  std::string grade, generated_at, kube_system_uid;
};

std::string str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<Parsed> parse(const json& doc, const std::string& name) {
  auto bad = [&](const std::string& why) { return fail(ErrorKind::kParse, "not a rampart JSON report: " + why, name); };
  if (!doc.is_object()) return bad("not a JSON object");
  // The roll-up of several clusters is written where --output json=FILE points; each cluster's
  // own report is beside it with the cluster's name in the file name.
  if (doc.contains("rollup_version"))
    return bad("it is the roll-up of several clusters; compare one cluster's reports (FILE.CLUSTER.json)");
  auto version = doc.find("schema_version");
  if (version == doc.end() || !version->is_number_integer()) return bad("no schema_version");
  if (version->get<int>() != kSchemaVersion)
    return bad("schema_version " + std::to_string(version->get<int>()) + " (this rampart reads " + std::to_string(kSchemaVersion) + ")");
  auto checks = doc.find("checks");
  if (checks == doc.end() || !checks->is_array()) return bad("no checks array");
  Parsed p;
  for (const auto& c : *checks) {
    if (!c.is_object() || str(c, "id").empty() || str(c, "status").empty()) return bad("a check without id or status");
    CheckInfo info{str(c, "title"), str(c, "status"), str(c, "severity"), {}};
    std::string id = str(c, "id");
    auto findings = c.find("findings");
    bool any_finding = false;
    if (findings != c.end() && findings->is_array())
      for (const auto& f : *findings) {
        if (!f.is_object() || str(f, "status") != "FAIL") continue;
        any_finding = true;
        json res = f.contains("resource") && f["resource"].is_object() ? f["resource"] : json::object();
        FailureKey key{str(res, "kind"), str(res, "namespace"), str(res, "name")};
        // Several findings on one object (one per container) are one failure here.
        info.failures.try_emplace(key, FailureChange{id, info.title, str(f, "severity").empty() ? info.severity : str(f, "severity"),
                                                     key.kind, key.namespace_, key.name, str(f, "message"), ""});
      }
    if (!any_finding && info.status == "FAIL")
      info.failures.try_emplace(FailureKey{}, FailureChange{id, info.title, info.severity, "", "", "", str(c, "reason"), ""});
    if (!p.checks.emplace(id, std::move(info)).second) return bad("check " + id + " appears twice");
  }
  if (auto score = doc.find("score"); score != doc.end() && score->is_object()) {
    if (auto overall = score->find("overall"); overall != score->end() && overall->is_number()) p.score = overall->get<double>();
    p.grade = str(*score, "grade");
  }
  p.generated_at = str(doc, "generated_at");
  if (auto cluster = doc.find("cluster"); cluster != doc.end() && cluster->is_object()) p.kube_system_uid = str(*cluster, "kube_system_uid");
  return p;
}

std::vector<std::string> ordered_ids(const Parsed& a, const Parsed& b) {
  std::vector<std::string> ids;
  for (const auto& [id, c] : a.checks) ids.push_back(id);
  for (const auto& [id, c] : b.checks)
    if (!a.checks.count(id)) ids.push_back(id);
  std::sort(ids.begin(), ids.end(), [](const std::string& x, const std::string& y) { return checks::check_order_less(x, y); });
  return ids;
}

// Failures of `from` that `to` does not have, each with the check's status in `to`.
void missing_in(const Parsed& from, const Parsed& to, const std::string& id, std::vector<FailureChange>& out) {
  auto f = from.checks.find(id);
  if (f == from.checks.end()) return;
  auto t = to.checks.find(id);
  for (const auto& [key, change] : f->second.failures) {
    if (t != to.checks.end() && t->second.failures.count(key)) continue;
    FailureChange c = change;
    c.other_status = t == to.checks.end() ? "absent" : t->second.status;
    out.push_back(std::move(c));
  }
}

std::string resource_text(const FailureChange& f) {
  if (f.kind.empty() && f.name.empty()) return "(check-level)";
  return detail::resource_label({f.kind, f.namespace_, f.name});
}

json failure_json(const FailureChange& f, const char* other_key) {
  json resource = nullptr;
  if (!f.kind.empty() || !f.name.empty()) resource = {{"kind", f.kind}, {"namespace", f.namespace_}, {"name", f.name}};
  return {{"id", f.check_id}, {"title", f.title}, {"severity", f.severity}, {"resource", resource}, {"message", f.message},
          {other_key, f.other_status}};
}

}  // namespace

Result<ReportDiff> diff_reports(const json& old_report, const json& new_report, const std::string& old_name, const std::string& new_name) {
  auto a = parse(old_report, old_name);
  if (!a) return tl::unexpected(a.error());
  auto b = parse(new_report, new_name);
  if (!b) return tl::unexpected(b.error());
  ReportDiff d;
  d.old_score = a->score;
  d.new_score = b->score;
  d.old_grade = a->grade;
  d.new_grade = b->grade;
  d.old_generated_at = a->generated_at;
  d.new_generated_at = b->generated_at;
  d.same_cluster = a->kube_system_uid.empty() || b->kube_system_uid.empty() || a->kube_system_uid == b->kube_system_uid;
  for (const auto& id : ordered_ids(*a, *b)) {
    missing_in(*b, *a, id, d.new_failures);
    missing_in(*a, *b, id, d.fixed_failures);
    auto o = a->checks.find(id);
    auto n = b->checks.find(id);
    std::string old_status = o == a->checks.end() ? "absent" : o->second.status;
    std::string new_status = n == b->checks.end() ? "absent" : n->second.status;
    if (old_status != new_status)
      d.status_changes.push_back({id, n != b->checks.end() ? n->second.title : o->second.title, old_status, new_status});
  }
  return d;
}

void render_diff_text(const ReportDiff& d, std::ostream& out) {
  out << "Score: " << detail::score_text(d.old_score) << " (" << d.old_grade << ") -> " << detail::score_text(d.new_score) << " ("
      << d.new_grade << ")";
  if (d.old_score && d.new_score) {
    char delta[32];
    std::snprintf(delta, sizeof delta, "%+.1f", *d.new_score - *d.old_score);
    out << ", " << delta;
  }
  out << "\n";
  if (!d.same_cluster) out << "Note: the reports are of different clusters (kube-system UIDs differ).\n";
  auto list = [&](const char* heading, const std::vector<FailureChange>& items, const char* other) {
    out << "\n" << heading << " (" << items.size() << "):\n";
    if (items.empty()) out << "  none\n";
    for (const auto& f : items)
      out << "  " << f.check_id << "  " << f.title << " (" << f.severity << "): " << resource_text(f) << " [" << other << " "
          << f.other_status << "]\n";
  };
  list("New failures", d.new_failures, "was");
  list("Fixed failures", d.fixed_failures, "now");
  out << "\nStatus changes (" << d.status_changes.size() << "):\n";
  if (d.status_changes.empty()) out << "  none\n";
  for (const auto& s : d.status_changes)
    out << "  " << s.check_id << "  " << s.title << ": " << s.old_status << " -> " << s.new_status << "\n";
}

json diff_to_json(const ReportDiff& d) {
  json news = json::array(), fixed = json::array(), changes = json::array();
  for (const auto& f : d.new_failures) news.push_back(failure_json(f, "old_status"));
  for (const auto& f : d.fixed_failures) fixed.push_back(failure_json(f, "new_status"));
  for (const auto& s : d.status_changes)
    changes.push_back({{"id", s.check_id}, {"title", s.title}, {"old_status", s.old_status}, {"new_status", s.new_status}});
  auto num = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json delta = d.old_score && d.new_score ? json(std::round((*d.new_score - *d.old_score) * 10) / 10) : json(nullptr);
  return {{"diff_version", 1},
          {"old", {{"generated_at", d.old_generated_at}, {"score", num(d.old_score)}, {"grade", d.old_grade}}},
          {"new", {{"generated_at", d.new_generated_at}, {"score", num(d.new_score)}, {"grade", d.new_grade}}},
          {"score_delta", delta},
          {"same_cluster", d.same_cluster},
          {"new_failures", news},
          {"fixed_failures", fixed},
          {"status_changes", changes}};
}

}  // namespace rampart::report
