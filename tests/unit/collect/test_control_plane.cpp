#include <catch2/catch.hpp>

#include "../support/fixtures.h"
#include "rampart/collect/control_plane.h"
#include "rampart/collect/parse.h"

using namespace rampart::collect;
using Strings = std::vector<std::string>;

namespace {
Inventory load_pods() {
  Inventory inv;
  add_object(inv, rampart::testing::load_object("control-plane-pods.json"));
  return inv;
}
}  // namespace

TEST_CASE("control plane: mirror pods found by label, then by <component>-<node>", "[collect]") {
  Inventory inv = load_pods();
  auto cp = find_control_plane(inv.pods);
  // The scheduler is no mirror pod and the default-namespace look-alike is ignored.
  REQUIRE(cp.size() == 3);
  CHECK(cp[0].component == "kube-apiserver");
  CHECK(cp[1].component == "kube-controller-manager");
  CHECK(cp[2].component == "etcd");

  const auto& api = cp[0];
  CHECK(api.pod == ObjectRef{"Pod", "kube-system", "kube-apiserver-cp-1"});
  CHECK(api.node_name == "cp-1");
  CHECK(api.host_ip == "10.0.0.10");
  CHECK(api.mirror);
  CHECK(api.container == "kube-apiserver");
  CHECK(api.argv == Strings{"kube-apiserver", "--anonymous-auth=false", "--profiling",
                            "--enable-admission-plugins=NodeRestriction"});
  CHECK(api.flags.bool_value("anonymous-auth") == false);
  CHECK(api.flags.bool_value("profiling") == true);
  CHECK(api.flags.all("enable-admission-plugins") == Strings{"NodeRestriction"});
}

TEST_CASE("control plane: first regular container when none is named as the component", "[collect]") {
  auto cp = find_control_plane(load_pods().pods);
  const auto& kcm = cp[1];
  CHECK(kcm.pod.name == "rke2-cm");
  CHECK(kcm.container == "main");
  CHECK(kcm.flags.bool_value("use-service-account-credentials") == true);
  CHECK(kcm.flags.last("bind-address") == "127.0.0.1");
}

TEST_CASE("control plane: etcd found by name, its env forms read, valueFrom unresolved", "[collect]") {
  auto cp = find_control_plane(load_pods().pods);
  const auto& etcd = cp[2];
  CHECK(etcd.pod.name == "etcd-cp-1");
  CHECK(etcd.container == "etcd");
  CHECK(etcd.env == std::vector<std::pair<std::string, std::string>>{{"ETCD_CLIENT_CERT_AUTH", "true"}});
  CHECK(etcd.env_unresolved == Strings{"ETCD_PEER_AUTO_TLS"});
  CHECK(etcd.flags.bool_value("client-cert-auth") == true);
  CHECK(etcd.flags.last("cert-file") == "/etc/kubernetes/pki/etcd/server.crt");
}

TEST_CASE("parse: literal env is kept only on mirror pods", "[collect]") {
  Inventory inv = load_pods();
  for (const Pod& p : inv.pods)
    for (const Container& c : p.containers) {
      CAPTURE(p.meta.name, c.name);
      if (!p.mirror) CHECK(c.plain_env.empty());
    }
  CHECK(inv.pods.back().meta.name == "app");
  CHECK(inv.pods.back().containers[0].plain_env.empty());
}

TEST_CASE("parse: a secrets Table row gives type and key count, no values", "[collect]") {
  nlohmann::json row = {
      {"cells", {"db", "kubernetes.io/basic-auth", 2, "3d"}},
      {"object",
       {{"kind", "PartialObjectMetadata"},
        {"metadata",
         {{"name", "db"},
          {"namespace", "shop"},
          {"annotations",
           {{"kubectl.kubernetes.io/last-applied-configuration", "{\"data\":{\"password\":\"c2VjcmV0\"}}"},
            {"kubernetes.io/service-account.name", "builder"}}}}}}}};
  SecretMeta s = parse_secret_row(row, 1, 2);
  CHECK(s.meta.name == "db");
  CHECK(s.meta.namespace_ == "shop");
  CHECK(s.type == "kubernetes.io/basic-auth");
  CHECK(s.key_count == 2);
  CHECK(s.meta.annotations == StringMap{{"kubernetes.io/service-account.name", "builder"}});
  SecretMeta no_columns = parse_secret_row(row, -1, 9);
  CHECK(no_columns.type.empty());
  CHECK_FALSE(no_columns.key_count.has_value());
}
