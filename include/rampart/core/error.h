#pragma once
// Errors that cross stage boundaries. Every stage returns Result<T>; the CLI turns an Error
// into one line on stderr and an exit code.
#include <string>

#include <tl/expected.hpp>

namespace rampart {

/// What went wrong, coarse enough to pick an exit code and a message prefix.
enum class ErrorKind {
  kConfig,        ///< kubeconfig / in-cluster / exec plugin problem (bad input)
  kUsage,         ///< bad command-line arguments
  kIo,            ///< a local file could not be read or written
  kParse,         ///< malformed data (YAML, JSON, PEM)
  kNetwork,       ///< DNS, connect, timeout, connection reset
  kTls,           ///< TLS handshake or certificate verification failed
  kUnauthorized,  ///< HTTP 401
  kForbidden,     ///< HTTP 403
  kNotFound,      ///< HTTP 404 / API not served
  kGone,          ///< HTTP 410 (expired continue token)
  kHttp,          ///< any other unexpected HTTP status
  kInternal,      ///< a bug: an invariant did not hold
};

/// Short lower-case name of a kind ("config", "tls", ...), used in messages and JSON.
const char* to_string(ErrorKind kind);

/// An error with one line of text for people plus where it happened.
struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;  ///< one line, no trailing period, never a secret
  std::string context;  ///< "file:line", "URL", "field path"...; may be empty
  int http_status = 0;  ///< HTTP status when there was one

  /// "context: message" (or just message), the line the CLI prints.
  [[nodiscard]] std::string describe() const;
  bool operator==(const Error&) const = default;
};

template <class T>
using Result = tl::expected<T, Error>;

/// Shorthand for returning an error: `return fail(ErrorKind::kConfig, "...", path);`
inline tl::unexpected<Error> fail(ErrorKind kind, std::string message, std::string context = {},
                                  int http_status = 0) {
  return tl::unexpected<Error>(Error{kind, std::move(message), std::move(context), http_status});
}

}  // namespace rampart
