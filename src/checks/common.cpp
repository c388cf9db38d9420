#include "common.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace rampart::checks::detail {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::string describe_status(ResourceType t, const collect::CollectStatus& s) {
  std::string out = std::string(collect::to_string(t)) + " " +
                    (s.state == collect::CollectStatus::State::kNotRequested ? "were not collected"
                                                                            : std::string("could not be read: ") +
                                                                                  collect::to_string(s.state));
  if (!s.error.empty()) out += " (" + s.error + ")";
  return out;
}

std::optional<Outcome> require(const ScanView& v, std::initializer_list<ResourceType> types) {
  for (ResourceType t : types) {
    const auto& s = v.inv.status_of(t);
    if (!s.ok()) return Outcome{Status::kError, describe_status(t, s), {}, {}, {}, {}};
  }
  return std::nullopt;
}

Evidence api(std::string what, std::string value) { return Evidence{"api", std::move(what), std::move(value)}; }

collect::ObjectRef ref(std::string kind, std::string ns, std::string name) {
  return collect::ObjectRef{std::move(kind), std::move(ns), std::move(name)};
}

collect::ObjectRef pod_ref(const collect::Pod& p) { return ref("Pod", p.meta.namespace_, p.meta.name); }

Outcome fold(std::vector<Finding> findings, std::string_view what_plural, std::vector<Evidence> pass_evidence) {
  Outcome out;
  // Sorted first, so "first" in the reason is the first line a report shows.
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return a.resource < b.resource; });
  size_t counts[7] = {};
  for (const auto& f : findings) ++counts[static_cast<int>(f.status)];
  auto n = [&](Status s) { return counts[static_cast<int>(s)]; };
  size_t total = findings.size();
  const Finding* first = nullptr;
  auto first_of = [&](Status s) {
    for (const auto& f : findings)
      if (f.status == s) return &f;
    return static_cast<const Finding*>(nullptr);
  };
  for (Status s : {Status::kFail, Status::kError, Status::kManual, Status::kWarn}) {
    if (n(s) == 0) continue;
    out.status = s;
    first = first_of(s);
    break;
  }
  if (first == nullptr) {
    out.status = Status::kPass;
    out.reason = total == 1 ? "the " + std::string(what_plural).substr(0, what_plural.size() - 1) + " passes"
                            : "all " + std::to_string(total) + " " + std::string(what_plural) + " pass";
  } else if (n(first->status) == 1 && total == 1) {
    out.reason = first->message;
  } else {
    out.reason = std::to_string(n(first->status)) + " of " + std::to_string(total) + " " + std::string(what_plural) +
                 ": " + std::string(to_string(first->status)) + " (first: " + first->resource.name + ": " +
                 first->message + ")";
  }
  out.evidence = std::move(pass_evidence);
  for (auto& f : findings)
    if (f.status != Status::kPass) out.findings.push_back(std::move(f));
  return out;
}

// ---------------------------------------------------------------- flags

Evidence flag_evidence(std::string_view component, std::string_view name, const FlagReader& f,
                       std::string_view default_note) {
  auto v = f.value(name);
  std::string value = v ? (v->empty() ? std::string("(set, no value)") : *v)
                        : "(absent)" + (default_note.empty() ? std::string() : " " + std::string(default_note));
  return Evidence{"flags", std::string(component) + " --" + std::string(name), value};
}

Outcome per_instance(const ScanView& v, std::string_view component, const FlagFn& fn) {
  auto instances = v.facts.components(component);
  if (instances.empty()) {
    const auto& s = v.inv.status_of(ResourceType::kPods);
    if (!s.ok() && v.inv.control_plane.empty())
      return Outcome{Status::kError, "control plane not visible: " + describe_status(ResourceType::kPods, s), {}, {}, {}, {}};
    return Outcome{Status::kSkip,
                   "control plane not visible: no " + std::string(component) +
                       " mirror pod in kube-system (managed control plane, or not readable)",
                   {}, {}, {}, {}};
  }
  std::vector<Finding> findings;
  std::vector<Evidence> pass_evidence;
  for (const auto* c : instances) {
    collect::Flags flags = effective_flags(*c);
    FlagReader reader{flags};
    Verdict verdict = fn(reader, *c);
    Finding f;
    f.status = verdict.status;
    f.resource = c->pod;
    f.message = verdict.message;
    f.evidence = verdict.evidence;
    if (verdict.status == Status::kPass)
      for (auto e : verdict.evidence) {
        e.what = c->pod.name + ": " + e.what;
        pass_evidence.push_back(std::move(e));
      }
    findings.push_back(std::move(f));
  }
  return fold(std::move(findings), std::string(component) + " instances", std::move(pass_evidence));
}

