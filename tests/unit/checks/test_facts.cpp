#include "fixture.h"

using namespace rampart;

TEST_CASE("facts: system, excluded and filtered namespaces are left out of workload checks", "[checks]") {
  auto inv = collect::parse_inventory(R"({"kind": "List", "items": [
      {"kind": "Namespace", "metadata": {"name": "a"}}, {"kind": "Namespace", "metadata": {"name": "b"}},
      {"kind": "Namespace", "metadata": {"name": "c"}}, {"kind": "Namespace", "metadata": {"name": "kube-system"}},
      {"kind": "Pod", "metadata": {"name": "p", "namespace": "a"}, "spec": {"containers": []}},
      {"kind": "Pod", "metadata": {"name": "q", "namespace": "b"}, "spec": {"containers": []}},
      {"kind": "Pod", "metadata": {"name": "s", "namespace": "kube-system"}, "spec": {"containers": []}},
      {"kind": "Pod", "metadata": {"name": "m", "namespace": "c", "annotations": {"kubernetes.io/config.mirror": "x"}}, "spec": {"containers": []}}]})",
                                      "t.json");
  REQUIRE(inv.has_value());
  checks::ScanOptions opts;
  opts.excluded_namespaces = {"b"};
  checks::ClusterFacts facts(*inv, opts);
  CHECK(facts.workload_namespaces() == std::vector<std::string>{"a", "c"});
  CHECK(facts.workload_namespaces_with_pods() == std::vector<std::string>{"a"});  // mirror pods do not count
  REQUIRE(facts.workload_pods().size() == 1);
  CHECK(facts.is_system_namespace("kube-system"));
  inv->namespace_filter = {"c"};
  checks::ClusterFacts filtered(*inv, opts);
  CHECK(filtered.workload_namespaces() == std::vector<std::string>{"c"});
  opts.system_namespaces = {};
  checks::ClusterFacts no_system(*inv, opts);
  CHECK_FALSE(no_system.is_system_namespace("kube-system"));
}
