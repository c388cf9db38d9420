#include <catch2/catch.hpp>

#include "rampart/client/api_client.h"
#include "rampart/client/api_error.h"
#include "rampart/client/discovery.h"
#include "../support/fake_cluster.h"

using namespace rampart;
using namespace rampart::client;
using rampart::testing::FakeCluster;
using rampart::testing::FakeCredentials;
using rampart::testing::FakeTransport;
using rampart::testing::json_response;
using rampart::testing::status_response;
using std::chrono::milliseconds;
using nlohmann::json;

namespace {

struct Harness {
  FakeCluster cluster;
  FakeTransport transport{[this](const Request& r) { return cluster.serve(r); }};
  std::shared_ptr<FakeCredentials> credentials = std::make_shared<FakeCredentials>();
  std::vector<milliseconds> sleeps;
  ApiClient api{transport, credentials, options()};

  ClientOptions options() {
    ClientOptions o;
    o.sleep = [this](milliseconds d) { sleeps.push_back(d); };
    o.seed = 42;
    return o;
  }
};

std::vector<json> pods(size_t n) {
  std::vector<json> out;
  for (size_t i = 0; i < n; ++i) out.push_back(testing::object("Pod", "ns", "pod-" + std::to_string(i)));
  return out;
}

ListRequest pod_list(size_t chunk) {
  ListRequest l;
  l.path = "/api/v1/pods";
  l.what = "list pods";
  l.chunk_size = chunk;
  return l;
}

}  // namespace

TEST_CASE("api client: a list is paged with limit and continue until the last page", "[client]") {
  Harness h;
  h.cluster.lists["/api/v1/pods"] = pods(1003);
  std::vector<std::string> names;
  auto stats = h.api.list(pod_list(40), [&](const json& item, const PageHeader&) {
    names.push_back(item["metadata"]["name"]);
  }, {});
  REQUIRE(stats);
  CHECK(stats->pages == 26);  // 25 full pages of 40 and one of 3
  CHECK(stats->items == 1003);
  CHECK(stats->restarts == 0);
  REQUIRE(names.size() == 1003);
  CHECK(names.front() == "pod-0");
  CHECK(names.back() == "pod-1002");
  auto paths = h.transport.paths();
  REQUIRE(paths.size() == 26);
  CHECK(paths[0] == "/api/v1/pods?limit=40");
  CHECK(paths[1] == "/api/v1/pods?limit=40&continue=c40");
  // Every request carries the credential and asks for JSON.
  for (const auto& r : h.transport.requests()) {
    CHECK(r.credential.bearer_token == "token-1");
    CHECK(r.accept == "application/json");
  }
}

TEST_CASE("api client: an expired continue token restarts the list once", "[client]") {
  Harness h;
  h.cluster.lists["/api/v1/pods"] = pods(100);
  int gone_left = 1;
  h.cluster.intercept = [&](const Request& r) -> std::optional<Response> {
    if (r.path.find("continue=c60") != std::string::npos && gone_left-- > 0)
      return status_response(410, "Expired", "The provided continue parameter is too old");
    return std::nullopt;
  };
  std::vector<std::string> kept;
  int restarts = 0;
  auto stats = h.api.list(pod_list(30), [&](const json& item, const PageHeader&) {
    kept.push_back(item["metadata"]["name"]);
  }, [&] { ++restarts; kept.clear(); });
  REQUIRE(stats);
  CHECK(restarts == 1);
  CHECK(stats->restarts == 1);
  CHECK(stats->items == 100);
  CHECK(kept.size() == 100);
  // 2 pages before the 410, then a full pass of 4 pages; the 410 itself is not a page.
  CHECK(stats->pages == 6);
  auto paths = h.transport.paths();
  CHECK(paths[3] == "/api/v1/pods?limit=30");  // the restart starts without a token
}

TEST_CASE("api client: a second expired continue token is an error", "[client]") {
  Harness h;
  h.cluster.lists["/api/v1/pods"] = pods(100);
  h.cluster.intercept = [&](const Request& r) -> std::optional<Response> {
    if (r.path.find("continue=c60") != std::string::npos)
      return status_response(410, "Expired", "The provided continue parameter is too old");
    return std::nullopt;
  };
  auto stats = h.api.list(pod_list(30), [](const json&, const PageHeader&) {}, [] {});
  REQUIRE_FALSE(stats);
  CHECK(stats.error().kind == ErrorKind::kGone);
  CHECK(stats.error().http_status == 410);
  CHECK(stats.error().message ==
        "HTTP 410 Gone: list pods: The provided continue parameter is too old "
        "(after restarting the list once)");
}

