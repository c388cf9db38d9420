#include "rampart/client/api_client.h"

#include <thread>

#include <spdlog/spdlog.h>

#include "rampart/client/api_error.h"

namespace rampart::client {
namespace {

std::string path_only(const std::string& path) { return path.substr(0, path.find('?')); }

double elapsed_seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

std::string url_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

ApiClient::ApiClient(Transport& transport, std::shared_ptr<config::CredentialSource> credentials,
                     ClientOptions options)
    : transport_(transport), credentials_(std::move(credentials)), options_(std::move(options)) {
  if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  random_.seed(options_.seed != 0 ? options_.seed : std::random_device{}());
}

std::chrono::milliseconds ApiClient::next_delay(int retry,
                                                std::optional<std::chrono::milliseconds> after) {
  double unit = 0;
  {
    std::lock_guard lock(random_mutex_);
    unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  }
  return backoff_delay(options_.retry, retry, after, unit);
}

Result<Response> ApiClient::execute(Request request) {
  auto credential = credentials_->get(false);
  if (!credential) return tl::unexpected(credential.error());
  request.credential = std::move(*credential);
  bool refreshed = false;
  auto start = std::chrono::steady_clock::now();
  for (int attempt = 1;; ++attempt) {
    auto sent = transport_.send(request);
    if (!sent) {
      const TransportError& err = sent.error();
      if (err.retryable && attempt < options_.retry.max_attempts) {
        auto delay = next_delay(attempt, std::nullopt);
        spdlog::debug("{} {}: {}; retry {} of {} in {} ms", request.method, path_only(request.path),
                      err.error.message, attempt, options_.retry.max_attempts - 1, delay.count());
        options_.sleep(delay);
        continue;
      }
      return tl::unexpected(err.error);
    }
    Response& response = *sent;
    spdlog::debug("{} {} -> {} ({} bytes, {:.3f} s)", request.method, request.path,
                  response.status, response.body.size(), elapsed_seconds(start));
    if (response.status == 401 && !refreshed) {
      // The credential may have expired (exec plugin, rotated token file): ask once for a
      // fresh one and try again; a second 401 is final.
      refreshed = true;
      spdlog::debug("401 for {}: refreshing the {} credential and retrying once", request.what,
                    credentials_->kind());
      auto fresh = credentials_->get(true);
      if (!fresh) return tl::unexpected(fresh.error());
      request.credential = std::move(*fresh);
      --attempt;  // the refresh retry does not use up the retry budget
      continue;
    }
    if (retryable_status(response.status) && attempt < options_.retry.max_attempts) {
      auto delay = next_delay(attempt, response.retry_after);
      spdlog::info("{} for {}; retry {} of {} in {} ms", status_line(response.status), request.what,
                   attempt, options_.retry.max_attempts - 1, delay.count());
      options_.sleep(delay);
      continue;
    }
    if (response.status < 200 || response.status > 299)
      return tl::unexpected(http_error(request, response, transport_.server(), credentials_->kind()));
    return std::move(response);
  }
}

Result<Response> ApiClient::get(const std::string& path, const std::string& what,
                                const std::string& accept) {
  Request request;
  request.path = path;
  request.accept = accept;
  request.what = what;
  return execute(std::move(request));
}

Result<nlohmann::json> ApiClient::get_json(const std::string& path, const std::string& what) {
  auto response = get(path, what);
  if (!response) return tl::unexpected(response.error());
  nlohmann::json j = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return fail(ErrorKind::kParse, "malformed JSON in the answer to " + what,
                transport_.server() + path_only(path));
  return j;
}

Result<nlohmann::json> ApiClient::post_json(const std::string& path, const nlohmann::json& body,
                                            const std::string& what) {
  Request request;
  request.method = "POST";
  request.path = path;
  request.content_type = "application/json";
  request.body = body.dump();
  request.what = what;
  auto response = execute(std::move(request));
  if (!response) return tl::unexpected(response.error());
  nlohmann::json j = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return fail(ErrorKind::kParse, "malformed JSON in the answer to " + what,
                transport_.server() + path);
  return j;
}

Result<ListStats> ApiClient::list(const ListRequest& list, const ItemCallback& on_item,
                                  const std::function<void()>& on_restart) {
  ListStats stats;
  std::string token;
  for (;;) {
    std::string path = list.path;
    char sep = '?';
    auto add = [&](const std::string& param) {
      path += sep;
      path += param;
      sep = '&';
    };
    if (!list.query.empty()) add(list.query);
    if (list.chunk_size > 0) add("limit=" + std::to_string(list.chunk_size));
    if (!token.empty()) add("continue=" + url_encode(token));

    Request request;
    request.path = path;
    request.accept = list.accept;
    request.what = list.what;
    auto response = execute(std::move(request));
    if (!response) {
      Error e = response.error();
      if (e.kind == ErrorKind::kGone && !token.empty()) {
        if (stats.restarts == 0) {
          // The continue token expired (the server compacted past its resourceVersion): start
          // the list over, once, from a fresh snapshot. What was kept is dropped by the caller.
          spdlog::warn("{}: continue token expired after {} pages; restarting the list once",
                       list.what, stats.pages);
          ++stats.restarts;
          stats.items = 0;
          token.clear();
          if (on_restart) on_restart();
          continue;
        }
        e.message += " (after restarting the list once)";
      }
      return tl::unexpected(std::move(e));
    }
    ++stats.pages;
    stats.bytes += response->body.size();
    auto page = parse_list_page(response->body, on_item);
    if (!page) {
      Error e = page.error();
      e.message += " (" + list.what + ", page " + std::to_string(stats.pages) + ")";
      e.context = transport_.server() + list.path;
      return tl::unexpected(std::move(e));
    }
    stats.items += page->items;
    if (page->header.continue_token.empty()) return stats;
    if (page->header.continue_token == token) {
      // A server that hands back the token it was given would loop forever.
      return fail(ErrorKind::kHttp, "the server repeated the same continue token (" + list.what + ")",
                  transport_.server() + list.path);
    }
    token = page->header.continue_token;
  }
}

}  // namespace rampart::client
