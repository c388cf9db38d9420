#include "rampart/report/scan_evidence.h"

#include <sstream>

#include "rampart/core/log.h"
#include "rampart/probe/json.h"
#include "rampart/report/renderer.h"

namespace rampart::report {
namespace {

using nlohmann::json;

void scrub_evidence(json& evidence) {
  for (auto& e : evidence)
    for (const char* key : {"what", "value"})
      if (e.contains(key) && e[key].is_string()) e[key] = log::scrub(e[key].get<std::string>());
}

// Every string in a probe transcript, through the log scrubber. The probe stage redacts what it
// records already; this is the bundle's own line of defence, as for check evidence.
void scrub_strings(json& j) {
  if (j.is_string()) j = log::scrub(j.get<std::string>());
  else if (j.is_structured())
    for (auto& v : j) scrub_strings(v);
}

// True when `text` names `url` as a whole ("kubelet://10.0.0.1:1025" is not named by
// "kubelet://10.0.0.1:10250").
bool names_endpoint(const std::string& text, const std::string& url) {
  for (size_t at = text.find(url); at != std::string::npos; at = text.find(url, at + 1)) {
    size_t end = at + url.size();
    if (end == text.size()) return true;
    char c = text[end];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-')) return true;
  }
  return false;
}

bool check_names_endpoint(const checks::CheckResult& c, const std::string& url) {
  auto in = [&](const std::vector<checks::Evidence>& evidence) {
    for (const auto& e : evidence)
      if (names_endpoint(e.what, url) || names_endpoint(e.value, url)) return true;
    return false;
  };
  if (in(c.outcome.evidence) || names_endpoint(c.outcome.reason, url)) return true;
  for (const auto& f : c.outcome.findings)
    if (f.resource.name == url || names_endpoint(f.message, url) || in(f.evidence)) return true;
  return false;
}

std::string render(const ScanReport& report, const char* format) {
  auto renderer = make_renderer(format, {});
  std::ostringstream out;
  (*renderer)->render(report, out);
  return out.str();
}

}  // namespace

InventorySummary summarize_inventory(const collect::Inventory& inv) {
  InventorySummary out;
  out.identity = inv.identity;
  for (auto type : collect::all_resource_types()) {
    const auto& s = inv.status_of(type);
    out.resources.push_back({collect::to_string(type), collect::to_string(s.state), s.count, s.error});
  }
  return out;
}

json to_json(const InventorySummary& s) {
  json resources = json::array();
  for (const auto& r : s.resources)
    resources.push_back({{"resource", r.resource}, {"state", r.state}, {"count", r.count}, {"error", r.error}});
  return {{"cluster",
           {{"server", s.identity.server},
            {"context", s.identity.context},
            {"version", s.identity.git_version},
            {"platform", s.identity.platform},
            {"kube_system_uid", s.identity.kube_system_uid}}},
          {"resources", resources},
          {"note", "counts and collection states only: rampart never stores the objects themselves in evidence"}};
}

std::vector<EvidenceFile> scan_evidence_files(const ScanReport& report, const InventorySummary& inventory,
                                              const probe::ProbeResults* probes) {
  std::vector<EvidenceFile> files;
  std::vector<std::pair<std::string, json>> transcripts;  // target URL, scrubbed result
  if (probes)
    for (const auto& r : probes->results) {
      json t = probe::to_json(r);
      scrub_strings(t);
      transcripts.emplace_back(r.target.url(), std::move(t));
    }
  files.push_back({"report.json", render(report, "json")});
  files.push_back({"report.html", render(report, "html")});
  for (const auto& c : report.checks) {
    json doc = check_to_json(c);
    scrub_evidence(doc["evidence"]);
    for (auto& f : doc["findings"]) scrub_evidence(f["evidence"]);
    doc["rationale"] = c.entry.rationale;
    doc["references"] = c.entry.references;
    doc["reads"] = c.entry.reads;
    doc["pass_condition"] = c.entry.pass;
    json mine = json::array();
    for (const auto& [url, t] : transcripts)
      if (check_names_endpoint(c, url)) mine.push_back(t);
    if (!mine.empty()) doc["probe_transcripts"] = std::move(mine);
    files.push_back({"checks/" + c.entry.id + ".json", doc.dump(2) + "\n"});
  }
  files.push_back({"inventory.json", to_json(inventory).dump(2) + "\n"});
  if (probes) {
    json all = probe::to_json(*probes);
    scrub_strings(all);
    files.push_back({"probes.json", all.dump(2) + "\n"});
  }
  if (!report.waivers.empty()) files.push_back({"waivers.json", waivers_to_json(report.waivers).dump(2) + "\n"});
  return files;
}

Result<void> write_scan_evidence(EvidenceWriter& writer, const ScanReport& report, const InventorySummary& inventory,
                                 ManifestInfo info, const EvidenceKey* key, const probe::ProbeResults* probes) {
  for (const auto& f : scan_evidence_files(report, inventory, probes))
    if (auto added = writer.add_file(f.path, f.content); !added) return tl::unexpected(added.error());
  return writer.finish(std::move(info), key);
}

}  // namespace rampart::report
