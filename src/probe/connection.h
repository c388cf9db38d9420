#pragma once
// Private to probe/: TCP connections with deadlines (non-blocking connect + poll) and TLS on top
// of them with OpenSSL, recording what a probe needs to know about the handshake. Nothing here
// blocks past the deadline it is given, including name resolution.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/ssl.h>

#include "rampart/config/rest_config.h"
#include "rampart/probe/result.h"

namespace rampart::probe::detail {

using Clock = std::chrono::steady_clock;

/// A point in time after which an operation gives up.
class Deadline {
 public:
  explicit Deadline(Clock::time_point at) : at_(at) {}
  static Deadline after(std::chrono::milliseconds ms) { return Deadline(Clock::now() + ms); }
  /// The earlier of this deadline and `ms` from now.
  [[nodiscard]] Deadline within(std::chrono::milliseconds ms) const {
    return Deadline(std::min(at_, Clock::now() + ms));
  }
  /// Milliseconds left, at least 0 (rounded up, so poll() never returns before the deadline).
  [[nodiscard]] int remaining_ms() const;
  [[nodiscard]] bool expired() const { return Clock::now() >= at_; }

 private:
  Clock::time_point at_;
};

/// Handshake parameters. The probe's own SSL_CTX runs at security level 0 so it can offer
/// TLS 1.0 and weak suites to find out whether a server accepts them.
struct TlsOptions {
  int min_version = 0;        ///< TLS1_VERSION..TLS1_3_VERSION; 0 = no bound
  int max_version = 0;
  std::string cipher_list;    ///< TLS <= 1.2 suites (OpenSSL syntax); empty = "DEFAULT:@SECLEVEL=0"
  std::string ciphersuites;   ///< TLS 1.3 suites; empty = OpenSSL's default
  std::string sni;            ///< server name; empty for IP literals (no SNI)
  const config::Credential* credential = nullptr;  ///< client certificate, when P-2/P-10 use one
};

enum class IoStatus { kOk, kEof, kTimeout, kError };

/// One TCP connection, optionally wrapped in TLS. Closes (with close_notify) on destruction.
class Connection {
 public:
  struct Opened {
    Reachability reachability = Reachability::kError;
    std::string detail;  ///< "connection refused", "no answer within 3000 ms", resolver error
    std::unique_ptr<Connection> connection;  ///< set when open
  };

  /// Resolves `host` and connects, trying each address until `connect_deadline`.
  static Opened open(const std::string& host, int port, Deadline connect_deadline);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// TLS client handshake. Returns what was learnt whether or not it succeeded.
  TlsSession start_tls(const TlsOptions& options, Deadline deadline);

  IoStatus write_all(std::string_view data, Deadline deadline);
  /// Appends at most `max` bytes to `out`. On kError, error() says why; a TLS alert from the
  /// server (e.g. 116 certificate_required after a TLS 1.3 handshake) is in alert_received().
  IoStatus read_some(std::string& out, size_t max, Deadline deadline);

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] int alert_received() const;

  /// What the OpenSSL callbacks record during a handshake (defined in connection.cpp).
  struct Capture;

 private:
  explicit Connection(int fd);
  bool wait(short events, Deadline deadline);

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::unique_ptr<Capture> capture_;
  std::string error_;
};

/// Fills a Certificate from an X509 (shared by the handshake code and parse_certificate_pem).
Certificate describe_certificate(X509* cert, int64_t now_unix);

/// "certificate required" for 116, ... ("" for -1).
std::string alert_name(int alert);

}  // namespace rampart::probe::detail
