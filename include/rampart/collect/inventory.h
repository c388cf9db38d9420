#pragma once
// The Inventory: everything rampart read from the cluster, as compact value types.
// Built by collect/, read by rbac/, probe/ (target discovery) and checks/. It never holds the
// raw JSON of a list and never holds a secret value: Secret objects exist here only as
// SecretMeta, and annotations that can carry values are dropped while pages are parsed.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace rampart::collect {

using StringMap = std::map<std::string, std::string>;

/// An object's identity as reports print it.
struct ObjectRef {
  std::string kind;       ///< "Pod", "ClusterRole", "Node", ...
  std::string namespace_; ///< empty for cluster-scoped objects
  std::string name;
  bool operator==(const ObjectRef&) const = default;
  auto operator<=>(const ObjectRef&) const = default;
};

struct OwnerRef {
  std::string kind;
  std::string name;
  bool controller = false;
  bool operator==(const OwnerRef&) const = default;
};

/// The parts of ObjectMeta rampart keeps. Annotations are filtered by parse.h before they get
/// here (kubectl.kubernetes.io/last-applied-configuration is always dropped).
struct Meta {
  std::string name;
  std::string namespace_;
  std::string uid;
  std::string creation_timestamp;  ///< RFC 3339 as served
  StringMap labels;
  StringMap annotations;
  std::vector<OwnerRef> owners;
  bool operator==(const Meta&) const = default;
};

// ---------------------------------------------------------------- selectors

struct LabelSelectorRequirement {
  std::string key;
  std::string op;  ///< In, NotIn, Exists, DoesNotExist
  std::vector<std::string> values;
  bool operator==(const LabelSelectorRequirement&) const = default;
};

/// metav1.LabelSelector. An empty selector (no labels, no expressions) selects everything.
struct LabelSelector {
  StringMap match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;
  bool operator==(const LabelSelector&) const = default;
  [[nodiscard]] bool empty() const { return match_labels.empty() && match_expressions.empty(); }
  /// Kubernetes selector semantics.
  [[nodiscard]] bool matches(const StringMap& labels) const;
};

// ---------------------------------------------------------------- namespaces

struct Namespace {
  Meta meta;
  std::string phase;  ///< Active, Terminating
  bool operator==(const Namespace&) const = default;
};

// ---------------------------------------------------------------- pods

struct Capabilities {
  std::vector<std::string> add;   ///< as written in the spec (normalisation is the checks' job)
  std::vector<std::string> drop;
  bool operator==(const Capabilities&) const = default;
};

struct SeLinuxOptions {
  std::string user, role, type, level;
  bool operator==(const SeLinuxOptions&) const = default;
};

/// Fields shared by pod-level and container-level securityContext. Every field is optional:
/// "unset" and "false" mean different things to Pod Security Standards.
struct SecurityContext {
  std::optional<bool> privileged;                ///< container only
  std::optional<bool> allow_privilege_escalation;///< container only
  std::optional<bool> read_only_root_filesystem; ///< container only
  std::optional<bool> run_as_non_root;
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::optional<Capabilities> capabilities;     ///< container only
  std::optional<std::string> seccomp_type;      ///< RuntimeDefault, Localhost, Unconfined
  std::optional<std::string> seccomp_localhost_profile;
  std::optional<std::string> apparmor_type;     ///< RuntimeDefault, Localhost, Unconfined
  std::optional<SeLinuxOptions> se_linux;
  std::optional<std::string> proc_mount;        ///< container only: Default, Unmasked
  std::optional<bool> windows_host_process;
  std::vector<std::pair<std::string, std::string>> sysctls;  ///< pod only: name, value
  bool operator==(const SecurityContext&) const = default;
};

/// A Secret a container consumes through its environment. Names only, never values.
struct SecretEnvRef {
  std::string secret;  ///< Secret name
  std::string key;     ///< key for secretKeyRef; empty for envFrom
  std::string env;     ///< env var name for secretKeyRef; envFrom prefix otherwise
  bool operator==(const SecretEnvRef&) const = default;
};

struct ContainerPort {
  int32_t container_port = 0;
  int32_t host_port = 0;
  std::string protocol;
  bool operator==(const ContainerPort&) const = default;
};

enum class ContainerKind { kInit, kRegular, kEphemeral };

