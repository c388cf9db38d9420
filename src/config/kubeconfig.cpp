// Parsing one kubeconfig file. Only this file touches yaml-cpp: problems are thrown as
// FieldError where they are found and turned into one Error at the file boundary.
#include <filesystem>
#include <set>

#include <yaml-cpp/yaml.h>

#include "rampart/config/kubeconfig.h"
#include "rampart/config/pem.h"
#include "rampart/core/log.h"

namespace rampart::config {
namespace {

constexpr const char* kExecExtensionName = "client.authentication.k8s.io/exec";

struct FieldError {
  std::string message;
  int line = 0;
};

int line_of(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;  // a missing key: yaml-cpp would throw on Mark()
  YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

bool absent(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

std::string scalar(const YAML::Node& parent, const char* key, const std::string& where) {
  const YAML::Node node = parent[key];
  if (absent(node)) return {};
  if (!node.IsScalar()) throw FieldError{where + "." + key + " must be a string", line_of(node)};
  return node.Scalar();
}

bool boolean(const YAML::Node& parent, const char* key, const std::string& where) {
  const YAML::Node node = parent[key];
  if (absent(node)) return false;
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
    throw FieldError{where + "." + key + " must be true or false", line_of(node)};
  return value;
}

// A *-data field: base64 in the file, bytes in memory.
std::string data_field(const YAML::Node& parent, const char* key, const std::string& where) {
  std::string text = scalar(parent, key, where);
  if (text.empty()) return {};
  auto decoded = decode_base64(text);
  if (!decoded) throw FieldError{where + "." + key + ": " + decoded.error().message, line_of(parent[key])};
  return *decoded;
}

std::vector<std::string> string_list(const YAML::Node& parent, const char* key,
                                     const std::string& where) {
  const YAML::Node node = parent[key];
  std::vector<std::string> out;
  if (absent(node)) return out;
  if (!node.IsSequence()) throw FieldError{where + "." + key + " must be a list", line_of(node)};
  for (const auto& item : node) {
    if (!item.IsScalar())
      throw FieldError{where + "." + key + " must be a list of strings", line_of(item)};
    out.push_back(item.Scalar());
  }
  return out;
}

const YAML::Node mapping(const YAML::Node& parent, const char* key, const std::string& where) {
  const YAML::Node node = parent[key];
  if (absent(node)) return YAML::Node(YAML::NodeType::Map);
  if (!node.IsMap()) throw FieldError{where + "." + key + " must be a mapping", line_of(node)};
  return node;
}

// Relative paths are relative to the folder of the kubeconfig that names them (kubectl's
// ResolveLocalPaths); kubectl also cleans them lexically (filepath.Join).
std::string resolve_path(const std::string& path, const std::filesystem::path& base) {
  if (path.empty()) return path;
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (base / p).lexically_normal().string();
}

// YAML to JSON for opaque values (the exec extension): plain scalars get their YAML 1.1 type.
nlohmann::json to_json(const YAML::Node& node) {
  if (absent(node)) return nullptr;
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& kv : node) obj[kv.first.as<std::string>()] = to_json(kv.second);
      return obj;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : node) arr.push_back(to_json(item));
      return arr;
    }
    case YAML::NodeType::Scalar: {
      if (node.Tag() == "?") {  // plain, unquoted
        bool b = false;
        long long i = 0;
        double d = 0;
        if (node.Scalar() == "~" || node.Scalar() == "null") return nullptr;
        if (YAML::convert<bool>::decode(node, b)) return b;
        if (YAML::convert<long long>::decode(node, i)) return i;
        if (YAML::convert<double>::decode(node, d)) return d;
      }
      return node.Scalar();
    }
    default:
      return nullptr;
  }
}

std::string entry_where(const char* list, const std::string& name) {
  return std::string(list) + "[\"" + name + "\"]";
}

