// kubectl's loading rules (client-go clientcmd.ClientConfigLoadingRules.Load): which files are
// read and how they merge.
#include <set>
#include <sstream>

#include "rampart/config/files.h"
#include "rampart/config/kubeconfig.h"

namespace rampart::config {
namespace {

// Maps merge entry by entry: the first file to define a name keeps it whole, even fields the
// later file sets and the first does not.
template <class Entry>
void merge_first_wins(std::map<std::string, Entry>& into, std::map<std::string, Entry>& from) {
  for (auto& [name, entry] : from) into.emplace(name, std::move(entry));
}

}  // namespace

KubeconfigFiles kubeconfig_files(const std::string& explicit_path, const std::string& kubeconfig_env,
                                 const std::string& home) {
  KubeconfigFiles files;
  if (!explicit_path.empty()) {
    files.paths.push_back(explicit_path);
    files.explicit_path = true;
    files.origin = "--kubeconfig";
    return files;
  }
  if (!kubeconfig_env.empty()) {
    files.origin = "KUBECONFIG";
    std::set<std::string> seen;
    std::stringstream list(kubeconfig_env);
    std::string item;
    // getline drops a trailing empty entry; empty entries are skipped anyway.
    while (std::getline(list, item, ':')) {
      if (item.empty() || !seen.insert(item).second) continue;
      files.paths.push_back(item);
    }
    return files;
  }
  files.origin = "default";
  if (!home.empty()) files.paths.push_back(home + "/.kube/config");
  return files;
}

Result<Kubeconfig> read_kubeconfig(const KubeconfigFiles& files) {
  Kubeconfig merged;
  for (const std::string& path : files.paths) {
    if (!path_exists(path)) {
      if (files.explicit_path)
        return fail(ErrorKind::kConfig, "kubeconfig file does not exist (--kubeconfig)", path);
      merged.missing.push_back(path);
      continue;
    }
    auto text = read_local_file(path, "kubeconfig");
    if (!text) return tl::unexpected(text.error());
    auto one = parse_kubeconfig(*text, path);
    if (!one) return tl::unexpected(one.error());
    merge_first_wins(merged.clusters, one->clusters);
    merge_first_wins(merged.users, one->users);
    merge_first_wins(merged.contexts, one->contexts);
    if (merged.current_context.empty() && !one->current_context.empty()) {
      merged.current_context = one->current_context;
      merged.current_context_origin = one->current_context_origin;
    }
    merged.files.push_back(path);
  }
  return merged;
}

}  // namespace rampart::config
