#pragma once
// A tiny in-memory API server for collector tests: serves /version, /api, /apis, paged lists
// (limit/continue, namespaced paths filtered by metadata.namespace), the secrets Table,
// nodes/NAME/proxy/configz and single objects by path. Tests override single paths to inject 403, 404, 410 or 5xx.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fake_transport.h"

namespace rampart::testing {

class FakeCluster {
 public:
  /// Items per list path ("/api/v1/pods", "/apis/apps/v1/deployments").
  std::map<std::string, std::vector<nlohmann::json>> lists;
  /// configz answers per node name.
  std::map<std::string, client::Response> configz;
  /// Single objects by path ("/api/v1/namespaces/kube-system/configmaps/kube-proxy").
  std::map<std::string, nlohmann::json> objects;
  /// status.userInfo a SelfSubjectReview answers with; unset = not served (404), as before 1.28.
  std::optional<nlohmann::json> user_info;
  /// Called first; an answer replaces the normal one (fault injection).
  std::function<std::optional<client::Response>(const client::Request&)> intercept;
  std::vector<std::string> group_versions = {"v1",
                                             "apps/v1",
                                             "rbac.authorization.k8s.io/v1",
                                             "networking.k8s.io/v1",
                                             "admissionregistration.k8s.io/v1",
                                             "apiextensions.k8s.io/v1",
                                             "certificates.k8s.io/v1",
                                             "authorization.k8s.io/v1"};

  client::Response serve(const client::Request& r) const {
    if (intercept)
      if (auto answer = intercept(r)) return *answer;
    std::string path = r.path.substr(0, r.path.find('?'));
    std::map<std::string, std::string> query = parse_query(r.path);
    if (path == "/apis/authentication.k8s.io/v1/selfsubjectreviews" && r.method == "POST" && user_info) {
      nlohmann::json review = nlohmann::json::parse(r.body);
      review["status"] = {{"userInfo", *user_info}};
      return json_response(201, review);
    }
    if (path == "/version")
      return json_response(200, {{"major", "1"}, {"minor", "32"}, {"gitVersion", "v1.32.4"},
                                 {"platform", "linux/amd64"}});
    if (path == "/api") return json_response(200, {{"kind", "APIVersions"}, {"versions", {"v1"}}});
    if (path == "/apis") {
      nlohmann::json groups = nlohmann::json::array();
      for (const auto& gv : group_versions)
        if (gv != "v1")
          groups.push_back({{"name", gv.substr(0, gv.find('/'))}, {"versions", {{{"groupVersion", gv}}}}});
      return json_response(200, {{"kind", "APIGroupList"}, {"groups", groups}});
    }
    if (path.starts_with("/api/v1/nodes/") && path.ends_with("/proxy/configz")) {
      std::string node = path.substr(14, path.size() - 14 - 14);
      auto it = configz.find(node);
      if (it != configz.end()) return it->second;
      return status_response(503, "ServiceUnavailable", "no kubelet for node " + node);
    }
    if (auto it = objects.find(path); it != objects.end()) return json_response(200, it->second);
    // Namespaced list: /api/v1/namespaces/NS/pods -> the cluster-wide list filtered.
    std::string list_path = path;
    std::string ns;
    if (auto pos = path.find("/namespaces/"); pos != std::string::npos) {
      auto rest = path.substr(pos + 12);
      auto slash = rest.find('/');
      if (slash != std::string::npos) {
        ns = rest.substr(0, slash);
        list_path = path.substr(0, pos) + rest.substr(slash);
      }
    }
    auto it = lists.find(list_path);
    if (it == lists.end())
      return status_response(404, "NotFound", "the server could not find the requested resource");
    std::vector<const nlohmann::json*> items;
    for (const auto& item : it->second)
      if (ns.empty() || item["metadata"].value("namespace", "") == ns) items.push_back(&item);
    size_t offset = query.count("continue") ? std::stoul(query["continue"].substr(1)) : 0;
    size_t limit = query.count("limit") ? std::stoul(query["limit"]) : items.size();
    size_t end = std::min(items.size(), offset + limit);
    std::string next = end < items.size() ? "c" + std::to_string(end) : "";
    bool table = r.accept.find("as=Table") != std::string::npos;
    nlohmann::json page = {{"metadata", {{"resourceVersion", "100"}, {"continue", next}}}};
    if (table) {
      page["kind"] = "Table";
      page["columnDefinitions"] = {{{"name", "Name"}}, {{"name", "Type"}}, {{"name", "Data"}}, {{"name", "Age"}}};
      page["rows"] = nlohmann::json::array();
      for (size_t i = offset; i < end; ++i) {
        const nlohmann::json& s = *items[i];
        nlohmann::json meta = {{"kind", "PartialObjectMetadata"}, {"metadata", s["metadata"]}};
        page["rows"].push_back({{"cells", {s["metadata"]["name"], s.value("type", "Opaque"),
                                           s.value("data", nlohmann::json::object()).size(), "1d"}},
                                {"object", meta}});
      }
    } else {
      page["kind"] = "List";
      page["items"] = nlohmann::json::array();
      for (size_t i = offset; i < end; ++i) page["items"].push_back(*items[i]);
    }
    return json_response(200, page);
  }

  static std::map<std::string, std::string> parse_query(const std::string& path) {
    std::map<std::string, std::string> out;
    auto q = path.find('?');
    if (q == std::string::npos) return out;
    std::string rest = path.substr(q + 1);
    size_t start = 0;
    while (start <= rest.size()) {
      size_t amp = rest.find('&', start);
      std::string kv = rest.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      auto eq = kv.find('=');
      if (eq != std::string::npos) out[kv.substr(0, eq)] = kv.substr(eq + 1);
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
    return out;
  }
};

/// A minimal object with metadata.
inline nlohmann::json object(const std::string& kind, const std::string& ns, const std::string& name) {
  nlohmann::json meta = {{"name", name}, {"uid", "uid-" + ns + "-" + name}};
  if (!ns.empty()) meta["namespace"] = ns;
  return {{"kind", kind}, {"metadata", meta}};
}

}  // namespace rampart::testing
