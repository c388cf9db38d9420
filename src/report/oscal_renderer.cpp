// NIST OSCAL assessment-results (oscal-version 1.1.2) for GRC tools. The scan is results[0]
// (start/end are the scan's), every selected check is a reviewed control, every FAIL, WARN or
// WAIVED finding is an observation whose subject is the Kubernetes object (an inventory item
// of the result's local definitions), and every FAIL or WAIVED check is a finding targeting
// its control. UUIDs are version 5, derived from the cluster's identity and stable names, so
// the same scan gives the same document apart from its times. Mapping: docs/formats.md.
#include <algorithm>
#include <map>
#include <ostream>

#include <nlohmann/json.hpp>

#include "format_util.h"
#include "rampart/report/evidence.h"
#include "rampart/report/uuid.h"
#include "renderers.h"

namespace rampart::report {
namespace {

using checks::Status;
using nlohmann::json;

constexpr const char* kOscalVersion = "1.1.2";
/// Namespace of rampart's properties (an identifier, as OSCAL asks for non-OSCAL names).
constexpr const char* kPropNs = "https://rampart.dev/ns/oscal";
/// Namespace UUID of every UUID rampart derives. Never change it: documents would lose their
/// identity across versions.
constexpr const char* kUuidNamespace = "8f2e4c1a-5b7d-4e9f-a3c6-1d0b2e4f6a8c";

std::string trim(std::string s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.back())) s.pop_back();
  size_t i = 0;
  while (i < s.size() && ws(s[i])) ++i;
  return s.substr(i);
}

