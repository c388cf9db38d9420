#include "rampart/client/http_client.h"

#include <array>
#include <cstring>

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "rampart/client/retry.h"
#include "rampart/core/build_info.h"

namespace rampart::client {
namespace {

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct ShareDeleter {
  void operator()(CURLSH* share) const { curl_share_cleanup(share); }
};

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};

// curl_global_init is not thread-safe and must run before any handle exists.
void global_init_once() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

Slist append(Slist list, const std::string& line) {
  curl_slist* raw = curl_slist_append(list.get(), line.c_str());
  if (raw == nullptr) return list;  // out of memory: the header is missing, the request fails
  (void)list.release();
  return Slist(raw);
}

bool contains(const std::string& text, const char* needle) { return text.find(needle) != std::string::npos; }

std::string seconds_text(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + "s";
  return std::to_string(ms.count()) + "ms";
}

// Only libcurl's informational text (connects, TLS handshake, HTTP/2 negotiation) reaches the
// log, at trace level. Header and data callbacks are ignored: outgoing headers carry the token.
int debug_callback(CURL* /*handle*/, curl_infotype type, char* data, size_t size, void* /*user*/) {
  if (type != CURLINFO_TEXT) return 0;
  std::string_view text(data, size);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  spdlog::trace("curl: {}", text);
  return 0;
}

}  // namespace

std::string describe_ca(const config::RestConfig& config) {
  if (config.ca_pem.empty() || config.ca_source == "system") return "the system trust store";
  std::string cluster = config.cluster_name.empty() ? "" : " of cluster '" + config.cluster_name + "'";
  if (config.ca_source.empty() || config.ca_source == "kubeconfig")
    return "the certificate-authority-data" + cluster +
           (config.source.empty() ? "" : " in " + config.source);
  return "the CA file " + config.ca_source + (cluster.empty() ? "" : " (cluster '" + config.cluster_name + "')");
}

// DNS cache and TLS sessions shared by every easy handle. The connection cache is not shared:
// libcurl does not support one connection pool used by concurrent threads.
struct HttpClient::Shared {
  std::unique_ptr<CURLSH, ShareDeleter> share;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  Slist connect_to;  ///< CURLOPT_CONNECT_TO for the SNI override; lives as long as the handles

  static void lock(CURL* /*h*/, curl_lock_data data, curl_lock_access /*a*/, void* user) {
    static_cast<Shared*>(user)->locks.at(static_cast<size_t>(data)).lock();
  }
  static void unlock(CURL* /*h*/, curl_lock_data data, void* user) {
    static_cast<Shared*>(user)->locks.at(static_cast<size_t>(data)).unlock();
  }
};

// One easy handle with the buffers its callbacks fill.
struct HttpClient::Easy {
  CURL* curl = nullptr;
  std::array<char, CURL_ERROR_SIZE> errbuf{};
  std::string body;
  std::string retry_after;
  size_t max_body = 0;
  bool too_large = false;

  static size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* self = static_cast<Easy*>(user);
    size_t len = size * n;
    if (self->body.size() + len > self->max_body) {
      self->too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    self->body.append(data, len);
    return len;
  }

  static size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* self = static_cast<Easy*>(user);
    size_t len = size * n;
    std::string_view line(data, len);
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size() && strncasecmp(line.data(), kName.data(), kName.size()) == 0)
      self->retry_after = std::string(line.substr(kName.size()));
    else if (line.starts_with("HTTP/"))
      self->retry_after.clear();  // a new response (after 100 Continue) starts clean
    return len;
  }
};

void HttpClient::EasyDeleter::operator()(Easy* easy) const {
  if (easy == nullptr) return;
  if (easy->curl != nullptr) curl_easy_cleanup(easy->curl);
  delete easy;
}

Result<ServerAddress> parse_server_url(const std::string& url) {
  global_init_once();
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return fail(ErrorKind::kInternal, "out of memory");
  if (url.empty()) return fail(ErrorKind::kConfig, "the cluster has no server URL");
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return fail(ErrorKind::kConfig, "invalid server URL '" + url + "'");
  auto part = [&](CURLUPart which, unsigned flags) -> std::string {
    char* raw = nullptr;
    if (curl_url_get(u.get(), which, &raw, flags) != CURLUE_OK || raw == nullptr) return {};
    std::unique_ptr<char, CurlStringDeleter> owned(raw);
    return std::string(raw);
  };
  ServerAddress out;
  out.scheme = part(CURLUPART_SCHEME, 0);
  if (out.scheme != "https" && out.scheme != "http")
    return fail(ErrorKind::kConfig, "server URL '" + url + "' is not https:// or http://");
  out.host = part(CURLUPART_HOST, 0);
  if (out.host.empty()) return fail(ErrorKind::kConfig, "server URL '" + url + "' has no host");
  std::string port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  out.port = port.empty() ? (out.scheme == "https" ? 443 : 80) : std::stol(port);
  out.base_path = part(CURLUPART_PATH, 0);
  while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  return out;
}

