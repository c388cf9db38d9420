#pragma once
// Shared pieces of the 5.1.x checks and the blast-radius check: turning RBAC index grants into
// findings with the subject, binding, role and pods, and the exemption rules.
#include <string>
#include <vector>

#include "common.h"

namespace rampart::checks::detail {

/// A grant plus the verbs and resources it matched.
struct Hit {
  rbac::Grant grant;
  std::vector<std::string> verbs;
  std::vector<std::string> resources;
  /// "get/list/watch secrets", "create/patch deployments, jobs"
  [[nodiscard]] std::string permission() const;
  void add(const std::string& verb, const std::string& resource);
};

/// Union of who_can over verbs x resources, one hit per (binding, subject).
std::vector<Hit> query(const ScanView& v, const std::vector<std::string>& verbs, const std::string& group,
                       const std::vector<std::string>& resources, const rbac::Scope& scope);

/// Adds `more` to `into`, one hit per (binding, subject): a subject granted several of the
/// permissions through the same binding is one finding naming them all.
void merge_hits(std::vector<Hit>& into, std::vector<Hit> more);

/// ERROR when any RBAC object list is missing (every 5.1 row needs all four).
std::optional<Outcome> require_rbac(const ScanView& v);

/// Subjects whose grants reach (nearly) everyone: raise severity to critical.
bool is_broad_subject(const collect::Subject& s);

/// Is this subject the scanner itself (tag "self")?
bool is_self(const ScanView& v, const collect::Subject& s);

/// Is ServiceAccount ns/name the one the scanner runs as? Then its pods are the scanner's own
/// (an in-cluster deployment of rampart), and their token mount is exempt from 5.1.6 as the one
/// a scanner needs (docs/self-scan.md). Its permissions are not exempt: they are tagged "self".
bool is_scanner_service_account(const ScanView& v, const std::string& ns, const std::string& name);

/// Evidence on a "self" finding: the scanner itself holds what is flagged. `who` starts the
/// sentence ("ServiceAccount rampart/rampart is", "the pod runs as").
Evidence self_hint(const std::string& who);

std::string describe_subject(const collect::Subject& s);
std::string describe_binding(const collect::Binding& b);
collect::ObjectRef subject_ref(const collect::Subject& s);

/// FAIL findings for the non-bootstrap hits, bootstrap ones as check-level evidence; PASS with
/// `pass_reason` when no non-bootstrap hit remains.
Outcome grants_outcome(const ScanView& v, const std::vector<Hit>& hits, const std::string& pass_reason,
                       const std::string& tag = {});

/// Evidence naming the pods that run as a ServiceAccount (at most a few, plus the count).
std::vector<Evidence> pods_evidence(const ScanView& v, const std::string& ns, const std::string& sa);

}  // namespace rampart::checks::detail
