#include "rampart/client/discovery.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace rampart::client {
namespace {

std::string string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool ServerInfo::serves(const std::string& group_version) const {
  if (!groups_known) return true;
  return std::binary_search(group_versions.begin(), group_versions.end(), group_version);
}

void apply_version(const nlohmann::json& version, ServerInfo& info) {
  if (!version.is_object()) return;
  info.git_version = string_field(version, "gitVersion");
  info.major = string_field(version, "major");
  info.minor = string_field(version, "minor");
  info.platform = string_field(version, "platform");
}

void apply_group_list(const nlohmann::json& list, ServerInfo& info) {
  if (!list.is_object()) return;
  // /api: {"kind":"APIVersions","versions":["v1"]}
  if (auto it = list.find("versions"); it != list.end() && it->is_array())
    for (const auto& v : *it)
      if (v.is_string()) info.group_versions.push_back(v.get<std::string>());
  // /apis: {"kind":"APIGroupList","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1"}]}]}
  if (auto it = list.find("groups"); it != list.end() && it->is_array())
    for (const auto& g : *it) {
      if (!g.is_object()) continue;
      auto versions = g.find("versions");
      if (versions == g.end() || !versions->is_array()) continue;
      for (const auto& v : *versions) {
        std::string gv = v.is_object() ? string_field(v, "groupVersion") : std::string();
        if (!gv.empty()) info.group_versions.push_back(gv);
      }
    }
  std::sort(info.group_versions.begin(), info.group_versions.end());
  info.group_versions.erase(std::unique(info.group_versions.begin(), info.group_versions.end()),
                            info.group_versions.end());
}

Result<ServerInfo> discover(ApiClient& api) {
  ServerInfo info;
  auto version = api.get_json("/version", "get /version");
  if (!version) return tl::unexpected(version.error());
  apply_version(*version, info);
  bool ok = true;
  for (const char* path : {"/api", "/apis"}) {
    auto list = api.get_json(path, std::string("get ") + path);
    if (!list) {
      spdlog::warn("discovery: {}; every resource type will be tried", list.error().describe());
      ok = false;
      continue;
    }
    apply_group_list(*list, info);
  }
  info.groups_known = ok;
  return info;
}

}  // namespace rampart::client
