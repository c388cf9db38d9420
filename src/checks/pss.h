#pragma once
// Pod Security Standards, evaluated the way pod-security-admission does: every container kind
// (init, regular, ephemeral), container-level settings over pod-level ones.
#include <optional>
#include <string>
#include <vector>

#include "common.h"

namespace rampart::checks::detail {

enum class PssLevel { kPrivileged = 0, kBaseline = 1, kRestricted = 2 };

/// "privileged" / "baseline" / "restricted", nullopt for anything else.
std::optional<PssLevel> parse_pss_level(std::string_view s);
const char* to_string(PssLevel l);

/// In the Pod Security baseline's allowed set (AUDIT_WRITE, CHOWN, ... SYS_CHROOT)?
bool is_baseline_capability(std::string_view normalized);

/// "CAP_NET_RAW" / "net_raw" -> "NET_RAW".
std::string normalize_capability(std::string_view cap);

/// The container's setting if set, else the pod's.
std::optional<bool> effective_run_as_non_root(const collect::Pod& p, const collect::Container& c);
std::optional<int64_t> effective_run_as_user(const collect::Pod& p, const collect::Container& c);
std::optional<std::string> effective_seccomp(const collect::Pod& p, const collect::Container& c);

std::string container_label(const collect::Container& c);  ///< "container app", "initContainer setup"

/// One thing a Pod Security level forbids, tagged with the PSS control it breaks
/// ("privileged", "host-namespaces", "capabilities", "hostpath", "hostports", "apparmor",
/// "selinux", "procmount", "seccomp", "sysctls", "probe-host", "hostprocess", "volumes",
/// "privilege-escalation", "non-root", "run-as-user").
struct PssViolation {
  std::string control;
  std::string detail;
};

/// Everything in the pod that the baseline (resp. restricted) level forbids.
std::vector<PssViolation> baseline_violations(const collect::Pod& p);
std::vector<PssViolation> restricted_violations(const collect::Pod& p);  ///< restricted-only items
std::vector<std::string> details(const std::vector<PssViolation>& v);

/// The enforce level of a namespace's PSA label, nullopt when unlabelled or invalid.
std::optional<PssLevel> enforce_level(const collect::Namespace& ns);

/// What guards pod creation in `ns`, if anything rampart can see: a validating webhook on pod
/// CREATE that fails closed and whose namespaceSelector includes `ns`, or a bound
/// ValidatingAdmissionPolicy (validationActions include Deny) whose policy and binding match
/// every pod created in `ns`.
std::optional<std::string> enforcing_engine(const ScanView& v, const collect::Namespace& ns);

/// The first source of enforcing engines (validating webhooks, admission policies, their
/// bindings) that could not be read, described; nullopt when all were read or are not served.
std::optional<std::string> unread_engine_source(const ScanView& v);

}  // namespace rampart::checks::detail