TEST_CASE("api client: 503 and 429 are retried with backoff, Retry-After honoured and bounded", "[client]") {
  Harness h;
  int calls = 0;
  h.cluster.intercept = [&](const Request&) -> std::optional<Response> {
    ++calls;
    if (calls == 1) {
      Response r = status_response(429, "TooManyRequests", "slow down");
      r.retry_after = std::chrono::seconds(2);
      return r;
    }
    if (calls == 2) {
      Response r = status_response(429, "TooManyRequests", "slow down a lot");
      r.retry_after = std::chrono::hours(1);
      return r;
    }
    if (calls == 3) return status_response(503, "ServiceUnavailable", "etcd is busy");
    return std::nullopt;
  };
  auto version = h.api.get_json("/version", "get /version");
  REQUIRE(version);
  CHECK((*version)["gitVersion"] == "v1.32.4");
  REQUIRE(h.sleeps.size() == 3);
  CHECK(h.sleeps[0] == milliseconds(2000));
  CHECK(h.sleeps[1] == milliseconds(30000));  // capped by max_retry_after
  // Third attempt: no Retry-After, exponential backoff 250 ms * 2^2 = 1 s, equal jitter.
  CHECK(h.sleeps[2] >= milliseconds(500));
  CHECK(h.sleeps[2] <= milliseconds(1000));
}

TEST_CASE("api client: retries are bounded and the last answer is the error", "[client]") {
  Harness h;
  h.cluster.intercept = [&](const Request&) -> std::optional<Response> {
    return status_response(500, "InternalError", "etcdserver: request timed out");
  };
  auto version = h.api.get_json("/version", "get /version");
  REQUIRE_FALSE(version);
  CHECK(h.transport.requests().size() == 5);
  CHECK(h.sleeps.size() == 4);
  for (size_t i = 0; i < h.sleeps.size(); ++i) CHECK(h.sleeps[i] <= milliseconds(8000));
  CHECK(version.error().kind == ErrorKind::kHttp);
  CHECK(version.error().http_status == 500);
  CHECK(version.error().message ==
        "HTTP 500 Internal Server Error: get /version: etcdserver: request timed out");
  CHECK(version.error().context == "https://fake:6443/version");
}

TEST_CASE("api client: broken connections are retried, refused verification is not", "[client]") {
  Harness h;
  int calls = 0;
  FakeTransport flaky([&](const Request& r) -> tl::expected<Response, TransportError> {
    if (++calls < 3) return tl::unexpected(TransportError{Error{ErrorKind::kNetwork, "reset", "", 0}, true});
    return h.cluster.serve(r);
  });
  ApiClient api(flaky, h.credentials, h.options());
  CHECK(api.get_json("/version", "get /version"));
  CHECK(calls == 3);
  CHECK(h.sleeps.size() == 2);

  FakeTransport tls([&](const Request&) -> tl::expected<Response, TransportError> {
    return tl::unexpected(TransportError{Error{ErrorKind::kTls, "bad certificate", "", 0}, false});
  });
  ApiClient api2(tls, h.credentials, h.options());
  auto r = api2.get_json("/version", "get /version");
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::kTls);
  CHECK(tls.requests().size() == 1);
}

TEST_CASE("api client: a 401 refreshes the credential once and retries", "[client]") {
  Harness h;
  h.cluster.intercept = [&](const Request& r) -> std::optional<Response> {
    if (r.credential.bearer_token == "token-1") return status_response(401, "Unauthorized", "Unauthorized");
    return std::nullopt;
  };
  auto version = h.api.get_json("/version", "get /version");
  REQUIRE(version);
  CHECK(h.credentials->refreshes == 1);
  auto requests = h.transport.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].credential.bearer_token == "token-2");
  CHECK(h.sleeps.empty());
}

