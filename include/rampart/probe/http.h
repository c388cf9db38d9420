#pragma once
// A tiny HTTP/1.1 client side: a request writer that gives exact control over every byte the
// probes send, and an incremental response reader that stays bounded on hostile input (huge
// headers, no CRLF, binary, endless bodies). Pure: the sockets live in connection.h.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rampart::probe {

struct HttpRequest {
  std::string method = "GET";
  std::string path = "/";      ///< origin-form, starts with '/'
  std::string authority;       ///< Host header value: "10.0.0.1:10250"
  std::vector<std::pair<std::string, std::string>> headers;  ///< after Host, User-Agent, Accept
  std::string body;            ///< sent with Content-Length when not empty
  std::string content_type;    ///< for the body
  std::string bearer_token;    ///< Authorization header when set; never written to a transcript
};

/// The bytes to send: request line, Host, User-Agent, Accept, extra headers, Connection: close,
/// Content-Type and Content-Length when there is a body, blank line, body.
std::string render_request(const HttpRequest& request);
/// The same request line and headers with the Authorization value replaced by "[REDACTED]" and
/// without the body: what results record as "sent".
std::string request_transcript(const HttpRequest& request);
/// False when a field holds a CR, LF or NUL (header injection) or the path has a space or does
/// not start with '/'. render_request is only called on valid requests.
bool request_is_valid(const HttpRequest& request);

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;  ///< status line and headers together
  size_t max_headers = 64;
  size_t max_body = 64 * 1024;  ///< body bytes kept (decoded); reading stops after this;
                                ///< 0 = complete at the end of the headers
};

struct HttpResponse {
  std::string version;      ///< "HTTP/1.1"
  int status = 0;
  std::string reason;
  std::string status_line;  ///< as received, without CRLF (bounded by max_header_bytes)
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased, in order
  std::string body;         ///< de-chunked, at most max_body bytes
  size_t body_bytes = 0;    ///< body bytes seen (decoded), may exceed body.size() by one chunk
  bool body_truncated = false;  ///< stopped at max_body before the end of the body
  /// First value of a header (name in lower case), empty when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
};

/// Feed it bytes as they arrive; it says when the response is complete or malformed.
class HttpResponseReader {
 public:
  enum class State { kNeedMore, kComplete, kError };

  explicit HttpResponseReader(HttpLimits limits = {}) : limits_(limits) {}

  /// Consumes bytes. After kComplete or kError further bytes are ignored.
  State feed(std::string_view bytes);
  /// The peer closed the connection: completes a body delimited by EOF, else an error
  /// ("connection closed before the headers ended", "... in the body").
  State finish();

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool headers_done() const { return phase_ != Phase::kHeaders; }
  [[nodiscard]] const HttpResponse& response() const { return response_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  /// The first bytes received (at most 64), for describing an answer that is not HTTP.
  [[nodiscard]] const std::string& first_bytes() const { return first_bytes_; }

 private:
  enum class Phase { kHeaders, kBodyLength, kBodyChunkSize, kBodyChunkData, kBodyChunkCrlf,
                     kBodyUntilClose, kDone };
  State fail(std::string message);
  State parse_headers();
  State consume_body(std::string_view& data);
  void keep_body(std::string_view chunk);

  HttpLimits limits_;
  State state_ = State::kNeedMore;
  Phase phase_ = Phase::kHeaders;
  std::string buffer_;  ///< header bytes, or a partial chunk-size line
  std::string first_bytes_;
  HttpResponse response_;
  std::string error_;
  size_t remaining_ = 0;  ///< body bytes left (Content-Length) or left in this chunk
};

}  // namespace rampart::probe
