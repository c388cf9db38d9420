#include <catch2/catch.hpp>

#include "rampart/collect/flags.h"

using namespace rampart::collect;
using Entries = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

TEST_CASE("flags: --a=b, --a b and positional tokens", "[collect]") {
  Flags f = parse_flags({"kube-apiserver", "--advertise-address=10.0.0.1", "--secure-port", "6443",
                         "--etcd-servers=https://127.0.0.1:2379"});
  CHECK(f.positional == Strings{"kube-apiserver"});
  CHECK(f.entries == Entries{{"advertise-address", "10.0.0.1"},
                             {"secure-port", "6443"},
                             {"etcd-servers", "https://127.0.0.1:2379"}});
  CHECK(f.last("secure-port") == "6443");
  CHECK_FALSE(f.last("bind-address").has_value());
  CHECK_FALSE(f.has("bind-address"));
}

TEST_CASE("flags: a value may contain '=' (only the first one splits)", "[collect]") {
  Flags f = parse_flags({"x", "--feature-gates=A=true,B=false", "--opt", "k=v"});
  CHECK(f.last("feature-gates") == "A=true,B=false");
  CHECK(f.last("opt") == "k=v");
  CHECK(f.all("feature-gates") == Strings{"A=true", "B=false"});
}

TEST_CASE("flags: boolean flags never take the next token", "[collect]") {
  Flags f = parse_flags({"kube-apiserver", "--profiling", "false", "--anonymous-auth", "--authorization-mode=RBAC"});
  // "false" after a bare boolean is positional, exactly as pflag reads it: the flag is true.
  CHECK(f.bool_value("profiling") == true);
  CHECK(f.positional == Strings{"kube-apiserver", "false"});
  CHECK(f.bool_value("anonymous-auth") == true);
  CHECK(f.last("authorization-mode") == "RBAC");
}

TEST_CASE("flags: every listed boolean flag is bare-true", "[collect]") {
  for (const char* name : {"anonymous-auth", "profiling", "service-account-lookup",
                           "use-service-account-credentials", "client-cert-auth", "peer-client-cert-auth",
                           "auto-tls", "peer-auto-tls", "service-account-extend-token-expiration",
                           "enable-bootstrap-token-auth"}) {
    CAPTURE(name);
    CHECK(is_boolean_flag(name));
    Flags f = parse_flags({"bin", std::string("--") + name, "value-looking-token"});
    CHECK(f.bool_value(name) == true);
    CHECK(f.positional.size() == 2);
  }
  CHECK_FALSE(is_boolean_flag("secure-port"));
}

TEST_CASE("flags: an unknown bare flag before another flag or at the end is true", "[collect]") {
  Flags f = parse_flags({"bin", "--some-new-bool", "--x=1", "--trailing"});
  CHECK(f.last("some-new-bool") == "true");
  CHECK(f.last("x") == "1");
  CHECK(f.last("trailing") == "true");
}

TEST_CASE("flags: Go ParseBool semantics", "[collect]") {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) CHECK(parse_go_bool(t) == true);
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) CHECK(parse_go_bool(f) == false);
  for (const char* bad : {"", "yes", "no", "tRUE", "on", " true", "2"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_go_bool(bad).has_value());
  }
  Flags f = parse_flags({"bin", "--anonymous-auth=yes", "--profiling=F"});
  CHECK(f.has("anonymous-auth"));
  CHECK_FALSE(f.bool_value("anonymous-auth").has_value());  // present but unreadable
  CHECK(f.bool_value("profiling") == false);
  CHECK_FALSE(f.bool_value("absent").has_value());
}

TEST_CASE("flags: repeated flags keep order; last wins, all merges comma lists", "[collect]") {
  Flags f = parse_flags({"kube-apiserver", "--enable-admission-plugins=NodeRestriction, PodSecurity",
                         "--authorization-mode=Node", "--enable-admission-plugins", "EventRateLimit,,",
                         "--authorization-mode=Node,RBAC", "--profiling=true", "--profiling=false"});
  CHECK(f.all("enable-admission-plugins") == Strings{"NodeRestriction", "PodSecurity", "EventRateLimit"});
  CHECK(f.last("authorization-mode") == "Node,RBAC");
  CHECK(f.all("authorization-mode") == Strings{"Node", "Node", "RBAC"});
  CHECK(f.bool_value("profiling") == false);
  CHECK(f.all("absent").empty());
}

TEST_CASE("flags: etcd single-dash flags and the -- terminator", "[collect]") {
  Flags f = parse_flags({"etcd", "-name", "m1", "-client-cert-auth", "--data-dir=/var/lib/etcd", "-v=2",
                         "--", "--not-a-flag"});
  CHECK(f.last("name") == "m1");
  CHECK(f.bool_value("client-cert-auth") == true);
  CHECK(f.last("data-dir") == "/var/lib/etcd");
  CHECK(f.last("v") == "2");
  CHECK(f.positional == Strings{"etcd", "--not-a-flag"});
  CHECK_FALSE(f.has("not-a-flag"));
}

TEST_CASE("flags: a negative number is a value, a lone dash is positional", "[collect]") {
  Flags f = parse_flags({"bin", "--offset", "-1", "-"});
  CHECK(f.last("offset") == "-1");
  CHECK(f.positional == Strings{"bin", "-"});
}

TEST_CASE("flags: empty value and empty argv", "[collect]") {
  Flags f = parse_flags({"bin", "--tls-cipher-suites="});
  CHECK(f.has("tls-cipher-suites"));
  CHECK(f.last("tls-cipher-suites") == "");
  CHECK(f.all("tls-cipher-suites").empty());
  CHECK(parse_flags({}) == Flags{});
}

TEST_CASE("flags: etcd env forms, the command-line flag wins", "[collect]") {
  CHECK(etcd_env_flag("ETCD_CLIENT_CERT_AUTH") == "client-cert-auth");
  CHECK(etcd_env_flag("ETCD_PEER_AUTO_TLS") == "peer-auto-tls");
  CHECK_FALSE(etcd_env_flag("ETCD_").has_value());
  CHECK_FALSE(etcd_env_flag("PATH").has_value());
  Flags f = parse_etcd_flags({"etcd", "--client-cert-auth=true"},
                             {{"ETCD_CLIENT_CERT_AUTH", "false"}, {"ETCD_AUTO_TLS", "true"}, {"HOME", "/root"}});
  CHECK(f.bool_value("client-cert-auth") == true);
  CHECK(f.bool_value("auto-tls") == true);
  CHECK_FALSE(f.has("home"));
  CHECK(f.positional == Strings{"etcd"});
}
