#pragma once
// Reading control-plane command lines. Parsing turns argv into collect::Flags; the accessors
// apply the merge rules (list flags merge, scalar flags: last one wins) and Go's boolean
// syntax. If the collector fills ControlPlaneComponent::flags itself, the accessors read its
// result unchanged: they only depend on collect::Flags.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/collect/inventory.h"

namespace rampart::checks {

/// Flags that never take the next argv token as their value (bare `--x` means true).
bool is_boolean_flag(std::string_view name);

/// argv (command then args) into name/value pairs. `--a=b`, `--a b`, `-a b` (Go's flag
/// package, as etcd uses it) are accepted; tokens not starting with '-' are positional.
collect::Flags parse_flags(const std::vector<std::string>& argv);

/// Go strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view s);

/// Accessors over a parsed command line.
struct FlagReader {
  const collect::Flags& flags;

  [[nodiscard]] bool has(std::string_view name) const;
  /// Last value given (scalar flags), or nullopt when the flag is absent.
  [[nodiscard]] std::optional<std::string> value(std::string_view name) const;
  /// Present with a non-empty value.
  [[nodiscard]] bool present(std::string_view name) const;
  /// Every value of a list flag, comma-split, trimmed, merged across repetitions.
  [[nodiscard]] std::vector<std::string> list(std::string_view name) const;
  /// A boolean flag: nullopt when absent; a value that does not parse is returned as nullopt
  /// through `bad` set to true.
  [[nodiscard]] std::optional<bool> boolean(std::string_view name, bool* bad = nullptr) const;
};

/// Components rampart reads flags from, in report order.
inline constexpr std::string_view kApiServer = "kube-apiserver";
inline constexpr std::string_view kControllerManager = "kube-controller-manager";
inline constexpr std::string_view kScheduler = "kube-scheduler";
inline constexpr std::string_view kEtcd = "etcd";

/// Finds the control-plane mirror pods among the inventory's pods (label component=<name>, or
/// name prefix "<name>-<node>"), and parses their command lines.
std::vector<collect::ControlPlaneComponent> control_plane_from_pods(const collect::Inventory& inv);

}  // namespace rampart::checks

namespace rampart::checks {

/// The flags a component runs with. For etcd, the ETCD_<NAME> environment forms are merged
/// in, with the command-line flag winning when both are set.
collect::Flags effective_flags(const collect::ControlPlaneComponent& c);

/// For etcd: the flag names (without dashes) whose env form comes from valueFrom and so cannot
/// be known ("client-cert-auth" for ETCD_CLIENT_CERT_AUTH).
std::vector<std::string> unresolved_flags(const collect::ControlPlaneComponent& c);

}  // namespace rampart::checks
