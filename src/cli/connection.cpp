#include "rampart/cli/connection.h"

#include <charconv>

#include "rampart/collect/collector.h"
#include "rampart/config/load.h"

namespace rampart::cli {

void add_connection_options(CLI::App* cmd, ConnectionOptions& o) {
  const char* group = "Connection";
  cmd->add_option("--kubeconfig", o.kubeconfig, "Kubeconfig file (default: KUBECONFIG, then ~/.kube/config)")
      ->group(group);
  cmd->add_option("--context", o.context, "Kubeconfig context to use (default: current-context)")->group(group);
  cmd->add_flag("--in-cluster", o.in_cluster, "Use the pod's service account instead of a kubeconfig")
      ->group(group);
  cmd->add_option("--request-timeout", o.request_timeout,
                  "Time limit of one API request, e.g. 30s, 2m; 0 = none (default 60s)")
      ->group(group);
  cmd->add_option("--connect-timeout", o.connect_timeout, "Time limit of connecting to the API server (default 10s)")
      ->group(group);
  cmd->add_option("--chunk-size", o.chunk_size,
                  "Objects per list page (default " + std::to_string(collect::kDefaultChunkSize) + ")")
      ->check(CLI::Range(1, 100000))
      ->group(group);
}

std::optional<config::ClaimedIdentity> credential_claims(const config::RestConfig& rest) {
  // Sources cache what they return, so this read costs nothing extra later.
  auto credential = rest.credentials->get(false);
  if (!credential) return std::nullopt;
  return config::claimed_identity(*credential);
}

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorKind::kUsage, "invalid duration '" + std::string(text) + "' (use e.g. 30s, 2m, 1m30s, 500ms)");
  };
  if (text.empty()) return bad();
  // A bare number is seconds (kubectl accepts "--request-timeout=5").
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    long long seconds = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || seconds > 365LL * 24 * 3600) return bad();
    return std::chrono::milliseconds(seconds * 1000);
  }
  long long total_ms = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t digits = rest.find_first_not_of("0123456789.");
    if (digits == 0 || digits == std::string_view::npos) return bad();
    double value = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + digits, value);
    if (ec != std::errc() || p != rest.data() + digits) return bad();
    rest.remove_prefix(digits);
    double unit_ms = 0;
    if (rest.starts_with("ms")) { unit_ms = 1; rest.remove_prefix(2); }
    else if (rest.starts_with("s")) { unit_ms = 1000; rest.remove_prefix(1); }
    else if (rest.starts_with("m")) { unit_ms = 60000; rest.remove_prefix(1); }
    else if (rest.starts_with("h")) { unit_ms = 3600000; rest.remove_prefix(1); }
    else return bad();
    total_ms += static_cast<long long>(value * unit_ms);
    if (total_ms > 365LL * 24 * 3600 * 1000) return bad();
  }
  return std::chrono::milliseconds(total_ms);
}

Result<Connection> connect(const ConnectionOptions& options) {
  auto request_timeout = parse_duration(options.request_timeout);
  if (!request_timeout) {
    request_timeout.error().message = "--request-timeout: " + request_timeout.error().message;
    return tl::unexpected(request_timeout.error());
  }
  auto connect_timeout = parse_duration(options.connect_timeout);
  if (!connect_timeout || connect_timeout->count() <= 0)
    return fail(ErrorKind::kUsage, "--connect-timeout: invalid duration '" + options.connect_timeout +
                                       "' (a positive duration such as 10s)");
  config::LoadOptions load;
  load.kubeconfig = options.kubeconfig;
  load.context = options.context;
  load.in_cluster = options.in_cluster;
  auto rest = config::load(load);
  if (!rest) return tl::unexpected(rest.error());

  client::HttpOptions http_options;
  http_options.request_timeout = *request_timeout;
  http_options.connect_timeout = *connect_timeout;
  auto http = client::HttpClient::create(*rest, http_options);
  if (!http) return tl::unexpected(http.error());

  Connection c;
  c.rest = std::move(*rest);
  c.http = std::move(*http);
  c.api = std::make_unique<client::ApiClient>(*c.http, c.rest.credentials);
  c.chunk_size = options.chunk_size == 0 ? collect::kDefaultChunkSize : options.chunk_size;
  return c;
}

std::string connection_failure(const Error& error, const config::RestConfig& rest) {
  std::string line = error.describe();
  if (error.kind == ErrorKind::kUnauthorized || error.kind == ErrorKind::kTls ||
      error.kind == ErrorKind::kForbidden) {
    line += " [context '" + rest.context + "'";
    if (!rest.user_name.empty()) line += ", user '" + rest.user_name + "'";
    if (!rest.source.empty()) line += ", from " + rest.source;
    line += "]";
  }
  return line;
}

}  // namespace rampart::cli