struct Container {
  ContainerKind kind = ContainerKind::kRegular;
  std::string name;
  std::string image;
  std::string image_pull_policy;
  SecurityContext security_context;
  std::vector<ContainerPort> ports;
  std::vector<SecretEnvRef> secret_env;       ///< env[].valueFrom.secretKeyRef and envFrom[].secretRef
  std::vector<std::string> probe_hosts;       ///< non-empty host fields of probes/lifecycle handlers
  std::vector<std::string> command;           ///< command then args (kept: flags for kube-proxy etc.)
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> plain_env;  ///< literal env values, only for
                                                               ///< control-plane mirror pods
  std::vector<std::string> unresolved_env;  ///< env names set through valueFrom, mirror pods only
  bool operator==(const Container&) const = default;
};

struct Volume {
  std::string name;
  std::string type;        ///< the volume source key: hostPath, secret, projected, emptyDir, ...
  std::string host_path;   ///< for hostPath
  std::string secret_name; ///< for secret volumes
  bool operator==(const Volume&) const = default;
};

struct Pod {
  Meta meta;
  std::string node_name;
  std::string service_account;  ///< spec.serviceAccountName ("default" when unset)
  std::optional<bool> automount_service_account_token;
  bool host_pid = false;
  bool host_ipc = false;
  bool host_network = false;
  std::optional<bool> host_users;
  std::string os_name;          ///< spec.os.name when set
  std::string runtime_class;
  SecurityContext security_context;  ///< pod level
  std::vector<Container> containers; ///< init, regular and ephemeral, tagged by kind
  std::vector<Volume> volumes;
  std::string phase;
  std::string host_ip;
  std::vector<std::string> pod_ips;
  /// Static pod mirrored by the kubelet (annotation kubernetes.io/config.mirror or a Node
  /// owner). Static pods bypass admission, so pod-security checks treat them apart.
  bool mirror = false;
  bool operator==(const Pod&) const = default;
};

// ---------------------------------------------------------------- identities and RBAC

struct ServiceAccount {
  Meta meta;
  std::optional<bool> automount_service_account_token;
  std::vector<std::string> secrets;           ///< names listed in .secrets
  std::vector<std::string> image_pull_secrets;
  bool operator==(const ServiceAccount&) const = default;
};

struct PolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;
  std::vector<std::string> non_resource_urls;
  bool operator==(const PolicyRule&) const = default;
};

/// A Role (namespaced) or a ClusterRole (cluster_scoped, namespace_ empty).
struct Role {
  Meta meta;
  bool cluster_scoped = false;
  std::vector<PolicyRule> rules;  ///< as published; aggregated ClusterRoles already filled
  std::vector<LabelSelector> aggregation_selectors;  ///< aggregationRule.clusterRoleSelectors
  bool operator==(const Role&) const = default;
};

struct Subject {
  std::string kind;  ///< User, Group, ServiceAccount
  std::string name;
  std::string namespace_;  ///< ServiceAccount only
  std::string api_group;
  bool operator==(const Subject&) const = default;
};

struct RoleRef {
  std::string kind;  ///< Role or ClusterRole
  std::string name;
  std::string api_group;
  bool operator==(const RoleRef&) const = default;
};

/// A RoleBinding (namespaced) or a ClusterRoleBinding (cluster_scoped).
struct Binding {
  Meta meta;
  bool cluster_scoped = false;
  RoleRef role_ref;
  std::vector<Subject> subjects;
  bool operator==(const Binding&) const = default;
};

// ---------------------------------------------------------------- network policies

struct IpBlock {
  std::string cidr;
  std::vector<std::string> except;
  bool operator==(const IpBlock&) const = default;
};

struct NetworkPolicyPeer {
  std::optional<LabelSelector> pod_selector;
  std::optional<LabelSelector> namespace_selector;
  std::optional<IpBlock> ip_block;
  bool operator==(const NetworkPolicyPeer&) const = default;
};

struct NetworkPolicyPort {
  std::string protocol;
  std::string port;  ///< number or name, as written; empty = all ports
  std::optional<int32_t> end_port;
  bool operator==(const NetworkPolicyPort&) const = default;
};

/// One ingress or egress rule. No peers = all peers; no ports = all ports.
struct NetworkPolicyRule {
  std::vector<NetworkPolicyPeer> peers;
  std::vector<NetworkPolicyPort> ports;
  bool operator==(const NetworkPolicyRule&) const = default;
};

