#pragma once
// What `rampart scan --evidence-dir DIR` puts in a bundle besides the manifest (docs/evidence.md):
// report.json, report.html, one checks/ID.json per check with the evidence behind its result,
// inventory.json (what was collected, as counts and states: never objects), when probes ran
// probes.json (every probe's transcript: what was sent, what came back, the TLS details) and,
// when waivers were given, waivers.json. Everything is derived from the report, the inventory
// summary and the probe results, all redacted before they are written.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rampart/collect/inventory.h"
#include "rampart/core/error.h"
#include "rampart/probe/result.h"
#include "rampart/report/evidence.h"
#include "rampart/report/scan_report.h"

namespace rampart::report {

/// One resource type as collected: its state, how many objects, and why it failed.
struct ResourceSummary {
  std::string resource;  ///< "pods", "nodes/proxy/configz"
  std::string state;     ///< "ok", "forbidden", "not-served", "error", "not-requested"
  size_t count = 0;
  std::string error;
  bool operator==(const ResourceSummary&) const = default;
};

/// The inventory without its objects: enough to show what the scan could see.
struct InventorySummary {
  collect::ClusterIdentity identity;
  std::vector<ResourceSummary> resources;  ///< report order of collect::all_resource_types()
  bool operator==(const InventorySummary&) const = default;
};

InventorySummary summarize_inventory(const collect::Inventory& inv);
nlohmann::json to_json(const InventorySummary& summary);

/// One file of the bundle: path relative to it, and content.
struct EvidenceFile {
  std::string path;
  std::string content;
};

/// The files listed above, in a fixed order. Evidence values go through log::scrub, the same
/// filter that keeps credentials out of logs. `probes` (null when probes did not run) gives
/// probes.json, and each checks/ID.json whose findings or evidence name a probed endpoint gets
/// that endpoint's transcripts under "probe_transcripts".
std::vector<EvidenceFile> scan_evidence_files(const ScanReport& report, const InventorySummary& inventory,
                                              const probe::ProbeResults* probes = nullptr);

/// Writes the files and the manifest (signed when `key` is given) through `writer`, which the
/// caller creates before the scan so that a bad directory fails before any work is done.
[[nodiscard]] Result<void> write_scan_evidence(EvidenceWriter& writer, const ScanReport& report,
                                               const InventorySummary& inventory, ManifestInfo info,
                                               const EvidenceKey* key,
                                               const probe::ProbeResults* probes = nullptr);

}  // namespace rampart::report