ExecConfig parse_exec(const YAML::Node& node, const std::string& where,
                      const std::filesystem::path& base) {
  ExecConfig exec;
  exec.command = scalar(node, "command", where);
  // Only a command with a '/' is a path; a bare name is looked up on PATH (kubectl).
  if (exec.command.find('/') != std::string::npos) exec.command = resolve_path(exec.command, base);
  exec.args = string_list(node, "args", where);
  const YAML::Node env = node["env"];
  if (!absent(env)) {
    if (!env.IsSequence()) throw FieldError{where + ".env must be a list", line_of(env)};
    for (const auto& item : env) {
      if (!item.IsMap()) throw FieldError{where + ".env entries must be mappings", line_of(item)};
      exec.env.push_back({scalar(item, "name", where + ".env"), scalar(item, "value", where + ".env")});
    }
  }
  exec.api_version = scalar(node, "apiVersion", where);
  exec.install_hint = scalar(node, "installHint", where);
  exec.provide_cluster_info = boolean(node, "provideClusterInfo", where);
  exec.interactive_mode = scalar(node, "interactiveMode", where);
  // kubectl's SetDefaults_ExecConfig: older plugin APIs default to IfAvailable, v1 must say.
  if (exec.interactive_mode.empty() &&
      (exec.api_version == "client.authentication.k8s.io/v1beta1" ||
       exec.api_version == "client.authentication.k8s.io/v1alpha1")) {
    exec.interactive_mode = "IfAvailable";
  }
  return exec;
}

ClusterEntry parse_cluster(const YAML::Node& node, const std::string& where,
                           const std::filesystem::path& base) {
  ClusterEntry c;
  c.server = scalar(node, "server", where);
  c.certificate_authority = resolve_path(scalar(node, "certificate-authority", where), base);
  c.certificate_authority_data = data_field(node, "certificate-authority-data", where);
  c.insecure_skip_tls_verify = boolean(node, "insecure-skip-tls-verify", where);
  c.tls_server_name = scalar(node, "tls-server-name", where);
  c.proxy_url = scalar(node, "proxy-url", where);
  c.disable_compression = boolean(node, "disable-compression", where);
  const YAML::Node extensions = node["extensions"];
  if (!absent(extensions)) {
    if (!extensions.IsSequence())
      throw FieldError{where + ".extensions must be a list", line_of(extensions)};
    for (const auto& ext : extensions) {
      if (ext.IsMap() && scalar(ext, "name", where + ".extensions") == kExecExtensionName)
        c.exec_extension = to_json(ext["extension"]);
    }
  }
  return c;
}

UserEntry parse_user(const YAML::Node& node, const std::string& where,
                     const std::filesystem::path& base) {
  UserEntry u;
  u.client_certificate = resolve_path(scalar(node, "client-certificate", where), base);
  u.client_certificate_data = data_field(node, "client-certificate-data", where);
  u.client_key = resolve_path(scalar(node, "client-key", where), base);
  u.client_key_data = data_field(node, "client-key-data", where);
  u.token = scalar(node, "token", where);
  u.token_file = resolve_path(scalar(node, "tokenFile", where), base);
  u.username = scalar(node, "username", where);
  u.password = scalar(node, "password", where);
  // Registered as soon as they are read: no later log line can carry them.
  log::register_secret(u.token);
  log::register_secret(u.password);
  log::register_secret(u.client_key_data);
  const YAML::Node provider = node["auth-provider"];
  if (!absent(provider)) {
    if (!provider.IsMap()) throw FieldError{where + ".auth-provider must be a mapping", line_of(provider)};
    u.auth_provider = scalar(provider, "name", where + ".auth-provider");
  }
  for (const char* key : {"as", "as-uid", "as-groups", "as-user-extra"}) {
    const YAML::Node n = node[key];
    if (absent(n)) continue;
    bool set = n.IsScalar() ? !n.Scalar().empty() : n.size() > 0;
    if (set) u.impersonation.emplace_back(key);
  }
  const YAML::Node exec = node["exec"];
  if (!absent(exec)) {
    if (!exec.IsMap()) throw FieldError{where + ".exec must be a mapping", line_of(exec)};
    u.exec = parse_exec(exec, where + ".exec", base);
  }
  return u;
}

