// load(): kubectl's DeferredLoadingClientConfig in one function. Read and merge the kubeconfig
// files, fall back to the in-cluster service account when there is no kubeconfig at all, pick
// the context, check it as kubectl's ConfirmUsable does, and resolve cluster and user.
#include "rampart/config/load.h"

#include <algorithm>
#include <set>

#include "rampart/config/environment.h"
#include "rampart/config/in_cluster.h"
#include "rampart/config/kubeconfig.h"
#include "resolve.h"

namespace rampart::config {
namespace {

constexpr std::size_t kMaxNamesInMessage = 8;

std::string join_files(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) out += (out.empty() ? "" : ":") + f;
  return out;
}

std::string known_contexts(const Kubeconfig& kc) {
  if (kc.contexts.empty()) return "the kubeconfig defines no contexts";
  std::string out = "known contexts: ";
  std::size_t n = 0;
  for (const auto& [name, _] : kc.contexts) {
    if (n == kMaxNamesInMessage) {
      out += ", ...";
      break;
    }
    out += (n++ ? ", " : "") + name;
  }
  return out;
}

struct Loaded {
  Environment env;
  KubeconfigFiles files;
  Kubeconfig kubeconfig;
};

Result<Loaded> read_all(const LoadOptions& options) {
  Loaded loaded;
  loaded.env = options.env ? Environment{*options.env} : Environment::from_process();
  std::string kubeconfig_env = options.kubeconfig_env ? *options.kubeconfig_env : loaded.env.get("KUBECONFIG");
  std::string home = options.home ? *options.home : loaded.env.get("HOME");
  loaded.files = kubeconfig_files(options.kubeconfig, kubeconfig_env, home);
  auto kc = read_kubeconfig(loaded.files);
  if (!kc) return tl::unexpected(kc.error());
  loaded.kubeconfig = std::move(*kc);
  return loaded;
}

Error no_kubeconfig(const Loaded& loaded) {
  const KubeconfigFiles& f = loaded.files;
  std::string message;
  if (f.origin == "KUBECONFIG" && loaded.kubeconfig.files.empty()) {
    message = "no kubeconfig found: none of the files in KUBECONFIG exist (" + join_files(f.paths) + ")";
  } else if (f.origin == "default" && loaded.kubeconfig.files.empty()) {
    message = f.paths.empty() ? "no kubeconfig found: HOME is not set and KUBECONFIG is empty"
                              : "no kubeconfig found: \"" + f.paths.front() + "\" does not exist";
  } else {
    message = "the kubeconfig is empty (" + join_files(loaded.kubeconfig.files) + ")";
  }
  message += "; use --kubeconfig, KUBECONFIG, or --in-cluster inside a pod";
  return Error{ErrorKind::kConfig, message, {}, 0};
}

Result<RestConfig> resolve(const Loaded& loaded, const LoadOptions& options) {
  const Kubeconfig& kc = loaded.kubeconfig;
  const std::string files = join_files(kc.files);
  const std::string name = options.context.empty() ? kc.current_context : options.context;
  if (name.empty())
    return fail(ErrorKind::kConfig, "no current-context is set and --context was not given (" +
                                        known_contexts(kc) + ")", files);
  auto ctx_it = kc.contexts.find(name);
  if (ctx_it == kc.contexts.end()) {
    if (!options.context.empty())
      return fail(ErrorKind::kConfig, "context \"" + name + "\" does not exist (" + known_contexts(kc) + ")",
                  files);
    return fail(ErrorKind::kConfig,
                "current-context \"" + name + "\" does not exist (" + known_contexts(kc) + ")",
                kc.current_context_origin.describe());
  }
  const ContextEntry& ctx = ctx_it->second;
  const std::string at = ctx.origin.describe();
  const std::string where = "context \"" + name + "\"";
  if (ctx.cluster.empty()) return fail(ErrorKind::kConfig, where + " names no cluster", at);
  if (ctx.user.empty()) return fail(ErrorKind::kConfig, where + " names no user", at);
  auto cluster_it = kc.clusters.find(ctx.cluster);
  if (cluster_it == kc.clusters.end())
    return fail(ErrorKind::kConfig, where + " names cluster \"" + ctx.cluster + "\", which does not exist", at);
  auto user_it = kc.users.find(ctx.user);
  if (user_it == kc.users.end())
    return fail(ErrorKind::kConfig, where + " names user \"" + ctx.user + "\", which does not exist", at);
  // The namespace is informational here; kubectl does not check it either (only the API
  // server would, on a namespaced request).

  RestConfig config;
  config.context = name;
  config.cluster_name = ctx.cluster;
  config.user_name = ctx.user;
  config.namespace_ = ctx.namespace_.empty() ? "default" : ctx.namespace_;
  std::vector<std::string> sources;
  for (const auto* f : {&ctx.origin.file, &cluster_it->second.origin.file, &user_it->second.origin.file})
    if (std::find(sources.begin(), sources.end(), *f) == sources.end()) sources.push_back(*f);
  config.source = join_files(sources);

  bool tls = false;
  if (auto ok = detail::resolve_cluster(ctx.cluster, cluster_it->second, config, tls); !ok)
    return tl::unexpected(ok.error());
  auto credentials = detail::resolve_user(ctx.user, user_it->second, cluster_it->second, config, tls,
                                          options, loaded.env);
  if (!credentials) return tl::unexpected(credentials.error());
  config.credentials = std::move(*credentials);
  return config;
}

}  // namespace

// RAMPART_SERVICE_ACCOUNT_DIR moves the mount (tests, or a token projected elsewhere).
static std::string in_cluster_root(const LoadOptions& options, const Environment& env) {
  std::string dir = env.get("RAMPART_SERVICE_ACCOUNT_DIR");
  return dir.empty() ? options.in_cluster_root : dir;
}

Result<RestConfig> load(const LoadOptions& options) {
  if (options.in_cluster) {
    if (!options.kubeconfig.empty())
      return fail(ErrorKind::kUsage, "--in-cluster and --kubeconfig cannot be used together");
    if (!options.context.empty())
      return fail(ErrorKind::kUsage, "--in-cluster and --context cannot be used together");
    Environment env = options.env ? Environment{*options.env} : Environment::from_process();
    return load_in_cluster(in_cluster_root(options, env), env, options.clock);
  }
  auto loaded = read_all(options);
  if (!loaded) return tl::unexpected(loaded.error());
  if (loaded->kubeconfig.empty()) {
    // kubectl uses the in-cluster config when the kubeconfig is empty or absent and the pod's
    // environment is there; an explicit --context means the user expected a kubeconfig.
    if (options.context.empty() && in_cluster_env_present(loaded->env))
      return load_in_cluster(in_cluster_root(options, loaded->env), loaded->env, options.clock);
    if (!options.context.empty() && !loaded->kubeconfig.files.empty())
      return resolve(*loaded, options);
    return tl::unexpected(no_kubeconfig(*loaded));
  }
  return resolve(*loaded, options);
}

Result<std::vector<std::string>> list_contexts(const LoadOptions& options) {
  auto loaded = read_all(options);
  if (!loaded) return tl::unexpected(loaded.error());
  if (loaded->kubeconfig.files.empty()) return tl::unexpected(no_kubeconfig(*loaded));
  std::vector<std::string> names;
  for (const auto& [name, _] : loaded->kubeconfig.contexts) names.push_back(name);
  return names;  // std::map keeps them sorted
}

}  // namespace rampart::config
