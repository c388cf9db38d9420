#pragma once
// Parsing control-plane command lines into Flags (see inventory.h for the readers: last, all,
// bool_value). The rules follow how the components parse them (cis-controls.md section 1 F):
// - "--name=value" and "--name value"; a single dash is the same flag ("-name", Go's flag
//   package as etcd uses it; "-v=2" for pflag shorthands);
// - boolean flags never take the next token: a bare "--profiling" is "true";
// - a flag not known to be boolean takes the next token as its value unless that token is
//   itself a flag: then it must have been a boolean (the component would not have started
//   otherwise) and it is recorded as "true";
// - "--" ends the flags; tokens that are not flags are positional (argv[0] included).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rampart/collect/inventory.h"

namespace rampart::collect {

/// Go strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False; anything else nullopt.
std::optional<bool> parse_go_bool(std::string_view value);

/// Whether a control-plane or etcd flag is boolean (never takes the next token).
bool is_boolean_flag(std::string_view name);

/// Parses argv (command followed by args).
Flags parse_flags(const std::vector<std::string>& argv);

/// etcd's environment form of a flag: "ETCD_CLIENT_CERT_AUTH" -> "client-cert-auth"; nullopt
/// for any other variable.
std::optional<std::string> etcd_env_flag(std::string_view env_name);

/// etcd's effective settings: ETCD_* variables of `env` first, then the argv flags, so that a
/// flag given on the command line wins under Flags::last (etcd refuses nothing but prefers the
/// flag). Entries from env carry the flag name, the raw env stays in ControlPlaneComponent::env.
Flags parse_etcd_flags(const std::vector<std::string>& argv,
                       const std::vector<std::pair<std::string, std::string>>& env);

}  // namespace rampart::collect
