#include <catch2/catch.hpp>

#include "rampart/checks/flags.h"

using namespace rampart;
using namespace rampart::checks;

TEST_CASE("flags: --a=b, --a b, bare booleans and Go's single dash", "[checks]") {
  auto f = parse_flags({"--authorization-mode", "Node,RBAC", "--anonymous-auth", "--profiling=false", "-data-dir", "/var/lib/etcd",
                        "--client-cert-auth", "positional", "--empty="});
  FlagReader r{f};
  CHECK(r.value("authorization-mode") == "Node,RBAC");
  CHECK(r.boolean("anonymous-auth") == true);  // a boolean flag never takes the next token
  CHECK(r.boolean("profiling") == false);
  CHECK(r.value("data-dir") == "/var/lib/etcd");
  CHECK(r.boolean("client-cert-auth") == true);
  CHECK(f.positional == std::vector<std::string>{"positional"});
  CHECK(r.has("empty"));
  CHECK_FALSE(r.present("empty"));
  CHECK_FALSE(r.value("missing").has_value());
}

TEST_CASE("flags: list flags merge, scalar flags take the last value", "[checks]") {
  auto f = parse_flags({"--enable-admission-plugins=NodeRestriction, EventRateLimit", "--enable-admission-plugins=AlwaysPullImages",
                        "--audit-log-maxage=7", "--audit-log-maxage=30"});
  FlagReader r{f};
  CHECK(r.list("enable-admission-plugins") == std::vector<std::string>{"NodeRestriction", "EventRateLimit", "AlwaysPullImages"});
  CHECK(r.value("audit-log-maxage") == "30");
}

TEST_CASE("flags: Go strconv.ParseBool", "[checks]") {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) CHECK(parse_go_bool(t) == true);
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) CHECK(parse_go_bool(f) == false);
  for (const char* bad : {"yes", "tRuE", "", "2"}) CHECK_FALSE(parse_go_bool(bad).has_value());
  auto fl = parse_flags({"--profiling=maybe"});
  bool bad = false;
  CHECK_FALSE(FlagReader{fl}.boolean("profiling", &bad).has_value());
  CHECK(bad);
}

TEST_CASE("flags: etcd env forms apply unless the flag is given; valueFrom is unknown", "[checks]") {
  collect::ControlPlaneComponent etcd;
  etcd.component = "etcd";
  etcd.flags = parse_flags({"--peer-auto-tls=false"});
  etcd.env = {{"ETCD_CLIENT_CERT_AUTH", "true"}, {"ETCD_PEER_AUTO_TLS", "true"}, {"OTHER", "x"}};
  etcd.env_unresolved = {"ETCD_TRUSTED_CA_FILE"};
  auto eff = effective_flags(etcd);
  FlagReader r{eff};
  CHECK(r.boolean("client-cert-auth") == true);
  CHECK(r.boolean("peer-auto-tls") == false);  // the flag wins
  CHECK_FALSE(r.has("other"));
  CHECK(unresolved_flags(etcd) == std::vector<std::string>{"trusted-ca-file"});
}
