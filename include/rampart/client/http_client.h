#pragma once
// HttpClient: the Transport over libcurl. TLS material comes from memory (CA, client
// certificate and key as blobs, never temporary files); verification is always on unless the
// kubeconfig says insecure-skip-tls-verify. Keep-alive connections are reused per easy handle;
// handles are pooled so that each collector thread reuses its own connections, and DNS and TLS
// sessions are shared between them.
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rampart/client/transport.h"
#include "rampart/config/rest_config.h"
#include "rampart/core/error.h"

namespace rampart::client {

/// Knobs of the transport. Defaults are what `rampart` uses without options.
struct HttpOptions {
  /// TCP + TLS handshake. Ten seconds covers a far-away API server behind a load balancer;
  /// an unreachable address should still fail quickly enough for a CronJob.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  /// One whole request, including the body of a page. 0 = none. A page of 500 pods is a few MB;
  /// 60 s keeps a stuck server from hanging a scan forever (rule: never a hang).
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  /// A response larger than this is refused: a hostile or broken server cannot exhaust memory.
  size_t max_body_bytes = size_t{1} << 30;
};

/// Parts of a server URL that messages and the SNI override need.
struct ServerAddress {
  std::string scheme;  ///< "https" or "http"
  std::string host;    ///< as in the URL ("[::1]" keeps its brackets)
  long port = 0;       ///< explicit or the scheme's default
  std::string base_path;  ///< path prefix of the server URL ("" or "/k8s/clusters/c-1")
  [[nodiscard]] std::string host_port() const { return host + ":" + std::to_string(port); }
};

/// Splits "https://host:port/prefix" into its parts.
Result<ServerAddress> parse_server_url(const std::string& url);

/// Which trust anchors verify the server, for messages: "the CA file /x/ca.crt (cluster 'c')",
/// "the certificate-authority-data of cluster 'c' in ~/.kube/config", "the system trust store".
std::string describe_ca(const config::RestConfig& config);

class HttpClient final : public Transport {
 public:
  /// Validates the RestConfig (URL, PEM presence) and prepares the shared handle. Performs no I/O.
  static Result<std::unique_ptr<HttpClient>> create(const config::RestConfig& config,
                                                    HttpOptions options = {});
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  [[nodiscard]] tl::expected<Response, TransportError> send(const Request& request) override;
  [[nodiscard]] std::string server() const override { return config_.server; }

 private:
  struct Shared;
  struct Easy;
  struct EasyDeleter {
    void operator()(Easy* easy) const;
  };
  using EasyPtr = std::unique_ptr<Easy, EasyDeleter>;

  HttpClient(config::RestConfig config, HttpOptions options, ServerAddress address);
  Result<EasyPtr> acquire();
  void release(EasyPtr easy);
  [[nodiscard]] TransportError classify(int code, const Easy& easy, const Request& request,
                                        bool presented_cert) const;

  config::RestConfig config_;
  HttpOptions options_;
  ServerAddress address_;
  std::string url_base_;    ///< scheme://host[:port]/prefix requests are sent to
  std::string host_header_; ///< "Host:" override when tls_server_name changes the URL host
  std::unique_ptr<Shared> shared_;  ///< must outlive every easy handle (declared first)
  std::mutex idle_mutex_;
  std::vector<EasyPtr> idle_;
};

}  // namespace rampart::client
