#include <catch2/catch.hpp>

#include "rampart/cli/connection.h"
#include "rampart/cli/inventory_text.h"

using namespace rampart;
using namespace rampart::cli;
using std::chrono::milliseconds;

TEST_CASE("cli: durations as kubectl takes them", "[cli]") {
  CHECK(parse_duration("30s") == milliseconds(30000));
  CHECK(parse_duration("5") == milliseconds(5000));
  CHECK(parse_duration("0") == milliseconds(0));
  CHECK(parse_duration("1m30s") == milliseconds(90000));
  CHECK(parse_duration("500ms") == milliseconds(500));
  CHECK(parse_duration("1.5s") == milliseconds(1500));
  CHECK(parse_duration("2h") == milliseconds(7200000));
  for (const char* bad : {"", "s", "10x", "-1s", "1m30", "ms", "99999999999h", "1 s"}) {
    CAPTURE(bad);
    auto d = parse_duration(bad);
    REQUIRE_FALSE(d);
    CHECK(d.error().kind == ErrorKind::kUsage);
  }
}

TEST_CASE("cli: bad timeouts are usage errors before anything is loaded", "[cli]") {
  ConnectionOptions o;
  o.kubeconfig = "/nonexistent/kubeconfig";
  o.request_timeout = "soon";
  auto c = connect(o);
  REQUIRE_FALSE(c);
  CHECK(c.error().kind == ErrorKind::kUsage);
  CHECK(c.error().message == "--request-timeout: invalid duration 'soon' (use e.g. 30s, 2m, 1m30s, 500ms)");
  o.request_timeout = "10s";
  o.connect_timeout = "0";
  CHECK(connect(o).error().message.starts_with("--connect-timeout: invalid duration '0'"));
}

TEST_CASE("cli: a rejected credential names the context, user and kubeconfig", "[cli]") {
  config::RestConfig rest;
  rest.context = "prod";
  rest.user_name = "ci";
  rest.source = "/home/a/.kube/config";
  Error e{ErrorKind::kUnauthorized, "HTTP 401 Unauthorized: the API server rejected the token credential (get /version)",
          "https://h:6443/version", 401};
  CHECK(connection_failure(e, rest) ==
        "https://h:6443/version: HTTP 401 Unauthorized: the API server rejected the token credential (get /version) "
        "[context 'prod', user 'ci', from /home/a/.kube/config]");
  Error net{ErrorKind::kNetwork, "cannot connect to h:6443: Connection refused", "https://h:6443", 0};
  CHECK(connection_failure(net, rest) == "https://h:6443: cannot connect to h:6443: Connection refused");
}

TEST_CASE("cli: inventory text lists counts per type and every error", "[cli]") {
  collect::Inventory inv;
  inv.identity.server = "https://h:6443";
  inv.identity.context = "prod";
  inv.identity.git_version = "v1.32.4";
  inv.status[collect::ResourceType::kPods] = {collect::CollectStatus::State::kOk, "", 0, 1200, 3, 3 * 1024 * 1024, 1.5};
  inv.status[collect::ResourceType::kSecrets] = {collect::CollectStatus::State::kForbidden,
                                                 "HTTP 403 Forbidden: not allowed to list secrets", 403, 0, 0, 0, 0.1};
  std::string text = render_inventory_text(inv);
  CHECK(text.find("server:     https://h:6443 (context prod)\n") != std::string::npos);
  CHECK(text.find("pods                             ok                1200      3     3.0 MiB     1.50\n") != std::string::npos);
  CHECK(text.find("nodes                            skipped") != std::string::npos);
  CHECK(text.find("errors:\n  secrets: forbidden: HTTP 403 Forbidden: not allowed to list secrets\n") != std::string::npos);
  CHECK(human_bytes(1023) == "1023 B");
  CHECK(human_bytes(1536) == "1.5 KiB");
}
