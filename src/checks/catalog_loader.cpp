// The only file that touches the catalog's YAML. yaml-cpp exceptions stop here: every problem
// becomes a "file:line: message" and loading fails as a whole, so a half-valid catalog never
// runs.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "rampart/checks/catalog.h"
#include "rampart/checks/embedded_catalog.h"

namespace rampart::checks {
namespace {

const std::set<std::string, std::less<>> kSources = {"api", "flags", "kubelet", "probe", "manual"};
const std::set<std::string, std::less<>> kScopes = {"cluster", "node", "namespace"};
const std::set<std::string, std::less<>> kCategories = {
    "cni", "runtime-security", "secret-store", "mesh", "policy-engine", "image-verification",
    "log-shipper"};

struct Problem {
  std::string where;
  std::string what;
};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  void problem(const YAML::Node& at, std::string what) {
    problems_.push_back({file_ + ":" + std::to_string(at.Mark().line + 1), std::move(what)});
  }
  void problem_at_file(std::string what) { problems_.push_back({file_, std::move(what)}); }

  // A required or optional string scalar.
  std::string text(const YAML::Node& map, const char* key, bool required) {
    YAML::Node n = map[key];
    if (!n) {
      if (required) problem(map, std::string("missing '") + key + "'");
      return {};
    }
    if (!n.IsScalar()) {
      problem(n, std::string("'") + key + "' must be a string");
      return {};
    }
    std::string v = n.as<std::string>();
    if (required && v.empty()) problem(n, std::string("'") + key + "' is empty");
    return v;
  }

  std::vector<std::string> strings(const YAML::Node& map, const char* key, bool required) {
    std::vector<std::string> out;
    YAML::Node n = map[key];
    if (!n) {
      if (required) problem(map, std::string("missing '") + key + "'");
      return out;
    }
    if (!n.IsSequence()) {
      problem(n, std::string("'") + key + "' must be a list of strings");
      return out;
    }
    for (const auto& e : n) {
      if (!e.IsScalar()) {
        problem(e, std::string("'") + key + "' must be a list of strings");
        continue;
      }
      out.push_back(e.as<std::string>());
    }
    if (required && out.empty()) problem(n, std::string("'") + key + "' is empty");
    return out;
  }

