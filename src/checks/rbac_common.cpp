#include "rbac_common.h"

#include <algorithm>
#include <map>
#include <set>

namespace rampart::checks::detail {

std::vector<Hit> query(const ScanView& v, const std::vector<std::string>& verbs, const std::string& group,
                       const std::vector<std::string>& resources, const rbac::Scope& scope) {
  std::map<std::pair<const collect::Binding*, std::string>, Hit> found;
  for (const auto& r : resources)
    for (const auto& verb : verbs)
      for (auto& g : v.rbac.who_can(verb, group, r, scope)) {
        std::string key = describe_subject(g.subject);
        auto [it, inserted] = found.try_emplace({g.binding, key});
        if (inserted) it->second.grant = std::move(g);
        else if (it->second.grant.narrowed && !g.narrowed) it->second.grant = std::move(g);
        it->second.add(verb, r);
      }
  std::vector<Hit> out;
  for (auto& [k, h] : found) out.push_back(std::move(h));
  // Pointer keys follow inventory order; sort by names so the output never depends on it.
  std::sort(out.begin(), out.end(), [](const Hit& a, const Hit& b) {
    return std::make_pair(describe_subject(a.grant.subject), describe_binding(*a.grant.binding)) <
           std::make_pair(describe_subject(b.grant.subject), describe_binding(*b.grant.binding));
  });
  return out;
}

std::string Hit::permission() const { return join(verbs, "/") + " " + join(resources, ", "); }

void Hit::add(const std::string& verb, const std::string& resource) {
  if (std::find(verbs.begin(), verbs.end(), verb) == verbs.end()) verbs.push_back(verb);
  if (std::find(resources.begin(), resources.end(), resource) == resources.end()) resources.push_back(resource);
}

void merge_hits(std::vector<Hit>& into, std::vector<Hit> more) {
  for (auto& h : more) {
    auto same = std::find_if(into.begin(), into.end(), [&](const Hit& x) {
      return x.grant.binding == h.grant.binding && describe_subject(x.grant.subject) == describe_subject(h.grant.subject);
    });
    if (same == into.end()) {
      into.push_back(std::move(h));
      continue;
    }
    for (const auto& verb : h.verbs)
      for (const auto& r : h.resources) same->add(verb, r);
  }
}

std::optional<Outcome> require_rbac(const ScanView& v) {
  return require(v, {ResourceType::kRoles, ResourceType::kClusterRoles, ResourceType::kRoleBindings,
                     ResourceType::kClusterRoleBindings});
}

bool is_broad_subject(const collect::Subject& s) {
  if (s.kind == "Group")
    return s.name == "system:authenticated" || s.name == "system:unauthenticated" ||
           s.name == "system:serviceaccounts" || s.name.starts_with("system:serviceaccounts:");
  if (s.kind == "User") return s.name == "system:anonymous";
  return s.kind == "ServiceAccount" && s.name == "default";
}

bool is_self(const ScanView& v, const collect::Subject& s) {
  if (!v.opts.self) return false;
  const auto& id = *v.opts.self;
  if (s.kind == "User") return s.name == id.user;
  if (s.kind == "Group") return std::find(id.groups.begin(), id.groups.end(), s.name) != id.groups.end();
  if (s.kind == "ServiceAccount") return is_scanner_service_account(v, s.namespace_, s.name);
  return false;
}

bool is_scanner_service_account(const ScanView& v, const std::string& ns, const std::string& name) {
  return v.opts.self && v.opts.self->user == rbac::service_account_identity(ns, name).user;
}

Evidence self_hint(const std::string& who) {
  return api("hint", who + " the identity this scan authenticated as: rampart itself holds these permissions");
}

std::string describe_subject(const collect::Subject& s) {
  if (s.kind == "ServiceAccount") return "ServiceAccount " + s.namespace_ + "/" + s.name;
  return s.kind + " " + s.name;
}

std::string describe_binding(const collect::Binding& b) {
  return b.cluster_scoped ? "ClusterRoleBinding " + b.meta.name : "RoleBinding " + b.meta.namespace_ + "/" + b.meta.name;
}

collect::ObjectRef subject_ref(const collect::Subject& s) {
  return collect::ObjectRef{s.kind, s.kind == "ServiceAccount" ? s.namespace_ : "", s.name};
}

std::vector<Evidence> pods_evidence(const ScanView& v, const std::string& ns, const std::string& sa) {
  std::vector<Evidence> out;
  const auto& pods = v.facts.pods_of(ns, sa);
  if (pods.empty()) return out;
  std::vector<std::string> names;
  for (size_t i = 0; i < pods.size() && i < 5; ++i) names.push_back(pods[i]->meta.name);
  std::string value = join(names);
  if (pods.size() > names.size()) value += " and " + std::to_string(pods.size() - names.size()) + " more";
  out.push_back(api("pods running as ServiceAccount " + ns + "/" + sa, value));
  return out;
}

namespace {

Severity lower(Severity s) {
  return s == Severity::kInfo ? s : static_cast<Severity>(static_cast<int>(s) + 1);
}

}  // namespace

Outcome grants_outcome(const ScanView& v, const std::vector<Hit>& hits, const std::string& pass_reason,
                       const std::string& tag) {
  Outcome out;
  Severity base = v.entry ? v.entry->severity : Severity::kMedium;
  size_t bootstrap = 0;
  for (const auto& h : hits) {
    const auto& g = h.grant;
    std::string where = g.namespace_.empty() ? "cluster-wide" : "in namespace " + g.namespace_;
    std::string role = g.role ? (g.role->cluster_scoped ? "ClusterRole " : "Role ") + g.role->meta.name : "(missing role)";
    if (g.bootstrap) {
      ++bootstrap;
      out.evidence.push_back(api("bootstrap grant (exempt)", describe_subject(g.subject) + " can " + h.permission() + " " +
                                                                 where + " via " + describe_binding(*g.binding) + " -> " + role));
      continue;
    }
    Finding f;
    f.status = Status::kFail;
    f.resource = subject_ref(g.subject);
    f.message = describe_subject(g.subject) + " can " + h.permission() + " " + where + " via " + describe_binding(*g.binding) +
                " -> " + role + (g.narrowed ? " (limited to named resources)" : "");
    f.evidence.push_back(api(describe_binding(*g.binding), "roleRef " + g.binding->role_ref.kind + " " + g.binding->role_ref.name));
    if (g.rule) {
      std::string rule = "verbs [" + join(g.rule->verbs) + "] apiGroups [" + join(g.rule->api_groups) + "] resources [" +
                         join(g.rule->resources) + "]";
      if (!g.rule->resource_names.empty()) rule += " resourceNames [" + join(g.rule->resource_names) + "]";
      f.evidence.push_back(api(role + " rule", rule));
    }
    if (g.subject.kind == "ServiceAccount") {
      auto pods = pods_evidence(v, g.subject.namespace_, g.subject.name);
      f.evidence.insert(f.evidence.end(), pods.begin(), pods.end());
    }
    if (is_broad_subject(g.subject)) {
      f.severity = Severity::kCritical;
      f.tags.push_back("broad-subject");
    } else if (g.narrowed) {
      f.severity = lower(base);
      f.tags.push_back("narrowed");
    }
    if (is_self(v, g.subject)) {
      f.tags.push_back("self");
      f.evidence.push_back(self_hint(describe_subject(g.subject) + " is"));
    }
    if (!tag.empty()) f.tags.push_back(tag);
    out.findings.push_back(std::move(f));
  }
  if (out.findings.empty()) {
    out.status = Status::kPass;
    out.reason = pass_reason + (bootstrap ? " (" + std::to_string(bootstrap) + " bootstrap grants exempt)" : "");
  } else {
    out.status = Status::kFail;
    std::set<std::string> subjects;
    for (const auto& f : out.findings) subjects.insert(f.resource.kind + "/" + f.resource.namespace_ + "/" + f.resource.name);
    out.reason = std::to_string(subjects.size()) + (subjects.size() == 1 ? " subject" : " subjects") + " outside the bootstrap defaults: " +
                 out.findings.front().message + (out.findings.size() > 1 ? " ..." : "");
  }
  return out;
}

}  // namespace rampart::checks::detail