// OSCAL control ids are tokens, which cannot start with a digit: CIS "1.2.1" is "cis-1.2.1",
// our "RMP-003" is "rmp-003".
std::string control_id(const std::string& check_id) {
  if (!check_id.empty() && check_id[0] >= '0' && check_id[0] <= '9') return "cis-" + check_id;
  std::string out = check_id;
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class Builder {
 public:
  explicit Builder(const ScanReport& r) : r_(r) {
    const auto& id = r.cluster;
    cluster_key_ = !id.kube_system_uid.empty() ? id.kube_system_uid : !id.server.empty() ? id.server : !id.context.empty() ? id.context : r.source;
    // Without times (golden tests) the epoch stands in: OSCAL requires these fields.
    auto epoch = std::chrono::system_clock::time_point{};
    start_ = format_rfc3339_utc(r.started_at.value_or(r.finished_at.value_or(epoch)));
    end_ = format_rfc3339_utc(r.finished_at.value_or(r.started_at.value_or(epoch)));
  }

  json build() {
    json controls = json::array();
    json observations = json::array(), findings = json::array();
    for (const auto& c : r_.checks) {
      controls.push_back({{"control-id", control_id(c.entry.id)}});
      json related = json::array();
      bool any = false;
      for (const auto& f : c.outcome.findings) {
        if (!detail::is_failure_like(f.status)) continue;
        any = true;
        related.push_back({{"observation-uuid", observation(c, f.status, f.resource, f.message, f.evidence, f.waiver, observations)}});
      }
      if (!any && detail::is_failure_like(c.outcome.status)) {
        collect::ObjectRef cluster{"Cluster", "", detail::cluster_name(r_)};
        related.push_back({{"observation-uuid", observation(c, c.outcome.status, cluster, c.outcome.reason, c.outcome.evidence,
                                                           c.outcome.waiver, observations)}});
      }
      if (c.outcome.status == Status::kFail || c.outcome.status == Status::kWaived) findings.push_back(finding(c, related));
    }

    json result = {{"uuid", uuid("result")},
                   {"title", "rampart scan of " + detail::cluster_name(r_)},
                   {"description", description()},
                   {"start", start_},
                   {"end", end_},
                   {"props", result_props()},
                   {"reviewed-controls",
                    {{"control-selections",
                      json::array({{{"description", "The checks selected for this scan (" + r_.benchmark + " and rampart's own)."},
                                    {"include-controls", controls}}})}}}};
    if (!inventory_.empty()) {
      json items = json::array();
      for (auto& [path, item] : inventory_) items.push_back(item);
      result["local-definitions"] = {{"inventory-items", items}};
    }
    if (!observations.empty()) result["observations"] = observations;
    if (!findings.empty()) result["findings"] = findings;

    std::string plan = uuid("assessment-plan");
    json doc = {{"uuid", uuid("assessment-results")},
                {"metadata",
                 {{"title", "rampart assessment of " + detail::cluster_name(r_) + " against " + r_.benchmark},
                  {"last-modified", end_},
                  {"version", r_.scanner_version.empty() ? "unknown" : r_.scanner_version},
                  {"oscal-version", kOscalVersion}}},
                {"import-ap",
                 {{"href", "#" + plan},
                  {"remarks", "rampart has no separate assessment plan: the plan is its check catalog, described in back-matter."}}},
                {"results", json::array({result})},
                {"back-matter",
                 {{"resources",
                   json::array({{{"uuid", plan},
                                 {"title", "rampart check catalog: " + r_.benchmark},
                                 {"description", "Automated checks of a live Kubernetes cluster by rampart " + r_.scanner_version +
                                                     ": API objects read-only, control-plane flags, kubelet configuration and network probes."}}})}}}};
    return {{"assessment-results", doc}};
  }

 private:
  std::string uuid(const std::string& name) const { return *uuid_v5(kUuidNamespace, "rampart:" + cluster_key_ + ":" + name); }

  static void prop(json& props, const char* name, const std::string& value) {
    std::string v = trim(value);
    // OSCAL property values are one line with no surrounding space.
    std::replace(v.begin(), v.end(), '\n', ' ');
    if (!v.empty()) props.push_back({{"name", name}, {"ns", kPropNs}, {"value", v}});
  }

  std::string description() const {
    std::string d = "Automated assessment by " + r_.scanner_name + " " + r_.scanner_version + " of the cluster " + detail::cluster_name(r_);
    if (!r_.cluster.server.empty()) d += " (API server " + r_.cluster.server + ")";
    return d + ". Overall score " + detail::score_text(r_.score.overall) + "/100, grade " + r_.score.grade + ".";
  }

  json result_props() const {
    json props = json::array();
    prop(props, "score", detail::score_text(r_.score.overall));
    prop(props, "grade", r_.score.grade);
    prop(props, "cluster-server", r_.cluster.server);
    prop(props, "cluster-context", r_.cluster.context);
    prop(props, "kube-system-uid", r_.cluster.kube_system_uid);
    prop(props, "kubernetes-version", r_.cluster.git_version);
    for (auto s : detail::all_statuses())
      prop(props, (std::string("checks-") + checks::to_string(s)).c_str(), std::to_string(detail::count_of(r_.score.counts, s)));
    return props;
  }

  // The subject of an observation: one inventory item per object, shared by its observations.
  json subject(const collect::ObjectRef& ref) {
    std::string path = detail::resource_path(ref);
    std::string id = uuid("subject:" + path);
    if (!inventory_.count(path)) {
      json props = json::array();
      prop(props, "kind", ref.kind);
      prop(props, "namespace", ref.namespace_);
      prop(props, "name", ref.name);
      inventory_[path] = {{"uuid", id}, {"description", "Kubernetes " + detail::resource_label(ref)}, {"props", props}};
    }
    return {{"subject-uuid", id}, {"type", "inventory-item"}, {"title", detail::resource_label(ref)}};
  }

  std::string observation(const checks::CheckResult& c, Status status, const collect::ObjectRef& where, const std::string& message,
                          const std::vector<checks::Evidence>& evidence, const std::optional<checks::WaiverRef>& waiver,
                          json& observations) {
    // One object can have several findings under one check (one per container): number them.
    std::string name = "observation:" + c.entry.id + ":" + detail::resource_path(where);
    if (int n = seen_[name]++; n > 0) name += "#" + std::to_string(n);
    std::string id = uuid(name);
    json props = json::array();
    prop(props, "check-id", c.entry.id);
    prop(props, "status", checks::to_string(status));
    prop(props, "assessment-mode", "automated");
    json obs = {{"uuid", id},
                {"title", c.entry.id + " " + detail::resource_label(where)},
                {"description", message.empty() ? c.entry.title : message},
                {"props", props},
                // OSCAL's method vocabulary is EXAMINE, INTERVIEW, TEST, UNKNOWN: an automated
                // check of live state is a TEST; "automated" is the assessment-mode prop.
                {"methods", json::array({"TEST"})},
                {"types", json::array({"finding"})},
                {"subjects", json::array({subject(where)})},
                {"collected", end_}};
    json ev = json::array();
    for (const auto& e : evidence) ev.push_back({{"description", e.source + ": " + e.what + " = " + e.value}});
    if (!ev.empty()) obs["relevant-evidence"] = ev;
    if (waiver) obs["remarks"] = detail::waiver_note(*waiver);
    observations.push_back(std::move(obs));
    return id;
  }

  json finding(const checks::CheckResult& c, const json& related) {
    bool waived = c.outcome.status == Status::kWaived;
    json props = json::array();
    prop(props, "severity", checks::to_string(c.severity));
    prop(props, "status", checks::to_string(c.outcome.status));
    json f = {{"uuid", uuid("finding:" + c.entry.id)},
              {"title", c.entry.id + " " + c.entry.title},
              {"description", c.outcome.reason.empty() ? c.entry.title : c.outcome.reason},
              {"props", props},
              {"target",
               {{"type", "objective-id"},
                {"target-id", control_id(c.entry.id)},
                {"status", {{"state", "not-satisfied"}, {"reason", waived ? "other" : "fail"}}}}}};
    if (!related.empty()) f["related-observations"] = related;
    std::string remarks = "Remediation: " + c.entry.remediation;
    if (c.outcome.waiver) remarks = detail::waiver_note(*c.outcome.waiver) + "\n" + remarks;
    else if (waived) remarks = "Every failing resource is covered by a waiver (see the observations).\n" + remarks;
    f["remarks"] = remarks;
    return f;
  }

  const ScanReport& r_;
  std::string cluster_key_, start_, end_;
  std::map<std::string, json> inventory_;
  std::map<std::string, int> seen_;
};

class OscalRenderer : public Renderer {
 public:
  void render(const ScanReport& r, std::ostream& out) const override { out << Builder(r).build().dump(2) << "\n"; }
};

}  // namespace

std::unique_ptr<Renderer> make_oscal_renderer() { return std::make_unique<OscalRenderer>(); }

}  // namespace rampart::report