struct NetworkPolicy {
  Meta meta;
  LabelSelector pod_selector;
  std::vector<std::string> policy_types;  ///< effective: Ingress and/or Egress (defaulted)
  std::vector<NetworkPolicyRule> ingress;
  std::vector<NetworkPolicyRule> egress;
  bool operator==(const NetworkPolicy&) const = default;
};

// ---------------------------------------------------------------- secrets (metadata only)

/// A Secret without its data. key_count comes from the Table view's "Data" column, when the
/// server offers it; annotations keep only keys known to hold no values.
struct SecretMeta {
  Meta meta;
  std::string type;
  std::optional<int64_t> key_count;
  bool operator==(const SecretMeta&) const = default;
};

// ---------------------------------------------------------------- nodes

struct NodeAddress {
  std::string type;  ///< InternalIP, ExternalIP, Hostname, ...
  std::string address;
  bool operator==(const NodeAddress&) const = default;
};

/// Outcome of reading one node's kubelet configuration through nodes/NAME/proxy/configz.
struct KubeletConfig {
  enum class State { kNotRequested, kOk, kForbidden, kError };
  State state = State::kNotRequested;
  std::string error;     ///< why it could not be read (HTTP status, Status message, timeout)
  nlohmann::json config; ///< the "kubeletconfig" object when state == kOk
  bool operator==(const KubeletConfig&) const = default;
};

struct Taint {
  std::string key, value, effect;
  bool operator==(const Taint&) const = default;
};

struct Node {
  Meta meta;
  std::vector<NodeAddress> addresses;
  int32_t kubelet_port = 10250;  ///< status.daemonEndpoints.kubeletEndpoint.Port
  std::string kubelet_version;   ///< status.nodeInfo.kubeletVersion
  std::string kube_proxy_version;
  std::string container_runtime;
  std::string os_image;
  std::string kernel_version;
  std::string operating_system;
  std::string architecture;
  bool ready = false;
  bool unschedulable = false;
  std::vector<Taint> taints;
  bool control_plane = false;  ///< label node-role.kubernetes.io/control-plane or /master
  KubeletConfig kubelet;
  bool operator==(const Node&) const = default;
};

// ---------------------------------------------------------------- control plane

/// A parsed command line. Values stay as written; a flag given twice keeps both values in
/// order (list flags merge them, scalar flags take the last: see flags.h).
struct Flags {
  std::vector<std::pair<std::string, std::string>> entries;  ///< name (no dashes), value
  std::vector<std::string> positional;
  bool operator==(const Flags&) const = default;

  // Readers (src/collect/flags.cpp). Names are given without dashes: "anonymous-auth".
  /// Whether the flag was given at all.
  [[nodiscard]] bool has(std::string_view name) const;
  /// The last value given (scalar flags: the last one wins); nullopt when absent.
  [[nodiscard]] std::optional<std::string> last(std::string_view name) const;
  /// Every value given, comma lists split and trimmed, empty items dropped, in order
  /// (list flags such as --enable-admission-plugins merge across repetitions).
  [[nodiscard]] std::vector<std::string> all(std::string_view name) const;
  /// The last value as Go strconv.ParseBool reads it; nullopt when absent or not a boolean
  /// (has() tells the two apart).
  [[nodiscard]] std::optional<bool> bool_value(std::string_view name) const;
};

/// kube-apiserver, kube-controller-manager, kube-scheduler or etcd, from its mirror pod.
struct ControlPlaneComponent {
  std::string component;  ///< "kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"
  ObjectRef pod;
  std::string node_name;
  std::string host_ip;
  std::string container;              ///< container the flags came from
  std::vector<std::string> argv;      ///< command followed by args
  Flags flags;
  std::vector<std::pair<std::string, std::string>> env;  ///< literal env (etcd's ETCD_* forms)
  std::vector<std::string> env_unresolved;                ///< env names set through valueFrom
  bool mirror = false;
  bool operator==(const ControlPlaneComponent&) const = default;
};

// ---------------------------------------------------------------- admission

/// A webhook's RuleWithOperations, or an admission policy's NamedRuleWithOperations (which adds
/// resourceNames: a rule naming objects covers only those).
struct WebhookRule {
  std::vector<std::string> operations;
  std::vector<std::string> api_groups;
  std::vector<std::string> api_versions;
  std::vector<std::string> resources;
  std::string scope;
  std::vector<std::string> resource_names;  ///< admission policies only
  bool operator==(const WebhookRule&) const = default;
};