HttpClient::HttpClient(config::RestConfig config, HttpOptions options, ServerAddress address)
    : config_(std::move(config)), options_(options), address_(std::move(address)) {}

HttpClient::~HttpClient() {
  // Easy handles first: they reference the share handle.
  std::lock_guard lock(idle_mutex_);
  idle_.clear();
}

Result<std::unique_ptr<HttpClient>> HttpClient::create(const config::RestConfig& config,
                                                       HttpOptions options) {
  global_init_once();
  auto address = parse_server_url(config.server);
  if (!address) return tl::unexpected(address.error());
  if (!config.credentials)
    return fail(ErrorKind::kInternal, "RestConfig without a credential source");
  std::unique_ptr<HttpClient> client(new HttpClient(config, options, *address));

  auto shared = std::make_unique<Shared>();
  shared->share.reset(curl_share_init());
  if (!shared->share) return fail(ErrorKind::kInternal, "curl_share_init failed");
  curl_share_setopt(shared->share.get(), CURLSHOPT_LOCKFUNC, &Shared::lock);
  curl_share_setopt(shared->share.get(), CURLSHOPT_UNLOCKFUNC, &Shared::unlock);
  curl_share_setopt(shared->share.get(), CURLSHOPT_USERDATA, shared.get());
  curl_share_setopt(shared->share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(shared->share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);

  // tls-server-name: the name used for SNI and for verifying the server's certificate, while
  // the TCP connection still goes to the URL's host (client-go's tls.Config.ServerName). libcurl
  // takes both from the URL host, so the URL names tls-server-name and CONNECT_TO sends the
  // connection to the real host; the Host header keeps the real host as client-go does.
  const ServerAddress& a = client->address_;
  std::string url_host = a.host;
  if (!config.tls_server_name.empty() && config.tls_server_name != a.host) {
    url_host = config.tls_server_name;
    std::string port = std::to_string(a.port);
    shared->connect_to = append(nullptr, url_host + ":" + port + ":" + a.host + ":" + port);
    client->host_header_ = "Host: " + a.host_port();
  }
  client->url_base_ = a.scheme + "://" + url_host + ":" + std::to_string(a.port) + a.base_path;
  // (config/ already warned when insecure-skip-tls-verify is set.)
  client->shared_ = std::move(shared);
  return client;
}

Result<HttpClient::EasyPtr> HttpClient::acquire() {
  {
    std::lock_guard lock(idle_mutex_);
    if (!idle_.empty()) {
      EasyPtr easy = std::move(idle_.back());
      idle_.pop_back();
      return easy;
    }
  }
  EasyPtr easy(new Easy);
  easy->curl = curl_easy_init();
  if (easy->curl == nullptr) return fail(ErrorKind::kInternal, "curl_easy_init failed");
  CURL* c = easy->curl;
  easy->max_body = options_.max_body_bytes;
  curl_easy_setopt(c, CURLOPT_SHARE, shared_->share.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, easy->errbuf.data());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
  std::string agent = std::string("rampart/") + kVersion;
  curl_easy_setopt(c, CURLOPT_USERAGENT, agent.c_str());
  if (shared_->connect_to) curl_easy_setopt(c, CURLOPT_CONNECT_TO, shared_->connect_to.get());
  if (!config_.proxy_url.empty()) curl_easy_setopt(c, CURLOPT_PROXY, config_.proxy_url.c_str());
  if (config_.insecure_skip_tls_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  }
  if (!config_.ca_pem.empty()) {
    curl_blob blob{const_cast<char*>(config_.ca_pem.data()), config_.ca_pem.size(),
                   CURL_BLOB_COPY};
    curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Easy::on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, easy.get());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &Easy::on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, easy.get());
  if (spdlog::should_log(spdlog::level::trace)) {
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, &debug_callback);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  }
  return easy;
}

void HttpClient::release(EasyPtr easy) {
  std::lock_guard lock(idle_mutex_);
  idle_.push_back(std::move(easy));
}

tl::expected<Response, TransportError> HttpClient::send(const Request& request) {
  auto acquired = acquire();
  if (!acquired) return tl::unexpected(TransportError{acquired.error(), false});
  EasyPtr easy = std::move(*acquired);
  CURL* c = easy->curl;
  easy->body.clear();
  easy->retry_after.clear();
  easy->too_large = false;
  easy->errbuf[0] = '\0';

  std::string url = url_base_ + request.path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  Slist headers;
  headers = append(std::move(headers), "Accept: " + request.accept);
  if (!host_header_.empty()) headers = append(std::move(headers), host_header_);
  const config::Credential& cred = request.credential;
  if (!cred.bearer_token.empty())
    headers = append(std::move(headers), "Authorization: Bearer " + cred.bearer_token);
  if (request.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    headers = append(std::move(headers), "Content-Type: " + request.content_type);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    if (request.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  // The client certificate may change between requests (exec plugins rotate it); libcurl will
  // not reuse a connection made with another certificate.
  bool presented_cert = !cred.client_cert_pem.empty() && !cred.client_key_pem.empty();
  if (presented_cert) {
    curl_blob cert{const_cast<char*>(cred.client_cert_pem.data()), cred.client_cert_pem.size(),
                   CURL_BLOB_COPY};
    curl_blob key{const_cast<char*>(cred.client_key_pem.data()), cred.client_key_pem.size(),
                  CURL_BLOB_COPY};
    curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
    curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &key);
  } else {
    curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, static_cast<curl_blob*>(nullptr));
    curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, static_cast<curl_blob*>(nullptr));
  }

  CURLcode code = curl_easy_perform(c);
  // Reset per-request options that must not leak into the next request on this handle.
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, static_cast<char*>(nullptr));
  headers.reset();

  if (code != CURLE_OK) {
    TransportError err = classify(code, *easy, request, presented_cert);
    release(std::move(easy));
    return tl::unexpected(std::move(err));
  }
  Response response;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  char* content_type = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK && content_type)
    response.content_type = content_type;
  if (!easy->retry_after.empty())
    response.retry_after = parse_retry_after(easy->retry_after, std::chrono::system_clock::now());
  response.body = std::move(easy->body);
  easy->body = std::string();
  release(std::move(easy));
  return response;
}

