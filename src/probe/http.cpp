#include "rampart/probe/http.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "rampart/core/build_info.h"

namespace rampart::probe {
namespace {

constexpr std::string_view kHttpPrefix = "HTTP/";
constexpr size_t kMaxChunkLine = 1024;
constexpr size_t kFirstBytes = 64;

bool has_forbidden_byte(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string head(const HttpRequest& r, bool redact) {
  std::string out = r.method + " " + r.path + " HTTP/1.1\r\n";
  out += "Host: " + r.authority + "\r\n";
  out += std::string("User-Agent: rampart-probe/") + kVersion + "\r\n";
  out += "Accept: application/json, */*\r\n";
  if (!r.bearer_token.empty())
    out += "Authorization: Bearer " + (redact ? std::string("[REDACTED]") : r.bearer_token) + "\r\n";
  for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
  out += "Connection: close\r\n";
  if (!r.body.empty()) {
    if (!r.content_type.empty()) out += "Content-Type: " + r.content_type + "\r\n";
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace

bool request_is_valid(const HttpRequest& r) {
  if (r.method.empty() || !std::all_of(r.method.begin(), r.method.end(), is_token_char)) return false;
  if (r.path.empty() || r.path.front() != '/' || r.path.find(' ') != std::string::npos) return false;
  if (has_forbidden_byte(r.path) || has_forbidden_byte(r.authority) ||
      has_forbidden_byte(r.bearer_token) || has_forbidden_byte(r.content_type))
    return false;
  for (const auto& [k, v] : r.headers) {
    if (k.empty() || !std::all_of(k.begin(), k.end(), is_token_char) || has_forbidden_byte(v))
      return false;
  }
  return true;
}

std::string render_request(const HttpRequest& request) { return head(request, false) + request.body; }

std::string request_transcript(const HttpRequest& request) { return head(request, true); }

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

HttpResponseReader::State HttpResponseReader::fail(std::string message) {
  error_ = std::move(message);
  state_ = State::kError;
  return state_;
}

HttpResponseReader::State HttpResponseReader::feed(std::string_view bytes) {
  if (state_ != State::kNeedMore) return state_;
  if (first_bytes_.size() < kFirstBytes)
    first_bytes_.append(bytes.substr(0, kFirstBytes - first_bytes_.size()));
  if (phase_ == Phase::kHeaders) {
    // Copy no more than the header limit allows (plus room to see the end of the headers).
    size_t room = limits_.max_header_bytes + 4 - std::min(buffer_.size(), limits_.max_header_bytes + 4);
    size_t take = std::min(room, bytes.size());
    buffer_.append(bytes.substr(0, take));
    size_t check = std::min(buffer_.size(), kHttpPrefix.size());
    if (std::string_view(buffer_).substr(0, check) != kHttpPrefix.substr(0, check))
      return fail("not an HTTP response");
    size_t crlf = buffer_.find("\r\n\r\n");
    size_t lf = buffer_.find("\n\n");
    size_t end = std::min(crlf == std::string::npos ? std::string::npos : crlf + 4,
                          lf == std::string::npos ? std::string::npos : lf + 2);
    if (end == std::string::npos) {
      if (buffer_.size() > limits_.max_header_bytes)
        return fail("header section longer than " + std::to_string(limits_.max_header_bytes) +
                    " bytes");
      return state_;
    }
    if (end > limits_.max_header_bytes + 4)
      return fail("header section longer than " + std::to_string(limits_.max_header_bytes) +
                  " bytes");
    // Bytes after the blank line: the part of `buffer_` past `end`, then what was not copied.
    std::string rest = buffer_.substr(end);
    rest.append(bytes.substr(take));
    buffer_.resize(end);
    if (parse_headers() != State::kNeedMore) return state_;
    if (limits_.max_body == 0) {  // status only: never wait for a body nobody keeps
      response_.body_truncated = true;
      phase_ = Phase::kDone;
      state_ = State::kComplete;
      return state_;
    }
    buffer_.clear();
    std::string_view data(rest);
    return consume_body(data);
  }
  return consume_body(bytes);
}

HttpResponseReader::State HttpResponseReader::parse_headers() {
  std::vector<std::string_view> lines;
  std::string_view block(buffer_);
  while (!block.empty()) {
    size_t nl = block.find('\n');
    std::string_view line = block.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    block.remove_prefix(nl + 1);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) return fail("empty status line");

  std::string_view status_line = lines.front();
  response_.status_line = std::string(status_line);
  // HTTP/d.d SP ddd [SP reason]
  if (status_line.size() < 12 || status_line.substr(0, 5) != kHttpPrefix ||
      !std::isdigit(static_cast<unsigned char>(status_line[5])) || status_line[6] != '.' ||
      !std::isdigit(static_cast<unsigned char>(status_line[7])) || status_line[8] != ' ')
    return fail("malformed status line");
  int status = 0;
  auto [p, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
  if (ec != std::errc() || p != status_line.data() + 12 || status < 100 || status > 599 ||
      (status_line.size() > 12 && status_line[12] != ' '))
    return fail("malformed status code");
  response_.version = std::string(status_line.substr(0, 8));
  response_.status = status;
  response_.reason = status_line.size() > 13 ? std::string(status_line.substr(13)) : std::string();

  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return fail("malformed header line");
    std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_token_char)) return fail("malformed header name");
    if (response_.headers.size() >= limits_.max_headers)
      return fail("more than " + std::to_string(limits_.max_headers) + " headers");
    response_.headers.emplace_back(lower(name), std::string(trim(line.substr(colon + 1))));
  }

  if (status < 200) return fail("interim " + std::to_string(status) + " response");
  if (status == 204 || status == 304) {
    phase_ = Phase::kDone;
    state_ = State::kComplete;
    return state_;
  }
  std::string te = lower(response_.header("transfer-encoding"));
  if (te.find("chunked") != std::string::npos) {
    phase_ = Phase::kBodyChunkSize;
    return state_;
  }
  std::string cl_text;
  for (const auto& [k, v] : response_.headers) {
    if (k != "content-length") continue;
    if (!cl_text.empty() && cl_text != v) return fail("conflicting Content-Length headers");
    cl_text = v;
  }
  if (!cl_text.empty()) {
    size_t length = 0;
    auto [q, ec2] = std::from_chars(cl_text.data(), cl_text.data() + cl_text.size(), length);
    if (ec2 != std::errc() || q != cl_text.data() + cl_text.size())
      return fail("malformed Content-Length");
    remaining_ = length;
    phase_ = Phase::kBodyLength;
    if (remaining_ == 0) {
      phase_ = Phase::kDone;
      state_ = State::kComplete;
    }
    return state_;
  }
  phase_ = Phase::kBodyUntilClose;
  return state_;
}

void HttpResponseReader::keep_body(std::string_view chunk) {
  response_.body_bytes += chunk.size();
  size_t room = limits_.max_body - std::min(response_.body.size(), limits_.max_body);
  response_.body.append(chunk.substr(0, room));
  if (response_.body_bytes > limits_.max_body) {
    response_.body_truncated = true;
    phase_ = Phase::kDone;
    state_ = State::kComplete;
  }
}

HttpResponseReader::State HttpResponseReader::consume_body(std::string_view& data) {
  while (state_ == State::kNeedMore && !data.empty()) {
    switch (phase_) {
      case Phase::kBodyUntilClose:
        keep_body(data);
        data = {};
        break;
      case Phase::kBodyLength: {
        size_t n = std::min(remaining_, data.size());
        keep_body(data.substr(0, n));
        data.remove_prefix(n);
        remaining_ -= n;
        if (remaining_ == 0 && state_ == State::kNeedMore) {
          phase_ = Phase::kDone;
          state_ = State::kComplete;
        }
        break;
      }
      case Phase::kBodyChunkSize: {
        size_t nl = data.find('\n');
        buffer_.append(data.substr(0, nl == std::string_view::npos ? data.size() : nl));
        if (buffer_.size() > kMaxChunkLine) return fail("chunk size line too long");
        if (nl == std::string_view::npos) {
          data = {};
          break;
        }
        data.remove_prefix(nl + 1);
        std::string_view line = trim(buffer_);
        line = line.substr(0, line.find(';'));
        line = trim(line);
        size_t size = 0;
        auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
        if (line.empty() || line.size() > 15 || ec != std::errc() || p != line.data() + line.size())
          return fail("malformed chunk size");
        buffer_.clear();
        if (size == 0) {  // trailers are not needed: the connection closes after this answer
          phase_ = Phase::kDone;
          state_ = State::kComplete;
          break;
        }
        remaining_ = size;
        phase_ = Phase::kBodyChunkData;
        break;
      }
      case Phase::kBodyChunkData: {
        size_t n = std::min(remaining_, data.size());
        keep_body(data.substr(0, n));
        data.remove_prefix(n);
        remaining_ -= n;
        if (remaining_ == 0) phase_ = Phase::kBodyChunkCrlf;
        break;
      }
      case Phase::kBodyChunkCrlf:
        if (data.front() == '\r') {
          data.remove_prefix(1);
        } else if (data.front() == '\n') {
          data.remove_prefix(1);
          phase_ = Phase::kBodyChunkSize;
        } else {
          return fail("missing CRLF after chunk data");
        }
        break;
      case Phase::kHeaders:
      case Phase::kDone:
        data = {};
        break;
    }
  }
  return state_;
}

HttpResponseReader::State HttpResponseReader::finish() {
  if (state_ != State::kNeedMore) return state_;
  if (phase_ == Phase::kHeaders) {
    if (first_bytes_.empty()) return fail("connection closed without an answer");
    return fail("connection closed before the end of the headers");
  }
  if (phase_ != Phase::kBodyUntilClose) {
    // Status and headers are what the probes decide on; keep them and say the body was cut.
    response_.body_truncated = true;
    error_ = "connection closed in the body";
  }
  phase_ = Phase::kDone;
  state_ = State::kComplete;
  return state_;
}

}  // namespace rampart::probe