  void only_keys(const YAML::Node& map, const std::set<std::string, std::less<>>& allowed,
                 const char* what) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      std::string k = it->first.as<std::string>();
      if (!allowed.count(k)) problem(it->first, "unknown key '" + k + "' in " + what);
    }
  }

  CatalogEntry entry(const YAML::Node& n) {
    CatalogEntry e;
    e.file = file_;
    e.line = n.Mark().line + 1;
    only_keys(n,
              {"id", "title", "section", "level", "severity", "mode", "sources", "scope", "reads",
               "pass", "inspect", "rationale", "remediation", "references"},
              "check entry");
    e.id = text(n, "id", true);
    e.title = text(n, "title", true);
    e.section = text(n, "section", true);
    std::string level = text(n, "level", true);
    if (level == "1" || level == "2") e.level = level[0] - '0';
    else if (!level.empty()) problem(n["level"], "level must be 1 or 2, not '" + level + "'");
    std::string sev = text(n, "severity", true);
    if (auto s = parse_severity(sev)) e.severity = *s;
    else if (!sev.empty()) problem(n["severity"], "unknown severity '" + sev + "'");
    std::string mode = text(n, "mode", true);
    if (mode == "automated" || mode == "manual") e.automated = mode == "automated";
    else if (!mode.empty()) problem(n["mode"], "mode must be automated or manual, not '" + mode + "'");
    e.sources = strings(n, "sources", true);
    for (const auto& s : e.sources)
      if (!kSources.count(s)) problem(n["sources"], "unknown source '" + s + "'");
    e.scope = text(n, "scope", false);
    if (e.scope.empty()) e.scope = "cluster";
    if (!kScopes.count(e.scope)) problem(n["scope"], "unknown scope '" + e.scope + "'");
    e.reads = text(n, "reads", true);
    e.pass = text(n, "pass", true);
    e.inspect = text(n, "inspect", false);
    e.rationale = text(n, "rationale", true);
    e.remediation = text(n, "remediation", true);
    e.references = strings(n, "references", false);
    bool manual_source = std::find(e.sources.begin(), e.sources.end(), "manual") != e.sources.end();
    if (manual_source && e.inspect.empty())
      problem(n, "check " + e.id + " is manual but says nothing to 'inspect'");
    return e;
  }

  Product product(const YAML::Node& n) {
    Product p;
    only_keys(n, {"id", "name", "category", "workloads", "images", "crd_groups", "webhooks", "traits"},
              "product");
    p.id = text(n, "id", true);
    p.name = text(n, "name", true);
    p.category = text(n, "category", true);
    if (!p.category.empty() && !kCategories.count(p.category))
      problem(n["category"], "unknown product category '" + p.category + "'");
    p.workloads = strings(n, "workloads", false);
    p.images = strings(n, "images", false);
    p.crd_groups = strings(n, "crd_groups", false);
    p.webhooks = strings(n, "webhooks", false);
    if (YAML::Node t = n["traits"]) {
      if (!t.IsMap()) problem(t, "'traits' must be a map of strings");
      else
        for (auto it = t.begin(); it != t.end(); ++it)
          p.traits[it->first.as<std::string>()] = it->second.as<std::string>();
    }
    if (p.workloads.empty() && p.images.empty() && p.crd_groups.empty() && p.webhooks.empty())
      problem(n, "product " + p.id + " has nothing to match (workloads, images, crd_groups, webhooks)");
    return p;
  }

  void releases(const YAML::Node& n, KubernetesReleases& out) {
    only_keys(n, {"supported_minors", "as_of", "kubelet_max_skew"}, "kubernetes");
    out.supported_minors = strings(n, "supported_minors", true);
    out.as_of = text(n, "as_of", true);
    std::string skew = text(n, "kubelet_max_skew", true);
    int v = 0;
    auto [p, ec] = std::from_chars(skew.data(), skew.data() + skew.size(), v);
    if (ec != std::errc() || p != skew.data() + skew.size() || v < 0)
      problem(n["kubelet_max_skew"], "kubelet_max_skew must be a whole number");
    else
      out.kubelet_max_skew = v;
  }

  void file(const YAML::Node& root, Catalog& cat, bool& saw_releases) {
    if (!root.IsMap()) {
      problem_at_file("a catalog file must be a map with 'sections', 'checks' or 'products'");
      return;
    }
    only_keys(root, {"sections", "checks", "products", "kubernetes"}, "catalog file");
    if (YAML::Node s = root["sections"]) {
      if (!s.IsSequence()) problem(s, "'sections' must be a list");
      else
        for (const auto& e : s) {
          if (!e.IsMap()) { problem(e, "a section must be a map with id and title"); continue; }
          only_keys(e, {"id", "title"}, "section");
          cat.sections.push_back({text(e, "id", true), text(e, "title", true)});
        }
    }
    if (YAML::Node c = root["checks"]) {
      if (!c.IsSequence()) problem(c, "'checks' must be a list");
      else
        for (const auto& e : c) {
          if (!e.IsMap()) { problem(e, "a check entry must be a map"); continue; }
          cat.entries.push_back(entry(e));
        }
    }
    if (YAML::Node p = root["products"]) {
      if (!p.IsSequence()) problem(p, "'products' must be a list");
      else
        for (const auto& e : p) {
          if (!e.IsMap()) { problem(e, "a product must be a map"); continue; }
          cat.products.push_back(product(e));
        }
    }
    if (YAML::Node k = root["kubernetes"]) {
      if (!k.IsMap()) problem(k, "'kubernetes' must be a map");
      else { releases(k, cat.releases); saw_releases = true; }
    }
  }

  std::vector<Problem>& problems() { return problems_; }

 private:
  std::string file_;
  std::vector<Problem> problems_;
};

