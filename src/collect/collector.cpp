#include "rampart/collect/collector.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "rampart/client/discovery.h"
#include "rampart/collect/api_calls.h"
#include "rampart/collect/control_plane.h"
#include "rampart/collect/parse.h"
#include "rampart/collect/whoami.h"

namespace rampart::collect {
namespace {

using client::PageHeader;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The most items reserved ahead from a server's remainingItemCount (a wrong or hostile count
// must not allocate gigabytes up front; beyond it the vector grows as usual).
constexpr size_t kMaxReserve = 1'000'000;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs the tasks on at most `parallelism` threads (the caller's thread is one of them).
void run_parallel(size_t parallelism, const std::vector<std::function<void()>>& tasks) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < tasks.size(); i = next++) tasks[i]();
  };
  size_t threads = std::clamp<size_t>(parallelism, 1, std::max<size_t>(tasks.size(), 1));
  std::vector<std::thread> pool;
  for (size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

CollectStatus::State state_for(const Error& e) {
  switch (e.kind) {
    case ErrorKind::kForbidden: return CollectStatus::State::kForbidden;
    case ErrorKind::kNotFound: return CollectStatus::State::kNotServed;
    default: return CollectStatus::State::kError;
  }
}

template <class T>
void sort_by_meta(std::vector<T>& v) {
  std::sort(v.begin(), v.end(), [](const T& a, const T& b) {
    return std::tie(a.meta.namespace_, a.meta.name) < std::tie(b.meta.namespace_, b.meta.name);
  });
}

// Secrets are only ever requested as a server-side Table: it carries name, type and key count
// but no values. There is deliberately no plain application/json fallback: a server that
// cannot produce a Table answers 406, and the secrets are recorded as an error instead of
// being fetched whole.
constexpr const char* kTableAccept =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io";
// CRDs carry whole OpenAPI schemas; their names are all rampart needs.
constexpr const char* kMetadataAccept =
    "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json";

class Collector {
 public:
  Collector(client::ApiClient& api, const CollectOptions& options) : api_(api), options_(options) {}

  Result<Inventory> run() {
    auto start = Clock::now();
    auto server = client::discover(api_);
    if (!server) {
      const Error& e = server.error();
      // /version is readable by everyone on a normal cluster; a 403/404 there is odd but not
      // fatal. Anything else (unreachable, TLS, rejected credential) is: nothing would work.
      if (e.kind != ErrorKind::kForbidden && e.kind != ErrorKind::kNotFound)
        return tl::unexpected(e);
      spdlog::warn("{}; continuing without the server version", e.describe());
    } else {
      server_ = *server;
    }
    inv_.scanner = whoami(api_, options_.claimed_identity);
    inv_.namespace_filter = options_.namespaces;
    inv_.excluded_namespaces = options_.excluded_namespaces;

    std::vector<std::function<void()>> tasks = {
        [this] { list_namespaces(); },
        [this] { list_into(ResourceType::kPods, inv_.pods, [](const json& j, const PageHeader&) { return parse_pod(j); }); },
        [this] { list_into(ResourceType::kSecrets, inv_.secrets, parse_secret_table_item, kTableAccept, "includeObject=Metadata"); },
        [this] { list_into(ResourceType::kServiceAccounts, inv_.service_accounts, [](const json& j, const PageHeader&) { return parse_service_account(j); }); },
        [this] { list_into(ResourceType::kRoles, inv_.roles, [](const json& j, const PageHeader&) { return parse_role(j, false); }); },
        [this] { list_into(ResourceType::kClusterRoles, inv_.roles, [](const json& j, const PageHeader&) { return parse_role(j, true); }); },
        [this] { list_into(ResourceType::kRoleBindings, inv_.bindings, [](const json& j, const PageHeader&) { return parse_binding(j, false); }); },
        [this] { list_into(ResourceType::kClusterRoleBindings, inv_.bindings, [](const json& j, const PageHeader&) { return parse_binding(j, true); }); },
        [this] { list_into(ResourceType::kNetworkPolicies, inv_.network_policies, [](const json& j, const PageHeader&) { return parse_network_policy(j); }); },
        [this] { list_into(ResourceType::kNodes, inv_.nodes, [](const json& j, const PageHeader&) { return parse_node(j); }); },
        [this] { list_into(ResourceType::kValidatingWebhooks, inv_.webhooks, [](const json& j, const PageHeader&) { return parse_webhook_configuration(j, false); }); },
        [this] { list_into(ResourceType::kMutatingWebhooks, inv_.webhooks, [](const json& j, const PageHeader&) { return parse_webhook_configuration(j, true); }); },
        [this] { list_into(ResourceType::kValidatingAdmissionPolicies, inv_.admission_policies, [](const json& j, const PageHeader&) { return parse_validating_admission_policy(j); }); },
        [this] { list_into(ResourceType::kValidatingAdmissionPolicyBindings, inv_.admission_policy_bindings, [](const json& j, const PageHeader&) { return parse_validating_admission_policy_binding(j); }); },
        [this] { list_into(ResourceType::kCertificateSigningRequests, inv_.csrs, [](const json& j, const PageHeader&) { return parse_certificate_signing_request(j); }); },
        [this] { list_into(ResourceType::kServices, inv_.services, [](const json& j, const PageHeader&) { return parse_service(j); }); },
        [this] { list_into(ResourceType::kDaemonSets, inv_.workloads, [](const json& j, const PageHeader&) { return parse_workload(j, "DaemonSet"); }); },
        [this] { list_into(ResourceType::kDeployments, inv_.workloads, [](const json& j, const PageHeader&) { return parse_workload(j, "Deployment"); }); },
        [this] { list_crds(); },
        [this] { read_kube_proxy_config(); },
    };
    run_parallel(options_.parallelism, guarded(tasks));
    if (options_.kubelet_config) read_kubelet_configs();
    finish();
    spdlog::info("collected the inventory of {} in {:.2f} s", api_.server(), seconds_since(start));
    return std::move(inv_);
  }

 private:
  static SecretMeta parse_secret_table_item(const json& row, const PageHeader& header) {
    return parse_secret_row(row, client::table_column(header, "Type"), client::table_column(header, "Data"));
  }

  // A task that throws (out of memory, a bug) must not take the process down from a thread.
  std::vector<std::function<void()>> guarded(const std::vector<std::function<void()>>& tasks) {
    std::vector<std::function<void()>> out;
    for (const auto& task : tasks)
      out.emplace_back([task] {
        try {
          task();
        } catch (const std::exception& e) {
          spdlog::error("internal error while collecting: {}", e.what());
        }
      });
    return out;
  }

  void record(ResourceType type, const CollectStatus& status) {
    if (status.ok())
      spdlog::info("{}: {} in {} page(s), {} bytes, {:.2f} s", to_string(type), status.count,
                   status.pages, status.bytes, status.seconds);
    else
      spdlog::warn("{}: {}: {}", to_string(type), to_string(status.state), status.error);
    std::lock_guard lock(mutex_);
    inv_.status[type] = status;
  }

  // Pages through one type (per namespace under --namespace). `parse` turns an item into T;
  // items outside the namespace scope are dropped before they are kept.
  template <class T, class Parse>
  void list_into(ResourceType type, std::vector<T>& dest, Parse parse,
                 const char* accept = "application/json", const char* query = "") {
    list_generic<T>(type, dest, accept, query, [&](const json& item, const PageHeader& header, std::vector<T>& out) {
      T value = parse(item, header);
      if (namespace_in_scope(options_, value.meta.namespace_)) out.push_back(std::move(value));
    });
  }

  template <class T>
  void list_generic(ResourceType type, std::vector<T>& dest, const char* accept, const char* query,
                    const std::function<void(const json&, const PageHeader&, std::vector<T>&)>& sink) {
    const ApiCall& call = api_call(type);
    CollectStatus status;
    auto start = Clock::now();
    if (!server_.serves(call.group_version())) {
      status.state = CollectStatus::State::kNotServed;
      status.error = call.group_version() + " is not served by this API server";
      record(type, status);
      return;
    }
    std::vector<std::string> scopes = {""};
    if (call.namespaced && !options_.namespaces.empty()) scopes = options_.namespaces;
    if (!call.object_namespace.empty()) {  // a list of one namespace (Services of default)
      if (!namespace_in_scope(options_, call.object_namespace)) {
        status.error = call.object_namespace + " is outside the namespace scope";
        record(type, status);
        return;
      }
      scopes = {call.object_namespace};
    }
    std::vector<T> collected;
    bool failed = false;
    for (const std::string& ns : scopes) {
      client::ListRequest request;
      request.path = call.list_path(ns);
      request.query = query;
      request.accept = accept;
      request.chunk_size = options_.chunk_size;
      request.what = "list " + call.resource_path() + (ns.empty() ? "" : " in namespace " + ns);
      std::vector<T> part;
      auto stats = api_.list(
          request,
          [&](const json& item, const PageHeader& header) {
            // Sized once from the server's count: growing a vector of large structs by
            // doubling would briefly hold it twice.
            if (part.empty() && part.capacity() == 0 && header.remaining_item_count)
              part.reserve(std::min<size_t>(static_cast<size_t>(std::max<int64_t>(*header.remaining_item_count, 0)) +
                                                options_.chunk_size, kMaxReserve));
            sink(item, header, part);
          },
          [&] { part.clear(); });
      if (!stats) {
        const Error& e = stats.error();
        if (!failed) {
          status.state = state_for(e);
          status.http_status = e.http_status;
          status.error = e.message;
          failed = true;
        }
        continue;
      }
      status.pages += stats->pages;
      status.bytes += stats->bytes;
      if (collected.empty()) collected = std::move(part);
      else std::move(part.begin(), part.end(), std::back_inserter(collected));
    }
    if (!failed) status.state = CollectStatus::State::kOk;
    status.count = collected.size();
    status.seconds = seconds_since(start);
    {
      std::lock_guard lock(mutex_);
      if (dest.empty()) dest = std::move(collected);
      else std::move(collected.begin(), collected.end(), std::back_inserter(dest));
    }
    record(type, status);
  }

  void list_namespaces() {
    list_generic<Namespace>(ResourceType::kNamespaces, inv_.namespaces, "application/json", "",
                            [this](const json& item, const PageHeader&, std::vector<Namespace>& out) {
                              Namespace ns = parse_namespace(item);
                              // The identity needs kube-system even when it is filtered out.
                              if (ns.meta.name == "kube-system") {
                                std::lock_guard lock(mutex_);
                                inv_.identity.kube_system_uid = ns.meta.uid;
                              }
                              if (namespace_in_scope(options_, ns.meta.name)) out.push_back(std::move(ns));
                            });
  }

  void list_crds() {
    list_generic<std::string>(ResourceType::kCustomResourceDefinitions, inv_.crds, kMetadataAccept, "",
                              [](const json& item, const PageHeader&, std::vector<std::string>& out) {
                                Meta meta = parse_meta(item.value("metadata", json::object()));
                                if (!meta.name.empty()) out.push_back(std::move(meta.name));
                              });
  }

  // GET the one ConfigMap kube-system/kube-proxy and keep only its config.conf (4.3.1 reads
  // metricsBindAddress there). Nothing else of the object is kept.
  void read_kube_proxy_config() {
    const ApiCall& call = api_call(ResourceType::kKubeProxyConfig);
    CollectStatus status;
    auto start = Clock::now();
    if (!namespace_in_scope(options_, call.object_namespace)) {
      status.error = call.object_namespace + " is outside the namespace scope";
      record(ResourceType::kKubeProxyConfig, status);
      return;
    }
    auto response = api_.get(call.object_path(), "get configmap " + call.object_namespace + "/" + call.object_name);
    status.seconds = seconds_since(start);
    if (!response) {
      const Error& e = response.error();
      status.state = state_for(e);
      status.http_status = e.http_status;
      status.error = e.message;
      record(ResourceType::kKubeProxyConfig, status);
      return;
    }
    status.pages = 1;
    status.bytes = response->body.size();
    json body = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    const json* conf = nullptr;
    if (body.is_object())
      if (auto data = body.find("data"); data != body.end() && data->is_object())
        if (auto it = data->find("config.conf"); it != data->end() && it->is_string()) conf = &*it;
    if (conf == nullptr) {
      status.state = CollectStatus::State::kError;
      status.error = "ConfigMap " + call.object_namespace + "/" + call.object_name + " has no config.conf key";
    } else {
      status.state = CollectStatus::State::kOk;
      status.count = 1;
      std::lock_guard lock(mutex_);
      inv_.kube_proxy_config = conf->get<std::string>();
    }
    record(ResourceType::kKubeProxyConfig, status);
  }

  // GET /api/v1/nodes/NAME/proxy/configz for every node, a few at a time.
  void read_kubelet_configs() {
    CollectStatus status;
    auto start = Clock::now();
    const CollectStatus& nodes = inv_.status_of(ResourceType::kNodes);
    if (!nodes.ok()) {
      status.state = CollectStatus::State::kError;
      status.error = "the node list could not be read: " + nodes.error;
      record(ResourceType::kKubeletConfig, status);
      return;
    }
    std::mutex stats_mutex;
    std::vector<std::function<void()>> tasks;
    for (Node& node : inv_.nodes)
      tasks.emplace_back([&, this] {
        std::string what = "get nodes/proxy configz of node " + node.meta.name;
        auto response = api_.get("/api/v1/nodes/" + client::url_encode(node.meta.name) + "/proxy/configz", what);
        KubeletConfig& k = node.kubelet;
        if (!response) {
          const Error& e = response.error();
          k.state = e.kind == ErrorKind::kForbidden ? KubeletConfig::State::kForbidden : KubeletConfig::State::kError;
          k.error = e.message;
          return;
        }
        {
          std::lock_guard lock(stats_mutex);
          ++status.pages;
          status.bytes += response->body.size();
        }
        json body = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
        auto it = body.is_object() ? body.find("kubeletconfig") : body.end();
        if (body.is_object() && it != body.end() && it->is_object()) {
          k.state = KubeletConfig::State::kOk;
          k.config = std::move(*it);
        } else {
          k.state = KubeletConfig::State::kError;
          k.error = "the configz answer of node " + node.meta.name + " holds no kubeletconfig object";
        }
      });
    run_parallel(options_.parallelism, guarded(tasks));

    size_t ok = 0, forbidden = 0, failed = 0;
    std::string first_error;
    for (const Node& node : inv_.nodes) {
      switch (node.kubelet.state) {
        case KubeletConfig::State::kOk: ++ok; break;
        case KubeletConfig::State::kForbidden: ++forbidden; break;
        default: ++failed; break;
      }
      if (first_error.empty() && !node.kubelet.error.empty()) first_error = node.kubelet.error;
    }
    status.count = ok;
    status.seconds = seconds_since(start);
    if (forbidden > 0) {
      status.state = CollectStatus::State::kForbidden;
      status.http_status = 403;
      status.error = first_error;
    } else if (failed > 0) {
      status.state = CollectStatus::State::kError;
      status.error = std::to_string(failed) + " of " + std::to_string(inv_.nodes.size()) +
                     " node(s) unreadable, first: " + first_error;
    } else {
      status.state = CollectStatus::State::kOk;
    }
    record(ResourceType::kKubeletConfig, status);
  }

  void finish() {
    sort_by_meta(inv_.namespaces);
    sort_by_meta(inv_.pods);
    sort_by_meta(inv_.service_accounts);
    sort_by_meta(inv_.network_policies);
    sort_by_meta(inv_.secrets);
    sort_by_meta(inv_.nodes);
    sort_by_meta(inv_.admission_policies);
    sort_by_meta(inv_.admission_policy_bindings);
    sort_by_meta(inv_.csrs);
    sort_by_meta(inv_.services);
    auto by_scope_then_meta = [](const auto& a, const auto& b) {
      return std::tie(b.cluster_scoped, a.meta.namespace_, a.meta.name) <
             std::tie(a.cluster_scoped, b.meta.namespace_, b.meta.name);
    };
    std::sort(inv_.roles.begin(), inv_.roles.end(), by_scope_then_meta);
    std::sort(inv_.bindings.begin(), inv_.bindings.end(), by_scope_then_meta);
    std::sort(inv_.webhooks.begin(), inv_.webhooks.end(), [](const auto& a, const auto& b) {
      return std::tie(a.mutating, a.meta.name) < std::tie(b.mutating, b.meta.name);
    });
    std::sort(inv_.workloads.begin(), inv_.workloads.end(), [](const auto& a, const auto& b) {
      return std::tie(a.meta.namespace_, a.meta.name, a.kind) < std::tie(b.meta.namespace_, b.meta.name, b.kind);
    });
    std::sort(inv_.crds.begin(), inv_.crds.end());

    if (inv_.status_of(ResourceType::kPods).ok() && !namespace_in_scope(options_, "kube-system"))
      spdlog::warn("kube-system is outside the namespace scope: control-plane components are not read");
    inv_.control_plane = find_control_plane(inv_.pods);

    ClusterIdentity& id = inv_.identity;
    id.server = api_.server();
    id.context = options_.context;
    id.git_version = server_.git_version;
    id.major = server_.major;
    id.minor = server_.minor;
    id.platform = server_.platform;
    id.api_group_versions = server_.group_versions;
  }

  client::ApiClient& api_;
  const CollectOptions& options_;
  client::ServerInfo server_;
  Inventory inv_;
  std::mutex mutex_;  // guards inv_ while lists run in parallel
};

}  // namespace

bool namespace_in_scope(const CollectOptions& options, const std::string& ns) {
  if (ns.empty()) return true;
  const auto& only = options.namespaces;
  if (!only.empty() && std::find(only.begin(), only.end(), ns) == only.end()) return false;
  const auto& excluded = options.excluded_namespaces;
  return std::find(excluded.begin(), excluded.end(), ns) == excluded.end();
}

Result<Inventory> collect(client::ApiClient& api, const CollectOptions& options) {
  return Collector(api, options).run();
}

}  // namespace rampart::collect