TransportError HttpClient::classify(int raw_code, const Easy& easy, const Request& request,
                                    bool presented_cert) const {
  auto code = static_cast<CURLcode>(raw_code);
  std::string detail = easy.errbuf[0] != '\0' ? easy.errbuf.data() : curl_easy_strerror(code);
  std::string where = address_.host_port();
  std::string ca = describe_ca(config_);
  std::string name = config_.tls_server_name.empty() ? address_.host : config_.tls_server_name;
  auto network = [&](std::string message, bool retryable) {
    return TransportError{Error{ErrorKind::kNetwork, std::move(message), config_.server, 0}, retryable};
  };
  auto tls = [&](std::string message) {
    return TransportError{Error{ErrorKind::kTls, std::move(message), config_.server, 0}, false};
  };
  // True when this transfer opened its own connection and received nothing on it.
  auto fresh_connection_without_answer = [](const Easy& e) {
    long connects = 0;
    long header_bytes = 0;
    curl_easy_getinfo(e.curl, CURLINFO_NUM_CONNECTS, &connects);
    curl_easy_getinfo(e.curl, CURLINFO_HEADER_SIZE, &header_bytes);
    return connects > 0 && header_bytes == 0;
  };
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return network("cannot resolve host " + address_.host + " (" + detail + ")", false);
    case CURLE_COULDNT_RESOLVE_PROXY:
      return network("cannot resolve proxy " + config_.proxy_url + " (" + detail + ")", false);
    case CURLE_COULDNT_CONNECT:
      return network("cannot connect to " + where + ": " + detail, true);
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connected = 0;
      curl_easy_getinfo(easy.curl, CURLINFO_CONNECT_TIME_T, &connected);
      if (connected == 0)
        return network("timed out connecting to " + where + " after " +
                           seconds_text(options_.connect_timeout) + " (--connect-timeout)",
                       false);
      return network("request timed out after " + seconds_text(options_.request_timeout) +
                         " (--request-timeout): " + request.what,
                     false);
    }
    case CURLE_PEER_FAILED_VERIFICATION:
      return tls("the server's certificate at " + where + " failed verification against " + ca +
                 " for host name '" + name + "': " + detail);
    case CURLE_SSL_CACERT_BADFILE:
      return tls("cannot load " + ca + ": " + detail);
    case CURLE_SSL_CERTPROBLEM:
      return tls("our client certificate or key could not be used: " + detail);
    case CURLE_WRITE_ERROR:
      if (easy.too_large)
        return network("response to " + request.what + " is larger than " +
                           std::to_string(options_.max_body_bytes >> 20) + " MiB; refused",
                       false);
      return network(std::string("cannot store the response: ") + detail, false);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      // An alert from the server during or right after the handshake (TLS 1.3 reports a
      // refused client certificate only on the first read) is about our side.
      if (contains(detail, "alert")) {
        if (contains(detail, "certificate required"))
          return tls("the server at " + where + " requires a client certificate" +
                     (presented_cert ? " and rejected ours: " : " and none is configured: ") +
                     std::string(detail));
        if (presented_cert)
          return tls("the server at " + where + " rejected our client certificate: " + detail);
        return tls("TLS handshake with " + where + " failed: " + detail);
      }
      if (code == CURLE_SSL_CONNECT_ERROR)
        return tls("TLS handshake with " + where + " failed: " + detail);
      if (presented_cert && fresh_connection_without_answer(easy))
        // The same refusal, when the server's alert and close win the race against our request
        // write: the write fails (EPIPE/ECONNRESET) before the alert can be read.
        return tls("the server at " + where +
                   " closed the connection right after the TLS handshake: it most likely rejected our "
                   "client certificate (TLS 1.3 servers refuse it after the handshake): " + detail);
      return network("connection to " + where + " broken: " + detail, true);
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return network("connection to " + where + " broken: " + detail, true);
    default:
      return network(std::string("request to ") + where + " failed: " + detail, false);
  }
}

}  // namespace rampart::client
