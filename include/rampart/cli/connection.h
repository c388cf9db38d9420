#pragma once
// The connection options every connecting command shares (inventory, auth check, scan, ...)
// and the step from them to a live ApiClient. One place, so every command spells, documents
// and validates them the same way.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "rampart/client/api_client.h"
#include "rampart/client/http_client.h"
#include "rampart/config/claimed_identity.h"
#include "rampart/config/rest_config.h"
#include "rampart/core/error.h"

namespace rampart::cli {

struct ConnectionOptions {
  std::string kubeconfig;
  std::string context;
  bool in_cluster = false;
  std::string request_timeout = "60s";
  std::string connect_timeout = "10s";
  size_t chunk_size = 0;  ///< 0 = collect::kDefaultChunkSize
};

/// Adds --kubeconfig, --context, --in-cluster, --request-timeout, --connect-timeout and
/// --chunk-size to `cmd`.
void add_connection_options(CLI::App* cmd, ConnectionOptions& options);

/// A resolved connection: what it connects to and the client over it. Movable; the ApiClient
/// refers to the HttpClient, both live on the heap.
struct Connection {
  config::RestConfig rest;
  std::unique_ptr<client::HttpClient> http;
  std::unique_ptr<client::ApiClient> api;
  size_t chunk_size = 0;
};

/// Loads the kubeconfig (or in-cluster config) and prepares the client. No request is sent.
[[nodiscard]] Result<Connection> connect(const ConnectionOptions& options);

/// What the connection's credential says about who it is (a service-account token's `sub`, a
/// client certificate's CN/O); nullopt when it says nothing or cannot be read now.
[[nodiscard]] std::optional<config::ClaimedIdentity> credential_claims(const config::RestConfig& rest);

/// A Go-style duration as kubectl's --request-timeout takes it: "30s", "1m30s", "500ms", "2h";
/// a bare number is seconds; "0" is zero.
[[nodiscard]] Result<std::chrono::milliseconds> parse_duration(std::string_view text);

/// The one line printed when the first request fails: the error, plus which context, user and
/// kubeconfig were used when that helps (rejected credentials, TLS).
[[nodiscard]] std::string connection_failure(const Error& error, const config::RestConfig& rest);

}  // namespace rampart::cli