Outcome flag_check(const ScanView& v, std::string_view component, const FlagFn& fn) {
  return per_instance(v, component, fn);
}

namespace {

// etcd settings that come from an env var we could not resolve are unknown, not defaulted.
std::optional<Verdict> unresolved(const collect::ControlPlaneComponent& c, std::string_view name) {
  for (const auto& u : unresolved_flags(c))
    if (u == name)
      return Verdict{Status::kError, "--" + std::string(name) + " comes from an environment variable set through valueFrom, which cannot be read",
                     {Evidence{"flags", c.component + " env ETCD_*", "valueFrom (unresolved)"}}};
  return std::nullopt;
}

}  // namespace

FlagFn flag_absent(std::string name) {
  return [name](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    if (auto u = unresolved(c, name)) return *u;
    Evidence e = flag_evidence(c.component, name, f);
    if (f.has(name)) return Verdict{Status::kFail, "--" + name + " is set", {e}};
    return Verdict{Status::kPass, "--" + name + " is not set", {e}};
  };
}

FlagFn flags_present(std::vector<std::string> names) {
  return [names](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Verdict out;
    std::vector<std::string> missing;
    for (const auto& n : names) {
      if (auto u = unresolved(c, n)) return *u;
      out.evidence.push_back(flag_evidence(c.component, n, f));
      if (!f.present(n)) missing.push_back("--" + n);
    }
    if (missing.empty()) {
      out.message = "set: --" + join(names, ", --");
    } else {
      out.status = Status::kFail;
      out.message = "not set: " + join(missing);
    }
    return out;
  };
}

FlagFn flag_bool(std::string name, bool want, bool absent_value) {
  return [=](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    if (auto u = unresolved(c, name)) return *u;
    bool bad = false;
    auto value = f.boolean(name, &bad);
    std::string dflt = std::string("(default ") + (absent_value ? "true" : "false") + ")";
    Evidence e = flag_evidence(c.component, name, f, dflt);
    if (bad) return Verdict{Status::kError, "--" + name + " has a value that is not a boolean", {e}};
    bool effective = value.value_or(absent_value);
    std::string shown = "--" + name + "=" + (effective ? "true" : "false") + (value ? "" : " by default (flag absent)");
    if (effective == want) return Verdict{Status::kPass, shown, {e}};
    return Verdict{Status::kFail, shown + ", should be " + (want ? "true" : "false"), {e}};
  };
}

