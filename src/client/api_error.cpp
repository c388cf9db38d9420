#include "rampart/client/api_error.h"

#include <nlohmann/json.hpp>

namespace rampart::client {
namespace {

// Keeps an error on one line and short: servers behind proxies may answer with whole pages.
std::string one_line(std::string_view text, size_t max = 300) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string path_only(const std::string& path) { return path.substr(0, path.find('?')); }

}  // namespace

std::optional<ApiStatus> parse_status(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("kind", std::string()) != "Status") return std::nullopt;
  ApiStatus s;
  if (auto it = j.find("message"); it != j.end() && it->is_string()) s.message = one_line(it->get<std::string>());
  if (auto it = j.find("reason"); it != j.end() && it->is_string()) s.reason = it->get<std::string>();
  if (auto it = j.find("code"); it != j.end() && it->is_number_integer()) s.code = it->get<long>();
  return s;
}

std::string status_line(long status) {
  const char* phrase = "";
  switch (status) {
    case 400: phrase = "Bad Request"; break;
    case 401: phrase = "Unauthorized"; break;
    case 403: phrase = "Forbidden"; break;
    case 404: phrase = "Not Found"; break;
    case 405: phrase = "Method Not Allowed"; break;
    case 406: phrase = "Not Acceptable"; break;
    case 409: phrase = "Conflict"; break;
    case 410: phrase = "Gone"; break;
    case 415: phrase = "Unsupported Media Type"; break;
    case 422: phrase = "Unprocessable Entity"; break;
    case 429: phrase = "Too Many Requests"; break;
    case 500: phrase = "Internal Server Error"; break;
    case 502: phrase = "Bad Gateway"; break;
    case 503: phrase = "Service Unavailable"; break;
    case 504: phrase = "Gateway Timeout"; break;
    default: break;
  }
  std::string out = "HTTP " + std::to_string(status);
  if (*phrase != '\0') out += std::string(" ") + phrase;
  return out;
}

Error http_error(const Request& request, const Response& response, const std::string& server,
                 const std::string& credential_kind) {
  Error e;
  e.http_status = static_cast<int>(response.status);
  e.context = server + path_only(request.path);
  std::optional<ApiStatus> status = parse_status(response.body);
  std::string detail;
  if (status && !status->message.empty()) detail = status->message;
  else if (!response.body.empty() && response.content_type.find("json") == std::string::npos &&
           response.content_type.find("text/plain") != std::string::npos)
    detail = one_line(response.body, 200);
  std::string what = request.what.empty() ? request.method + " " + path_only(request.path) : request.what;

  switch (response.status) {
    case 401:
      e.kind = ErrorKind::kUnauthorized;
      e.message = status_line(401) + ": the API server rejected the " + credential_kind +
                  " credential (" + what + ")";
      // The Status of a 401 says only "Unauthorized"; anything more specific is worth keeping.
      if (!detail.empty() && detail != "Unauthorized") e.message += ": " + detail;
      return e;
    case 403:
      e.kind = ErrorKind::kForbidden;
      e.message = status_line(403) + ": not allowed to " + what;
      break;
    case 404:
      e.kind = ErrorKind::kNotFound;
      e.message = status_line(404) + ": " + what + " is not served";
      break;
    case 410:
      e.kind = ErrorKind::kGone;
      e.message = status_line(410) + ": " + what;
      break;
    default:
      e.kind = ErrorKind::kHttp;
      e.message = status_line(response.status) + ": " + what;
      break;
  }
  if (!detail.empty()) e.message += ": " + detail;
  return e;
}

}  // namespace rampart::client