TEST_CASE("api client: a second 401 names the rejected credential kind", "[client]") {
  Harness h;
  h.cluster.intercept = [&](const Request&) -> std::optional<Response> {
    return status_response(401, "Unauthorized", "Unauthorized");
  };
  auto version = h.api.get_json("/version", "get /version");
  REQUIRE_FALSE(version);
  CHECK(h.credentials->refreshes == 1);
  CHECK(h.transport.requests().size() == 2);
  CHECK(version.error().kind == ErrorKind::kUnauthorized);
  CHECK(version.error().message ==
        "HTTP 401 Unauthorized: the API server rejected the token-file credential (get /version)");
}

TEST_CASE("api client: a 403 carries the verb, the resource and the Status message", "[client]") {
  Harness h;
  h.cluster.intercept = [&](const Request&) -> std::optional<Response> {
    return status_response(403, "Forbidden",
                           "secrets is forbidden: User \"jane\" cannot list resource \"secrets\" in "
                           "API group \"\" at the cluster scope");
  };
  ListRequest l;
  l.path = "/api/v1/secrets";
  l.what = "list secrets";
  auto stats = h.api.list(l, [](const json&, const PageHeader&) {}, {});
  REQUIRE_FALSE(stats);
  CHECK(stats.error().kind == ErrorKind::kForbidden);
  CHECK(stats.error().http_status == 403);
  CHECK(stats.error().message ==
        "HTTP 403 Forbidden: not allowed to list secrets: secrets is forbidden: User \"jane\" cannot "
        "list resource \"secrets\" in API group \"\" at the cluster scope");
  CHECK(h.transport.requests().size() == 1);  // a 403 is not retried
}

TEST_CASE("api client: a body that is not a list is a parse error naming the page", "[client]") {
  Harness h;
  h.cluster.intercept = [&](const Request&) -> std::optional<Response> {
    Response r;
    r.status = 200;
    r.body = "<html>proxy login</html>";
    return r;
  };
  auto stats = h.api.list(pod_list(10), [](const json&, const PageHeader&) {}, {});
  REQUIRE_FALSE(stats);
  CHECK(stats.error().kind == ErrorKind::kParse);
  CHECK(stats.error().message.find("(list pods, page 1)") != std::string::npos);
}

TEST_CASE("api client: continue tokens are percent-encoded", "[client]") {
  CHECK(url_encode("eyJ2Ijoi+/=") == "eyJ2Ijoi%2B%2F%3D");
  CHECK(url_encode("a-b_c.d~e") == "a-b_c.d~e");
}

TEST_CASE("api error: a non-Status body keeps the status line", "[client]") {
  Request req;
  req.path = "/apis/networking.k8s.io/v1/networkpolicies?limit=500";
  req.what = "list networkpolicies";
  Response resp;
  resp.status = 404;
  resp.body = "404 page not found";
  resp.content_type = "text/plain; charset=utf-8";
  Error e = http_error(req, resp, "https://h:6443", "exec");
  CHECK(e.kind == ErrorKind::kNotFound);
  CHECK(e.message == "HTTP 404 Not Found: list networkpolicies is not served: 404 page not found");
  CHECK(e.context == "https://h:6443/apis/networking.k8s.io/v1/networkpolicies");
  CHECK_FALSE(parse_status("{not json").has_value());
  CHECK(parse_status(R"({"kind":"Status","message":"m","reason":"Forbidden","code":403})") ==
        ApiStatus{"m", "Forbidden", 403});
}

TEST_CASE("discovery: version and group versions", "[client]") {
  Harness h;
  auto info = discover(h.api);
  REQUIRE(info);
  CHECK(info->git_version == "v1.32.4");
  CHECK(info->minor == "32");
  CHECK(info->groups_known);
  CHECK(info->serves("v1"));
  CHECK(info->serves("apps/v1"));
  CHECK_FALSE(info->serves("policy/v1beta1"));

  h.cluster.intercept = [&](const Request& r) -> std::optional<Response> {
    if (r.path == "/apis") return status_response(503, "ServiceUnavailable", "aggregator down");
    return std::nullopt;
  };
  auto partial = discover(h.api);
  REQUIRE(partial);
  CHECK_FALSE(partial->groups_known);
  CHECK(partial->serves("policy/v1beta1"));  // unknown: the list call will tell
}