struct Webhook {
  std::string name;
  std::string failure_policy;  ///< Fail or Ignore (defaulted to Fail when absent)
  std::vector<WebhookRule> rules;
  std::optional<LabelSelector> namespace_selector;
  std::optional<LabelSelector> object_selector;
  std::string service;  ///< "namespace/name" when clientConfig.service is used
  std::string url;      ///< when clientConfig.url is used
  bool operator==(const Webhook&) const = default;
};

struct WebhookConfiguration {
  Meta meta;
  bool mutating = false;
  std::vector<Webhook> webhooks;
  bool operator==(const WebhookConfiguration&) const = default;
};

/// admissionregistration.k8s.io/v1 MatchResources: which requests a policy (matchConstraints)
/// or a binding (matchResources) applies to. Absent selectors select everything.
struct MatchResources {
  std::optional<LabelSelector> namespace_selector;
  std::optional<LabelSelector> object_selector;
  std::vector<WebhookRule> resource_rules;
  std::vector<WebhookRule> exclude_resource_rules;
  bool operator==(const MatchResources&) const = default;
};

/// A ValidatingAdmissionPolicy (CEL, in the API server). The expressions themselves are not
/// kept: whether a policy guards pod security is not something rampart can read from CEL.
struct ValidatingAdmissionPolicy {
  Meta meta;
  std::string failure_policy;  ///< Fail or Ignore (defaulted to Fail when absent)
  MatchResources match_constraints;
  size_t validations = 0;      ///< how many spec.validations entries it has
  std::string param_kind;      ///< "apiVersion/kind" of spec.paramKind when set
  bool operator==(const ValidatingAdmissionPolicy&) const = default;
};

/// A ValidatingAdmissionPolicyBinding: a policy only acts through a binding.
struct ValidatingAdmissionPolicyBinding {
  Meta meta;
  std::string policy_name;
  std::vector<std::string> validation_actions;  ///< Deny, Warn, Audit
  std::optional<MatchResources> match_resources;  ///< narrows the policy's matchConstraints
  bool param_ref = false;                          ///< spec.paramRef is set
  bool operator==(const ValidatingAdmissionPolicyBinding&) const = default;
};

// ---------------------------------------------------------------- certificates

struct CsrCondition {
  std::string type;    ///< Approved, Denied, Failed
  std::string status;  ///< True, False, Unknown
  std::string reason;
  bool operator==(const CsrCondition&) const = default;
};

/// A CertificateSigningRequest without its bytes: the PEM request is decoded while the page is
/// parsed and only its subject is kept; status.certificate is never kept (only whether one was
/// issued).
struct CertificateSigningRequest {
  Meta meta;
  std::string signer_name;
  std::string username;                     ///< who created it (set by the API server)
  std::vector<std::string> groups;
  std::vector<std::string> usages;
  std::string subject_common_name;          ///< CN= of the requested subject
  std::vector<std::string> subject_organizations;  ///< O= values: the groups the certificate grants
  std::string request_error;                ///< why spec.request could not be decoded; empty when it was
  std::vector<CsrCondition> conditions;
  bool issued = false;                      ///< status.certificate is set
  bool operator==(const CertificateSigningRequest&) const = default;
  /// A condition of this type with status True (status "" counts as True, as in v1beta1).
  [[nodiscard]] bool has_condition(std::string_view type) const;
};

// ---------------------------------------------------------------- services

/// A Service, reduced to what checks read (5.6.4 lists what lives in namespace default).
struct Service {
  Meta meta;
  std::string type;  ///< ClusterIP, NodePort, LoadBalancer, ExternalName
  bool operator==(const Service&) const = default;
};

// ---------------------------------------------------------------- workloads and extras

/// A pod controller (Deployment, DaemonSet, StatefulSet), kept for product detection
/// (runtime-security agents, CNI, secret stores, meshes) and workload-level findings.
struct Workload {
  Meta meta;
  std::string kind;
  std::vector<std::string> images;
  std::string service_account;
  bool operator==(const Workload&) const = default;
};

// ---------------------------------------------------------------- the inventory

