#pragma once
// Shared predicates for check functions (kube-bench's lesson: write each comparison once).
// Private to src/checks/.
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rampart/checks/flags.h"
#include "rampart/checks/registry.h"
#include "rampart/checks/result.h"
#include "rampart/checks/scan_view.h"

namespace rampart::checks::detail {

using collect::ResourceType;

/// ERROR naming the first resource type that was not collected, or nullopt when all were.
std::optional<Outcome> require(const ScanView& v, std::initializer_list<ResourceType> types);

/// "forbidden (HTTP 403: ...)" for a status that is not ok.
std::string describe_status(ResourceType t, const collect::CollectStatus& s);

Evidence api(std::string what, std::string value);
collect::ObjectRef ref(std::string kind, std::string ns, std::string name);
collect::ObjectRef pod_ref(const collect::Pod& p);

/// The verdict on one instance (one API server, one node's kubelet, one namespace...).
struct Verdict {
  Status status = Status::kPass;
  std::string message;
  std::vector<Evidence> evidence;
};

/// Folds per-instance findings into an outcome with the multi-instance rule: FAIL if any
/// instance fails; ERROR if any could not be read; then MANUAL, WARN; PASS only if all pass.
/// Passing instances add their evidence at check level; the others become findings.
Outcome fold(std::vector<Finding> findings, std::string_view what_plural, std::vector<Evidence> pass_evidence = {});

// ---------------------------------------------------------------- control-plane flags

using FlagFn = std::function<Verdict(const FlagReader&, const collect::ControlPlaneComponent&)>;

/// Evaluates `fn` on every instance of `component`. No instance at all: SKIP "control plane not
/// visible" (ERROR when the pods could not be listed).
Outcome per_instance(const ScanView& v, std::string_view component, const FlagFn& fn);

/// "--name" as evidence, with the value or "(absent)".
Evidence flag_evidence(std::string_view component, std::string_view name, const FlagReader& f,
                       std::string_view default_note = {});

FlagFn flag_absent(std::string name);
FlagFn flags_present(std::vector<std::string> names);
/// Boolean flag must equal `want`; `absent_value` is the compiled default.
FlagFn flag_bool(std::string name, bool want, bool absent_value);
FlagFn list_contains(std::string name, std::string item);
FlagFn list_lacks(std::string name, std::string item);
FlagFn int_at_least(std::string name, long min, long absent_value);

/// Runs a flag predicate for `component`: the usual shape of a one-line F check.
Outcome flag_check(const ScanView& v, std::string_view component, const FlagFn& fn);

// ---------------------------------------------------------------- kubelet configz

using NodeFn = std::function<Verdict(const collect::Node&, const nlohmann::json& config)>;

/// Evaluates `fn` on every node's configz (multi-instance rule).
Outcome per_node(const ScanView& v, const NodeFn& fn);

/// A value inside a configz object by dotted path, nullptr when absent.
const nlohmann::json* at_path(const nlohmann::json& j, std::string_view dotted);
std::string json_text(const nlohmann::json* j);

// ---------------------------------------------------------------- products

struct Detection {
  const Product* product = nullptr;
  std::vector<Evidence> evidence;
};

/// Products of `category` present in the cluster (workloads, images, CRDs, webhooks).
std::vector<Detection> detect_products(const ScanView& v, std::string_view category);

/// "docker.io/library/nginx:1.2@sha256:..." -> registry, repository, tag, digest.
struct ImageRef {
  std::string registry;    ///< "docker.io" when the reference names none
  std::string repository;  ///< "library/nginx"
  std::string tag;
  std::string digest;
};
ImageRef parse_image(std::string_view image);

std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

}  // namespace rampart::checks::detail