// Dotted numeric parts compare as numbers; our own ids ("RMP-...") come after the benchmark's.
std::vector<std::pair<int, std::string>> order_key(std::string_view id) {
  std::vector<std::pair<int, std::string>> key;
  bool ours = !id.empty() && !std::isdigit(static_cast<unsigned char>(id[0]));
  key.emplace_back(ours ? 1 : 0, "");
  size_t i = 0;
  while (i < id.size()) {
    size_t j = i;
    while (j < id.size() && id[j] != '.' && id[j] != '-') ++j;
    std::string_view part = id.substr(i, j - i);
    int n = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
    if (ec == std::errc() && p == part.data() + part.size()) key.emplace_back(n, "");
    else key.emplace_back(-1, std::string(part));
    i = j + 1;
  }
  return key;
}

}  // namespace

bool check_order_less(std::string_view a, std::string_view b) { return order_key(a) < order_key(b); }

const CatalogEntry* Catalog::find(std::string_view id) const {
  for (const auto& e : entries)
    if (e.id == id) return &e;
  return nullptr;
}

const Section* Catalog::find_section(std::string_view id) const {
  for (const auto& s : sections)
    if (s.id == id) return &s;
  return nullptr;
}

Result<Catalog> load_catalog(const std::vector<CatalogSource>& files) {
  Catalog cat;
  std::vector<Problem> problems;
  bool saw_releases = false;
  for (const auto& f : files) {
    Reader reader(f.name);
    try {
      reader.file(YAML::Load(f.content), cat, saw_releases);
    } catch (const YAML::Exception& e) {
      reader.problems().push_back(
          {f.name + ":" + std::to_string(e.mark.line + 1), "invalid YAML: " + e.msg});
    }
    problems.insert(problems.end(), reader.problems().begin(), reader.problems().end());
  }
  std::set<std::string> ids, section_ids, product_ids;
  for (const auto& s : cat.sections)
    if (!section_ids.insert(s.id).second) problems.push_back({"catalog", "section " + s.id + " declared twice"});
  for (const auto& e : cat.entries) {
    std::string where = e.file + ":" + std::to_string(e.line);
    if (!e.id.empty() && !ids.insert(e.id).second) problems.push_back({where, "duplicate check id " + e.id});
    if (!e.section.empty() && !section_ids.count(e.section))
      problems.push_back({where, "check " + e.id + " names undeclared section " + e.section});
  }
  for (const auto& p : cat.products)
    if (!p.id.empty() && !product_ids.insert(p.id).second)
      problems.push_back({"catalog", "duplicate product id " + p.id});
  if (!files.empty() && !saw_releases) problems.push_back({"catalog", "no 'kubernetes' release data"});
  if (files.empty()) problems.push_back({"catalog", "no catalog files"});
  if (!problems.empty()) {
    std::string msg = problems.front().what;
    if (problems.size() > 1) msg += " (and " + std::to_string(problems.size() - 1) + " more problems)";
    return fail(ErrorKind::kParse, msg, problems.front().where);
  }
  std::stable_sort(cat.entries.begin(), cat.entries.end(),
                   [](const CatalogEntry& a, const CatalogEntry& b) { return check_order_less(a.id, b.id); });
  std::stable_sort(cat.sections.begin(), cat.sections.end(),
                   [](const Section& a, const Section& b) { return check_order_less(a.id, b.id); });
  std::sort(cat.products.begin(), cat.products.end(),
            [](const Product& a, const Product& b) { return a.id < b.id; });
  return cat;
}

Result<Catalog> load_embedded_catalog() {
  std::vector<CatalogSource> files;
  for (const auto& f : embedded_catalog()) files.push_back({std::string(f.name), std::string(f.content)});
  return load_catalog(files);
}

Result<Catalog> load_catalog_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fail(ErrorKind::kIo, "not a directory", dir);
  std::vector<fs::path> paths;
  for (const auto& de : fs::directory_iterator(dir, ec))
    if (de.path().extension() == ".yaml") paths.push_back(de.path());
  if (ec) return fail(ErrorKind::kIo, ec.message(), dir);
  std::sort(paths.begin(), paths.end());
  std::vector<CatalogSource> files;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return fail(ErrorKind::kIo, "cannot read", p.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    files.push_back({p.string(), ss.str()});
  }
  if (files.empty()) return fail(ErrorKind::kIo, "no *.yaml catalog files", dir);
  return load_catalog(files);
}

}  // namespace rampart::checks
