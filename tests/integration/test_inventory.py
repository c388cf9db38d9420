"""`rampart inventory` against the cluster simulator: what is collected, how lists are paged,
faults recovered, and that no secret value is ever requested, logged or written."""
import json
import unittest

from simlib import have_kubectl, kubectl, run_rampart, start_sim

CANARY = "CANARY-4c1d9e"
CANARY_B64 = "Q0FOQVJZLTRjMWQ5ZS"

# Inventory status key -> kubectl resource name.
KUBECTL_TYPES = {
    "namespaces": "namespaces",
    "pods": "pods",
    "serviceaccounts": "serviceaccounts",
    "roles": "roles.rbac.authorization.k8s.io",
    "clusterroles": "clusterroles.rbac.authorization.k8s.io",
    "rolebindings": "rolebindings.rbac.authorization.k8s.io",
    "clusterrolebindings": "clusterrolebindings.rbac.authorization.k8s.io",
    "networkpolicies": "networkpolicies.networking.k8s.io",
    "nodes": "nodes",
    "validatingwebhookconfigurations": "validatingwebhookconfigurations.admissionregistration.k8s.io",
    "mutatingwebhookconfigurations": "mutatingwebhookconfigurations.admissionregistration.k8s.io",
    "validatingadmissionpolicies": "validatingadmissionpolicies.admissionregistration.k8s.io",
    "validatingadmissionpolicybindings": "validatingadmissionpolicybindings.admissionregistration.k8s.io",
    "certificatesigningrequests": "certificatesigningrequests.certificates.k8s.io",
    "daemonsets": "daemonsets.apps",
    "deployments": "deployments.apps",
    "customresourcedefinitions": "customresourcedefinitions.apiextensions.k8s.io",
}


def inventory(sim, identity="token", *extra):
    proc = run_rampart("inventory", "--kubeconfig", sim.kubeconfig(identity), "--output", "json", *extra)
    if proc.returncode != 0:
        raise AssertionError("rampart inventory failed (%d): %s" % (proc.returncode, proc.stderr))
    return json.loads(proc.stdout), proc


def list_paths(requests, path):
    """(query, status) of every request to exactly `path`."""
    return [(r.get("query", ""), r["status"]) for r in requests if r["path"] == path]


class InventoryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._sim_cm = start_sim("demo")
        cls.sim = cls._sim_cm.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls._sim_cm.__exit__(None, None, None)

    def setUp(self):
        self.sim.clear_faults()
        self.mark = len(self.sim.requests())

    def new_requests(self):
        """The simulator's request log since this test started."""
        return self.sim.requests()[self.mark:]

    def test_everything_collected_and_every_type_ok(self):
        inv, _ = inventory(self.sim)
        self.assertEqual(inv["format"], "rampart.inventory/v1")
        self.assertEqual(inv["identity"]["git_version"], "v1.32.4")
        self.assertEqual(inv["identity"]["server"], self.sim.server)
        self.assertTrue(inv["identity"]["kube_system_uid"])
        for key, status in inv["status"].items():
            self.assertEqual(status["state"], "ok", key)
        self.assertEqual(len(inv["status"]), 21)
        self.assertIn("metricsBindAddress: 0.0.0.0:10249", inv["kube_proxy_config"])  # only config.conf is kept
        self.assertNotIn("kind: Config\n", json.dumps(inv))  # the ConfigMap's kubeconfig.conf
        components = sorted(c["component"] for c in inv["control_plane"])
        self.assertEqual(components, ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"])
        etcd = next(c for c in inv["control_plane"] if c["component"] == "etcd")
        self.assertIn(["peer-auto-tls", "true"], etcd["flags"]["entries"])  # from ETCD_PEER_AUTO_TLS
        self.assertTrue(etcd["env_unresolved"])
        for node in inv["nodes"]:
            self.assertEqual(node["kubelet"]["state"], "ok", node["meta"]["name"])
            self.assertIn("authentication", node["kubelet"]["config"])
        requests = self.new_requests()
        self.assertTrue(all(r["user_agent"].startswith("rampart/") for r in requests))
        pods = [r for r in requests if r["path"] == "/api/v1/pods"]
        self.assertEqual([r["encoding"] for r in pods], ["gzip"])  # Accept-Encoding sent, body decoded
        secrets = {(s["meta"]["namespace"], s["meta"]["name"]): s for s in inv["secrets"]}
        db = secrets[("shop", "db-credentials")]
        self.assertTrue(db["type"])
        self.assertGreater(db.get("key_count", 0), 0)

    def test_no_secret_value_requested_written_or_logged(self):
        inv, proc = inventory(self.sim, "token", "-vvv")
        self.assertEqual(self.sim.secret_violations(), [])
        for text, where in ((proc.stdout, "JSON output"), (proc.stderr, "-vvv stderr")):
            self.assertNotIn(CANARY, text, where)
            self.assertNotIn(CANARY_B64, text, where)
            self.assertNotIn("last-applied-configuration", text, where)
        self.assertNotIn(self.sim.token("token"), proc.stderr)
        self.assertIn("GET /api/v1/secrets?includeObject=Metadata", proc.stderr)  # -vvv did log
        secret_requests = [r for r in self.new_requests() if "secrets" in r["path"]]
        self.assertTrue(secret_requests)
        for r in secret_requests:
            self.assertEqual(r["path"], "/api/v1/secrets")  # never one secret by name
            self.assertIn("as=Table", r["accept"])
            self.assertIn("includeObject=Metadata", r["query"])

    def test_client_key_never_logged(self):
        with open(self.sim.ready["client_certs"]["admin"]["key"]) as f:
            key_lines = [l for l in f.read().splitlines() if l and not l.startswith("-----")]
        with open(self.sim.kubeconfig("admin")) as f:
            key_data = [l.split('"')[1] for l in f if "client-key-data" in l][0]
        _, proc = inventory(self.sim, "admin", "-vvv")
        self.assertIn("curl:", proc.stderr)  # trace level was on
        self.assertNotIn(key_data, proc.stderr)
        for line in key_lines[1:-1]:
            self.assertNotIn(line, proc.stderr)

    def test_many_pages_with_an_expired_token_in_the_middle(self):
        self.sim.faults({"path": "^/api/v1/pods$", "expire_continue": True, "count": 1})
        inv, _ = inventory(self.sim, "token", "--chunk-size", "3", "--no-kubelet-config")
        pod_requests = list_paths(self.new_requests(), "/api/v1/pods")
        full, _ = inventory(self.sim, "token", "--no-kubelet-config")
        self.assertEqual(len(inv["pods"]), len(full["pods"]))
        self.assertEqual(inv["pods"], full["pods"])
        statuses = [s for _, s in pod_requests]
        self.assertEqual(statuses.count(410), 1)
        n = len(full["pods"])
        pages = -(-n // 3)
        first_pass = statuses.index(410)  # pages served before the 410
        self.assertGreaterEqual(first_pass, 1)
        self.assertEqual(inv["status"]["pods"]["pages"], first_pass + pages)
        self.assertTrue(all("limit=3" in q for q, _ in pod_requests[: first_pass + pages + 1]))

    def test_429_and_500_faults_are_retried(self):
        self.sim.faults({"path": "^/api/v1/serviceaccounts$", "status": 500, "count": 2},
                        {"path": "^/api/v1/namespaces$", "status": 429, "retry_after": 1, "count": 1},
                        {"path": "^/apis/apps/v1/deployments$", "status": 503, "count": 1})
        inv, _ = inventory(self.sim, "token", "--no-kubelet-config")
        for key in ("serviceaccounts", "namespaces", "deployments"):
            self.assertEqual(inv["status"][key]["state"], "ok", key)
        self.assertEqual([s for _, s in list_paths(self.new_requests(), "/api/v1/serviceaccounts")][-3:], [500, 500, 200])
        ns = [s for _, s in list_paths(self.new_requests(), "/api/v1/namespaces")]
        self.assertEqual(ns[-2:], [429, 200])

    def test_broken_connections_are_retried(self):
        self.sim.faults({"path": "^/api/v1/nodes$", "close": True, "count": 1},
                        {"path": "^/apis/apps/v1/daemonsets$", "truncate": True, "count": 1})
        inv, _ = inventory(self.sim, "token", "--no-kubelet-config")
        self.assertEqual(inv["status"]["nodes"]["state"], "ok")
        self.assertEqual(inv["status"]["daemonsets"]["state"], "ok")
        self.assertEqual(len(inv["nodes"]), 2)

    def test_persistent_500_is_an_error_for_that_type_only(self):
        self.sim.faults({"path": "^/apis/networking.k8s.io/v1/networkpolicies$", "status": 500,
                         "message": "etcdserver: leader changed"})
        proc = run_rampart("inventory", "--kubeconfig", self.sim.kubeconfig("token"), "--no-kubelet-config")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(proc.stdout, r"networkpolicies +error ")
        self.assertIn("networkpolicies: error: HTTP 500 Internal Server Error: list networkpolicies: "
                      "Internal error occurred: etcdserver: leader changed", proc.stdout)
        self.assertRegex(proc.stdout, r"pods +ok ")

    def test_forbidden_types_recorded_rest_collected(self):
        inv, _ = inventory(self.sim, "limited")
        self.assertEqual(inv["status"]["secrets"]["state"], "forbidden")
        self.assertEqual(inv["status"]["secrets"]["http_status"], 403)
        self.assertIn('User "limited" cannot list resource "secrets"', inv["status"]["secrets"]["error"])
        self.assertEqual(inv["status"]["nodes/proxy/configz"]["state"], "forbidden")
        for node in inv["nodes"]:
            self.assertEqual(node["kubelet"]["state"], "forbidden")
        self.assertEqual(inv["status"]["pods"]["state"], "ok")
        self.assertEqual(inv["secrets"], [])
        proc = run_rampart("inventory", "--kubeconfig", self.sim.kubeconfig("limited"))
        self.assertEqual(proc.returncode, 0)
        self.assertIn('secrets: forbidden: HTTP 403 Forbidden: not allowed to list secrets: secrets is forbidden: '
                      'User "limited" cannot list resource "secrets" in API group "" at the cluster scope', proc.stdout)

    def test_namespace_scope(self):
        inv, _ = inventory(self.sim, "token", "--namespace", "shop", "--namespace", "legacy",
                           "--exclude-namespace", "legacy", "--no-kubelet-config")
        self.assertTrue(inv["pods"])
        for key in ("pods", "secrets", "service_accounts", "network_policies", "workloads"):
            for obj in inv[key]:
                self.assertEqual(obj["meta"]["namespace"], "shop", key)
        self.assertEqual([n["meta"]["name"] for n in inv["namespaces"]], ["shop"])
        self.assertTrue(any(r["cluster_scoped"] for r in inv["roles"]))  # cluster roles still read
        paths = {r["path"] for r in self.new_requests()}
        self.assertIn("/api/v1/namespaces/shop/pods", paths)
        self.assertIn("/api/v1/namespaces/legacy/pods", paths)  # listed, then dropped by the exclusion
        self.assertFalse(any(p.endswith("/configz") for p in paths))

    def test_text_output_counts_and_times(self):
        proc = run_rampart("inventory", "--kubeconfig", self.sim.kubeconfig("token"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("version:    v1.32.4", proc.stdout)
        self.assertRegex(proc.stdout, r"\npods +ok +\d+ +1 +[\d.]+ (B|KiB) +\d+\.\d\d\n")
        self.assertIn("errors: none", proc.stdout)
        self.assertEqual(proc.stderr, "")

    @unittest.skipUnless(have_kubectl(), "kubectl is not installed")
    def test_counts_match_kubectl(self):
        inv, _ = inventory(self.sim, "token")
        for key, resource in KUBECTL_TYPES.items():
            out = kubectl(self.sim, "token", "get", resource, "-A", "-o", "name").stdout
            self.assertEqual(inv["status"][key]["count"], len(out.split()), key)
        # Services are read in namespace default only.
        out = kubectl(self.sim, "token", "get", "services", "-n", "default", "-o", "name").stdout
        self.assertEqual(inv["status"]["services"]["count"], len(out.split()))
        # kubectl -o name would ask for full Secrets; its table view asks for metadata only.
        out = kubectl(self.sim, "token", "get", "secrets", "-A", "--no-headers").stdout
        self.assertEqual(inv["status"]["secrets"]["count"], len(out.splitlines()))
        self.assertEqual(len(inv["pods"]), inv["status"]["pods"]["count"])
        self.assertEqual(self.sim.secret_violations(), [])


if __name__ == "__main__":
    unittest.main()