namespace {

bool list_has(const FlagReader& f, const std::string& name, const std::string& item) {
  auto list = f.list(name);
  // The deprecated --admission-control of old releases is an enable list as well.
  if (name == "enable-admission-plugins") {
    auto old = f.list("admission-control");
    list.insert(list.end(), old.begin(), old.end());
  }
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

FlagFn list_contains(std::string name, std::string item) {
  return [=](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Evidence e = flag_evidence(c.component, name, f);
    if (list_has(f, name, item))
      return Verdict{Status::kPass, "--" + name + " includes " + item, {e}};
    return Verdict{Status::kFail, "--" + name + (f.has(name) ? " does not include " : " is not set, so it lacks ") + item, {e}};
  };
}

FlagFn list_lacks(std::string name, std::string item) {
  return [=](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Evidence e = flag_evidence(c.component, name, f);
    if (list_has(f, name, item))
      return Verdict{Status::kFail, "--" + name + " includes " + item, {e}};
    return Verdict{Status::kPass, "--" + name + " does not include " + item, {e}};
  };
}

FlagFn int_at_least(std::string name, long min, long absent_value) {
  return [=](const FlagReader& f, const collect::ControlPlaneComponent& c) {
    Evidence e = flag_evidence(c.component, name, f, "(default " + std::to_string(absent_value) + ")");
    auto value = f.value(name);
    long n = absent_value;
    if (value) {
      auto [p, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
      if (ec != std::errc() || p != value->data() + value->size())
        return Verdict{Status::kFail, "--" + name + "=" + *value + " is not a whole number", {e}};
    }
    std::string shown = "--" + name + "=" + std::to_string(n) + (value ? "" : " by default (flag absent)");
    if (n >= min) return Verdict{Status::kPass, shown, {e}};
    return Verdict{Status::kFail, shown + ", should be at least " + std::to_string(min), {e}};
  };
}

// ---------------------------------------------------------------- kubelet

const nlohmann::json* at_path(const nlohmann::json& j, std::string_view dotted) {
  const nlohmann::json* cur = &j;
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    if (dot == std::string_view::npos) dot = dotted.size();
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(dotted.substr(start, dot - start)));
    if (it == cur->end()) return nullptr;
    cur = &*it;
    start = dot + 1;
  }
  return cur;
}

std::string json_text(const nlohmann::json* j) {
  if (j == nullptr) return "(absent)";
  if (j->is_string()) return j->get<std::string>();
  return j->dump();
}

Outcome per_node(const ScanView& v, const NodeFn& fn) {
  if (auto e = require(v, {ResourceType::kNodes})) return *e;
  const auto& cs = v.inv.status_of(ResourceType::kKubeletConfig);
  if (cs.state == collect::CollectStatus::State::kForbidden)
    return Outcome{Status::kError, describe_status(ResourceType::kKubeletConfig, cs), {}, {}, {}, {}};
  if (v.inv.nodes.empty()) return Outcome{Status::kSkip, "no nodes are visible", {}, {}, {}, {}};
  std::vector<Finding> findings;
  std::vector<Evidence> pass_evidence;
  for (const auto& node : v.inv.nodes) {
    Finding f;
    f.resource = ref("Node", "", node.meta.name);
    using State = collect::KubeletConfig::State;
    if (node.kubelet.state == State::kOk) {
      Verdict verdict = fn(node, node.kubelet.config);
      f.status = verdict.status;
      f.message = verdict.message;
      f.evidence = verdict.evidence;
      if (verdict.status == Status::kPass)
        for (auto e : verdict.evidence) {
          e.what = node.meta.name + ": " + e.what;
          pass_evidence.push_back(std::move(e));
        }
    } else {
      f.status = Status::kError;
      f.message = node.kubelet.state == State::kNotRequested
                      ? "kubelet configuration (configz) was not collected"
                      : "kubelet configuration (configz) could not be read: " +
                            (node.kubelet.error.empty() ? std::string("unknown error") : node.kubelet.error);
    }
    findings.push_back(std::move(f));
  }
  return fold(std::move(findings), "nodes", std::move(pass_evidence));
}

// ---------------------------------------------------------------- products and images

ImageRef parse_image(std::string_view image) {
  ImageRef out;
  std::string s(image);
  if (auto at = s.find('@'); at != std::string::npos) {
    out.digest = s.substr(at + 1);
    s.resize(at);
  }
  auto slash = s.find('/');
  std::string first = slash == std::string::npos ? "" : s.substr(0, slash);
  if (!first.empty() && (first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
                         first == "localhost")) {
    out.registry = first;
    s = s.substr(slash + 1);
  } else {
    out.registry = "docker.io";
  }
  auto colon = s.rfind(':');
  if (colon != std::string::npos && s.find('/', colon) == std::string::npos) {
    out.tag = s.substr(colon + 1);
    s.resize(colon);
  }
  if (out.registry == "docker.io" && s.find('/') == std::string::npos) s = "library/" + s;
  out.repository = s;
  return out;
}

namespace {

bool image_matches(const std::string& image, const std::string& want) {
  ImageRef r = parse_image(image);
  return r.repository == want || r.repository.ends_with("/" + want);
}

}  // namespace

std::vector<Detection> detect_products(const ScanView& v, std::string_view category) {
  std::vector<Detection> out;
  for (const auto& p : v.catalog.products) {
    if (p.category != category) continue;
    Detection d{&p, {}};
    for (const auto& w : v.inv.workloads) {
      bool by_name = std::find(p.workloads.begin(), p.workloads.end(), w.meta.name) != p.workloads.end();
      bool by_image = std::any_of(w.images.begin(), w.images.end(), [&](const std::string& img) {
        return std::any_of(p.images.begin(), p.images.end(), [&](const std::string& want) { return image_matches(img, want); });
      });
      if (by_name || by_image)
        d.evidence.push_back(api(w.kind + " " + w.meta.namespace_ + "/" + w.meta.name,
                                 by_image ? "image " + join(w.images) : "name matches " + p.name));
    }
    for (const auto& crd : v.inv.crds)
      for (const auto& g : p.crd_groups)
        if (crd.ends_with("." + g)) d.evidence.push_back(api("CustomResourceDefinition " + crd, "API group " + g));
    for (const auto& wc : v.inv.webhooks)
      for (const auto& name : p.webhooks)
        if (wc.meta.name.find(name) != std::string::npos)
          d.evidence.push_back(api(std::string(wc.mutating ? "Mutating" : "Validating") + "WebhookConfiguration " + wc.meta.name,
                                   "name contains " + name));
    if (!d.evidence.empty()) out.push_back(std::move(d));
  }
  return out;
}

}  // namespace rampart::checks::detail
