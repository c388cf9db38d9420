#pragma once
// The check catalog: checks/*.yaml as data. Only catalog_loader.cpp touches YAML; everything
// else reads these plain structs. A catalog is validated as a whole when it is loaded, and
// every problem is reported as "file:line: message".
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/checks/result.h"
#include "rampart/core/error.h"

namespace rampart::checks {

/// One catalog entry: everything about a check except its logic.
struct CatalogEntry {
  std::string id;        ///< CIS id ("5.1.3") or our own ("RMP-003")
  std::string title;     ///< our words
  std::string section;   ///< "1.2", "5.1", "RMP"
  int level = 1;         ///< CIS profile level 1 or 2
  Severity severity = Severity::kMedium;
  bool automated = true; ///< the benchmark's assessment type (Automated or Manual)
  std::vector<std::string> sources;  ///< api, flags, kubelet, probe, manual
  std::string scope;     ///< cluster, node or namespace (namespace checks feed namespace scores)
  std::string reads;     ///< what the check reads, for docs
  std::string pass;      ///< the pass condition, for docs
  std::string inspect;   ///< manual controls: what a person must inspect and where
  std::string rationale;
  std::string remediation;
  std::vector<std::string> references;
  std::string file;      ///< catalog file it came from
  int line = 0;          ///< line of the entry in that file
  bool operator==(const CatalogEntry&) const = default;
};

struct Section {
  std::string id;     ///< "1.2"
  std::string title;  ///< "API server"
  bool operator==(const Section&) const = default;
};

/// A product rampart recognises in a cluster (a CNI, a runtime-security agent, a mesh...).
/// Which products count is data: adding one is a catalog edit, not a code change.
struct Product {
  std::string id;
  std::string name;
  std::string category;  ///< cni, runtime-security, secret-store, mesh, policy-engine,
                         ///< image-verification, log-shipper
  std::vector<std::string> workloads;  ///< DaemonSet/Deployment/StatefulSet names
  std::vector<std::string> images;     ///< image repositories ("falcosecurity/falco")
  std::vector<std::string> crd_groups; ///< CRD API groups ("external-secrets.io")
  std::vector<std::string> webhooks;   ///< substrings of webhook configuration names
  std::map<std::string, std::string> traits;  ///< e.g. network-policy: enforces|none|depends
  bool operator==(const Product&) const = default;
};

/// Facts about Kubernetes releases the version checks compare against.
struct KubernetesReleases {
  std::vector<std::string> supported_minors;  ///< "1.35", ...
  std::string as_of;                          ///< date the list was last reviewed
  int kubelet_max_skew = 3;                   ///< minors a kubelet may trail the API server
  bool operator==(const KubernetesReleases&) const = default;
};

struct Catalog {
  std::vector<Section> sections;      ///< in catalog order
  std::vector<CatalogEntry> entries;  ///< sorted by check order (see check_order_less)
  std::vector<Product> products;
  KubernetesReleases releases;
  std::string benchmark = "CIS Kubernetes Benchmark v1.12.0";

  [[nodiscard]] const CatalogEntry* find(std::string_view id) const;
  [[nodiscard]] const Section* find_section(std::string_view id) const;
};

/// One catalog file's text, as embedded or read from --checks-dir.
struct CatalogSource {
  std::string name;     ///< file name for messages
  std::string content;
};

/// Parses and validates a whole catalog. Errors name every bad file:line, one per line.
[[nodiscard]] Result<Catalog> load_catalog(const std::vector<CatalogSource>& files);
/// The catalog compiled into the binary.
[[nodiscard]] Result<Catalog> load_embedded_catalog();
/// Every *.yaml file of a directory (--checks-dir), sorted by name.
[[nodiscard]] Result<Catalog> load_catalog_dir(const std::string& dir);

/// Orders ids as the benchmark does: numerically by dotted part ("1.2.10" after "1.2.9"), the
/// CIS ids before ours ("RMP-...").
bool check_order_less(std::string_view a, std::string_view b);

}  // namespace rampart::checks