/// Every resource type the collector may read. The order is the report order.
enum class ResourceType {
  kNamespaces,
  kPods,
  kServiceAccounts,
  kRoles,
  kClusterRoles,
  kRoleBindings,
  kClusterRoleBindings,
  kNetworkPolicies,
  kSecrets,
  kNodes,
  kValidatingWebhooks,
  kMutatingWebhooks,
  kValidatingAdmissionPolicies,
  kValidatingAdmissionPolicyBindings,
  kCertificateSigningRequests,
  kServices,  ///< namespace default only (5.6.4)
  kDaemonSets,
  kDeployments,
  kCustomResourceDefinitions,
  kKubeletConfig,  ///< nodes/proxy/configz, per node
  kKubeProxyConfig,  ///< the one ConfigMap kube-system/kube-proxy (its config.conf)
};

/// "pods", "clusterrolebindings", ... (the API resource name).
const char* to_string(ResourceType type);
/// Every ResourceType in report order.
const std::vector<ResourceType>& all_resource_types();

/// How the collection of one resource type went. Checks read this to say ERROR or SKIP
/// (never PASS) when the data they need is missing.
struct CollectStatus {
  enum class State { kNotRequested, kOk, kForbidden, kNotServed, kError };
  State state = State::kNotRequested;
  std::string error;  ///< one line: HTTP status and the API Status message
  int http_status = 0;
  size_t count = 0;
  size_t pages = 0;
  size_t bytes = 0;
  double seconds = 0;
  bool operator==(const CollectStatus&) const = default;
  [[nodiscard]] bool ok() const { return state == State::kOk; }
};

const char* to_string(CollectStatus::State state);

/// Who the cluster is, for reports and evidence manifests.
struct ClusterIdentity {
  std::string server;           ///< API server URL rampart talked to
  std::string context;          ///< kubeconfig context, or "in-cluster"
  std::string git_version;      ///< /version gitVersion, e.g. v1.32.4
  std::string major, minor;
  std::string platform;
  std::string kube_system_uid;  ///< stable identity of this cluster
  std::vector<std::string> api_group_versions;  ///< "v1", "apps/v1", "rbac.authorization.k8s.io/v1"...
  bool operator==(const ClusterIdentity&) const = default;
};

/// Who rampart was on this cluster: the user and groups the API server authenticated it as.
/// Checks use it to tag findings about the scanner itself and to exempt the read access a
/// scanning service account needs (docs/self-scan.md).
struct ScannerIdentity {
  std::string user;                 ///< "system:serviceaccount:rampart:rampart"; "" = unknown
  std::vector<std::string> groups;
  /// How it is known: "SelfSubjectReview" (the API server said so), "token claims" (the
  /// service-account token's unverified `sub`), "client certificate" (CN and O), "" unknown.
  std::string source;
  std::string credential;           ///< credential kind: "client-certificate", "in-cluster", ...
  /// O= of the client certificate presented, when one was (CIS 5.1.7 warns on system:masters).
  std::vector<std::string> certificate_organizations;
  std::string error;                ///< why the SelfSubjectReview failed, when it did
  bool operator==(const ScannerIdentity&) const = default;
};

struct Inventory {
  ClusterIdentity identity;
  ScannerIdentity scanner;
  std::vector<Namespace> namespaces;
  std::vector<Pod> pods;
  std::vector<ServiceAccount> service_accounts;
  std::vector<Role> roles;                // Roles and ClusterRoles (cluster_scoped tells)
  std::vector<Binding> bindings;          // RoleBindings and ClusterRoleBindings
  std::vector<NetworkPolicy> network_policies;
  std::vector<SecretMeta> secrets;
  std::vector<Node> nodes;                // with their kubelet configuration
  std::vector<WebhookConfiguration> webhooks;
  std::vector<ValidatingAdmissionPolicy> admission_policies;
  std::vector<ValidatingAdmissionPolicyBinding> admission_policy_bindings;
  std::vector<CertificateSigningRequest> csrs;  // subjects decoded; no request or certificate bytes
  std::vector<Service> services;                // namespace default only, when read live
  std::vector<Workload> workloads;
  std::vector<std::string> crds;          // CustomResourceDefinition names (plural.group)
  std::vector<ControlPlaneComponent> control_plane;
  /// ConfigMap kube-system/kube-proxy, key config.conf (KubeProxyConfiguration YAML), when read.
  std::optional<std::string> kube_proxy_config;
  std::map<ResourceType, CollectStatus> status;
  std::vector<std::string> namespace_filter;          // --namespace, empty = all
  std::vector<std::string> excluded_namespaces;       // --exclude-namespace

  /// Status of one type (kNotRequested when it was never asked for).
  [[nodiscard]] const CollectStatus& status_of(ResourceType type) const;
};

}  // namespace rampart::collect
