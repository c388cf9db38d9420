#include <catch2/catch.hpp>

#include "rampart/probe/runner.h"
#include "rampart/probe/target.h"

using namespace rampart::probe;

TEST_CASE("target: host and port forms", "[probe]") {
  auto v4 = parse_host_port("10.0.0.1:10250", 1);
  REQUIRE(v4);
  CHECK(v4->first == "10.0.0.1");
  CHECK(v4->second == 10250);
  auto name = parse_host_port("node-1.example", 10250);
  REQUIRE(name);
  CHECK(name->second == 10250);
  auto v6 = parse_host_port("[fd00::1]:2379", 1);
  REQUIRE(v6);
  CHECK(v6->first == "fd00::1");
  CHECK(v6->second == 2379);
  auto bare6 = parse_host_port("fd00::1", 443);
  REQUIRE(bare6);
  CHECK(bare6->first == "fd00::1");
  CHECK(bare6->second == 443);
}

TEST_CASE("target: bad host and port forms are one clear usage error", "[probe]") {
  for (const char* bad : {"", ":10250", "host:", "host:0", "host:65536", "host:12ab", "[fd00::1",
                          "[notv6]:1", "ho st:1", "host/path:1", "user@host:1", "a:b:c:d",
                          "host\r\nX:1"}) {
    auto r = parse_host_port(bad, 1);
    CHECK_FALSE(r);
    if (!r) CHECK(r.error().kind == rampart::ErrorKind::kUsage);
  }
  CHECK(parse_host_port("host:99999", 1).error().message == "invalid port \"99999\" (want 1-65535)");
}

TEST_CASE("target: URL targets name their kind", "[probe]") {
  auto k = parse_target("kubelet://10.0.0.1");
  REQUIRE(k);
  CHECK(k->kind == TargetKind::kKubelet);
  CHECK(k->port == 10250);
  CHECK(k->url() == "kubelet://10.0.0.1:10250");
  auto api = parse_target("https://api.example:6443/some/path");
  REQUIRE(api);
  CHECK(api->kind == TargetKind::kApiServer);
  CHECK(api->host == "api.example");
  CHECK(parse_target("https://api.example")->port == 443);
  auto etcd = parse_target("etcd://[::1]:2379/");
  REQUIRE(etcd);
  CHECK(etcd->url() == "etcd://[::1]:2379");
  CHECK(etcd->authority() == "[::1]:2379");
  for (TargetKind kind : all_target_kinds()) {
    auto t = parse_target(std::string(to_string(kind)) + "://h");
    REQUIRE(t);
    CHECK(t->kind == kind);
    CHECK(t->port == default_port(kind));
  }
  CHECK(parse_target("10.0.0.1:10250").error().message ==
        "a target needs a scheme, e.g. kubelet://10.0.0.1:10250 or https://host:6443");
  CHECK(parse_target("ftp://h").error().message == "unknown target kind \"ftp\"");
}

TEST_CASE("target: etcd URLs default to etcd ports, not the scheme's", "[probe]") {
  CHECK(parse_url_target("https://10.0.0.5", TargetKind::kEtcdClient)->port == 2379);
  CHECK(parse_url_target("http://10.0.0.5", TargetKind::kEtcdPeer)->port == 2380);
  CHECK(parse_url_target("http://10.0.0.5", TargetKind::kApiServer)->port == 80);
  CHECK_FALSE(parse_url_target("unix:///run/etcd.sock", TargetKind::kEtcdClient));
}

TEST_CASE("target: sort and dedupe keeps the first source of an endpoint", "[probe]") {
  std::vector<Target> t = {
      {TargetKind::kKubelet, "10.0.0.2", 10250, "b", "second"},
      {TargetKind::kEtcdClient, "10.0.0.1", 2379, "", "apiserver flag"},
      {TargetKind::kKubelet, "10.0.0.1", 10250, "a", "first"},
      {TargetKind::kEtcdClient, "10.0.0.1", 2379, "", "etcd flag"},
      {TargetKind::kApiServer, "10.0.0.9", 6443, "", "kubeconfig"},
  };
  sort_and_dedupe(t);
  REQUIRE(t.size() == 4);
  CHECK(t[0].kind == TargetKind::kApiServer);
  CHECK(t[1].host == "10.0.0.1");
  CHECK(t[1].kind == TargetKind::kKubelet);
  CHECK(t[2].host == "10.0.0.2");
  CHECK(t[3].source == "apiserver flag");
}

TEST_CASE("target: loopback and unspecified addresses", "[probe]") {
  CHECK(is_loopback("127.0.0.1"));
  CHECK(is_loopback("127.1.2.3"));
  CHECK(is_loopback("::1"));
  CHECK(is_loopback("localhost"));
  CHECK_FALSE(is_loopback("10.0.0.1"));
  CHECK(is_unspecified("0.0.0.0"));
  CHECK(is_unspecified("::"));
  CHECK(is_ip_literal("fd00::1"));
  CHECK_FALSE(is_ip_literal("node-1"));
}

TEST_CASE("runner: each kind gets its probes, credentialed ones only with a credential", "[probe]") {
  ProbeOptions o;
  using P = ProbeId;
  CHECK(planned_probes(TargetKind::kKubelet, o) == std::vector<P>{P::kKubeletAnonymous, P::kTlsScan});
  CHECK(planned_probes(TargetKind::kEtcdClient, o) ==
        std::vector<P>{P::kEtcdPlaintext, P::kEtcdTls, P::kTlsScan});
  CHECK(planned_probes(TargetKind::kApiServer, o) == std::vector<P>{P::kApiServerAnonymous, P::kTlsScan});
  CHECK(planned_probes(TargetKind::kKubeProxy, o) == std::vector<P>{P::kKubeProxyMetrics});
  CHECK(planned_probes(TargetKind::kLegacyScheduler, o) == std::vector<P>{P::kLegacyPort});
  CHECK(planned_probes(TargetKind::kTls, o) == std::vector<P>{P::kTlsScan});
  o.tls_scan = false;
  CHECK(planned_probes(TargetKind::kScheduler, o) == std::vector<P>{P::kComponentEndpoints});
  o.credential = rampart::config::Credential{};
  CHECK(planned_probes(TargetKind::kKubelet, o) ==
        std::vector<P>{P::kKubeletAnonymous, P::kKubeletCredentialed});
  CHECK(planned_probes(TargetKind::kApiServer, o) == std::vector<P>{P::kApiServerAnonymous, P::kProfiling});
}
