#include "rampart/report/scan_evidence.h"

#include <sstream>

#include "rampart/core/log.h"
#include "rampart/report/renderer.h"

namespace rampart::report {
namespace {

using nlohmann::json;

void scrub_evidence(json& evidence) {
  for (auto& e : evidence)
    for (const char* key : {"what", "value"})
      if (e.contains(key) && e[key].is_string()) e[key] = log::scrub(e[key].get<std::string>());
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

std::vector<EvidenceFile> scan_evidence_files(const ScanReport& report, const InventorySummary& inventory) {
  std::vector<EvidenceFile> files;
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
    files.push_back({"checks/" + c.entry.id + ".json", doc.dump(2) + "\n"});
  }
  files.push_back({"inventory.json", to_json(inventory).dump(2) + "\n"});
  if (!report.waivers.empty()) files.push_back({"waivers.json", waivers_to_json(report.waivers).dump(2) + "\n"});
  return files;
}

Result<void> write_scan_evidence(EvidenceWriter& writer, const ScanReport& report, const InventorySummary& inventory,
                                 ManifestInfo info, const EvidenceKey* key) {
  for (const auto& f : scan_evidence_files(report, inventory))
    if (auto added = writer.add_file(f.path, f.content); !added) return tl::unexpected(added.error());
  return writer.finish(std::move(info), key);
}

}  // namespace rampart::report