ContextEntry parse_context(const YAML::Node& node, const std::string& where) {
  ContextEntry c;
  c.cluster = scalar(node, "cluster", where);
  c.user = scalar(node, "user", where);
  c.namespace_ = scalar(node, "namespace", where);
  return c;
}

// Reads one named list ("clusters", "users", "contexts"); duplicate names are an error, as in
// kubectl's conversion from the v1 lists to maps.
template <class Entry, class Parse>
void parse_list(const YAML::Node& root, const char* list, const char* inner, const std::string& path,
                std::map<std::string, Entry>& out, Parse parse) {
  const YAML::Node node = root[list];
  if (absent(node)) return;
  if (!node.IsSequence()) throw FieldError{std::string(list) + " must be a list", line_of(node)};
  for (const auto& item : node) {
    if (!item.IsMap())
      throw FieldError{std::string(list) + " entries must be mappings", line_of(item)};
    std::string name = scalar(item, "name", list);
    std::string where = entry_where(list, name);
    const YAML::Node body = mapping(item, inner, where);
    Entry entry = parse(body, where + "." + inner);
    entry.origin = Location{path, line_of(item)};
    if (!out.emplace(name, std::move(entry)).second)
      throw FieldError{"duplicate name \"" + name + "\" in " + list, line_of(item)};
  }
}

}  // namespace

std::string Location::describe() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line);
}

bool ClusterEntry::empty() const {
  return server.empty() && certificate_authority.empty() && certificate_authority_data.empty() &&
         !insecure_skip_tls_verify && tls_server_name.empty() && proxy_url.empty() &&
         !disable_compression && !exec_extension;
}

bool Kubeconfig::empty() const {
  return clusters.empty() && users.empty() && contexts.empty() && current_context.empty();
}

Result<Kubeconfig> parse_kubeconfig(std::string_view text, const std::string& path) {
  Kubeconfig config;
  config.files.push_back(path);
  if (text.empty()) return config;
  std::filesystem::path base = std::filesystem::absolute(std::filesystem::path(path)).parent_path();
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (absent(root)) return config;
    if (!root.IsMap()) throw FieldError{"not a kubeconfig: the top level must be a mapping", line_of(root)};
    std::string kind = scalar(root, "kind", "kubeconfig");
    if (!kind.empty() && kind != "Config")
      throw FieldError{"not a kubeconfig: kind is \"" + kind + "\", expected \"Config\"", line_of(root["kind"])};
    std::string api_version = scalar(root, "apiVersion", "kubeconfig");
    if (!api_version.empty() && api_version != "v1")
      throw FieldError{"unsupported kubeconfig apiVersion \"" + api_version + "\" (expected v1)",
                       line_of(root["apiVersion"])};
    parse_list(root, "clusters", "cluster", path, config.clusters,
               [&](const YAML::Node& n, const std::string& w) { return parse_cluster(n, w, base); });
    parse_list(root, "users", "user", path, config.users,
               [&](const YAML::Node& n, const std::string& w) { return parse_user(n, w, base); });
    parse_list(root, "contexts", "context", path, config.contexts,
               [&](const YAML::Node& n, const std::string& w) { return parse_context(n, w); });
    config.current_context = scalar(root, "current-context", "kubeconfig");
    if (!config.current_context.empty())
      config.current_context_origin = Location{path, line_of(root["current-context"])};
  } catch (const FieldError& e) {
    return fail(ErrorKind::kConfig, e.message, Location{path, e.line}.describe());
  } catch (const YAML::ParserException& e) {
    return fail(ErrorKind::kConfig, "malformed YAML: " + e.msg,
                Location{path, e.mark.line >= 0 ? e.mark.line + 1 : 0}.describe());
  } catch (const YAML::Exception& e) {
    return fail(ErrorKind::kConfig, "cannot read kubeconfig: " + e.msg,
                Location{path, e.mark.line >= 0 ? e.mark.line + 1 : 0}.describe());
  }
  return config;
}

}  // namespace rampart::config
