"""The real kubectl works against the cluster simulator: that is what keeps the simulator honest.

Covers the identities (client certificate, token, exec plugin), the exact Forbidden and
Unauthorized answers, chunked lists, node proxy configz and the secret-violation log.
"""
import contextlib
import json
import os
import re
import tempfile
import unittest

from simlib import have_kubectl, kubectl, start_sim

CANARY = "CANARY-4c1d9e"


@unittest.skipUnless(have_kubectl(), "kubectl is not installed")
class KubectlThroughSimulator(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = contextlib.ExitStack()
        cls.sim = cls.stack.enter_context(start_sim("demo", anonymous="off"))

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def kubectl(self, identity, *args, check=True):
        return kubectl(self.sim, identity, *args, check=check)

    def test_get_pods_all_namespaces_with_cert_token_and_exec_identities(self):
        before = len(self.sim.requests())
        for identity in ("admin", "token", "exec"):
            with self.subTest(identity=identity):
                out = self.kubectl(identity, "get", "pods", "-A").stdout
                self.assertRegex(out, r"(?m)^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$")
                self.assertRegex(out, r"(?m)^kube-system\s+kube-apiserver-cp-1\s+1/1\s+Running\s+0\s+\S+$")
                self.assertRegex(out, r"(?m)^legacy\s+legacy-app-\S+\s+1/1\s+Running")
        served = {(r["identity"], r["status"]) for r in self.sim.requests()[before:] if r["path"] == "/api/v1/pods"}
        self.assertEqual(served, {("admin", 200), ("token", 200), ("exec", 200)})
        with open(os.path.join(self.sim.state_dir, "exec-calls.log")) as f:
            self.assertGreaterEqual(len(f.readlines()), 1, "kubectl never ran the exec plugin")

    def test_kubectl_uses_aggregated_discovery(self):
        with tempfile.TemporaryDirectory() as cache:
            before = len(self.sim.requests())
            kubectl(self.sim, "token", "get", "daemonsets", "-A", cache_dir=cache)
        discovery = [r["path"] for r in self.sim.requests()[before:]
                     if re.match(r"^/api(/[^/]+)?$|^/apis(/[^/]+){0,2}$", r["path"])]
        self.assertEqual(discovery, ["/api", "/apis"])

    def test_roles_and_cluster_role_bindings(self):
        roles = self.kubectl("token", "get", "roles", "-A").stdout
        self.assertRegex(roles, r"(?m)^legacy\s+legacy-admin\s+2025-09-15T")
        crbs = self.kubectl("exec", "get", "clusterrolebindings", "-o", "wide").stdout
        self.assertRegex(crbs, r"(?m)^ci-deployer-cluster-admin\s+ClusterRole/cluster-admin\s+\S+\s+legacy:ci-deployer\s*$")
        self.assertRegex(crbs, r"(?m)^cluster-admin\s+ClusterRole/cluster-admin\s+\S+\s+system:masters\s*$")

    def test_auth_can_i(self):
        rules = self.kubectl("token", "auth", "can-i", "--list").stdout
        self.assertRegex(rules, r"(?m)^\*\.\*\s+\[\]\s+\[\]\s+\[get list watch\]$")
        self.assertEqual(self.kubectl("limited", "auth", "can-i", "list", "pods").stdout.strip(), "yes")
        denied = self.kubectl("limited", "auth", "can-i", "list", "secrets", check=False)
        self.assertEqual((denied.returncode, denied.stdout.strip()), (1, "no"))
        who = self.kubectl("nosecrets", "auth", "whoami").stdout
        self.assertRegex(who, r"(?m)^Username\s+nosecrets$")

    def test_node_proxy_configz(self):
        cp = json.loads(self.kubectl("admin", "get", "--raw", "/api/v1/nodes/cp-1/proxy/configz").stdout)
        worker = json.loads(self.kubectl("token", "get", "--raw", "/api/v1/nodes/worker-1/proxy/configz").stdout)
        self.assertEqual(cp["kubeletconfig"]["authorization"]["mode"], "AlwaysAllow")
        self.assertTrue(cp["kubeletconfig"]["authentication"]["anonymous"]["enabled"])
        self.assertEqual(worker["kubeletconfig"]["authorization"]["mode"], "Webhook")
        # configz reports the port the simulated kubelet really listens on, as the Node does
        self.assertEqual(worker["kubeletconfig"]["port"], self.sim.kubelets["worker-1"]["port"])
        node = json.loads(self.kubectl("admin", "get", "node", "worker-1", "-o", "json").stdout)
        self.assertEqual(node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"],
                         self.sim.kubelets["worker-1"]["port"])
        self.assertIn({"type": "InternalIP", "address": "127.0.0.1"}, node["status"]["addresses"])

    def test_limited_identity_gets_the_exact_forbidden_messages(self):
        res = self.kubectl("limited", "get", "secrets", "-A", check=False)
        self.assertEqual(res.returncode, 1)
        self.assertEqual(res.stderr.strip(), 'Error from server (Forbidden): secrets is forbidden: User "limited" '
                                             'cannot list resource "secrets" in API group "" at the cluster scope')
        res = self.kubectl("limited", "get", "--raw", "/api/v1/nodes/cp-1/proxy/configz", check=False)
        self.assertEqual(res.stderr.strip(), 'Error from server (Forbidden): nodes "cp-1" is forbidden: User "limited" '
                                             'cannot get resource "nodes/proxy" in API group "" at the cluster scope')
        res = self.kubectl("limited", "get", "secret", "db-credentials", "-n", "shop", check=False)
        self.assertEqual(res.stderr.strip(), 'Error from server (Forbidden): secrets "db-credentials" is forbidden: '
                                             'User "limited" cannot get resource "secrets" in API group "" in the namespace "shop"')

    def test_missing_and_unknown_credentials_are_unauthorized(self):
        status, _, body = self.sim.request("/api/v1/namespaces", identity=None)
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body), {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                            "message": "Unauthorized", "reason": "Unauthorized", "code": 401})
        res = self.kubectl("token", "--token", "not-a-known-token", "get", "namespaces", check=False)
        self.assertEqual(res.returncode, 1)
        self.assertIn("error: You must be logged in to the server (Unauthorized)", res.stderr)

    def test_chunked_listing_returns_the_same_rows(self):
        whole = self.kubectl("admin", "get", "pods", "-A", "--chunk-size=0").stdout.splitlines()
        before = len(self.sim.requests())
        chunked = self.kubectl("admin", "get", "pods", "-A", "--chunk-size=2").stdout.splitlines()
        names = lambda lines: [l.split()[:2] for l in lines]
        self.assertEqual(names(chunked), names(whole))
        pages = [r for r in self.sim.requests()[before:] if r["path"] == "/api/v1/pods"]
        self.assertEqual(len(pages), (len(whole) - 1 + 1) // 2, "one request per page of two")
        self.assertTrue(all("limit=2" in r["query"] for r in pages))
        self.assertEqual(sum("continue=" in r["query"] for r in pages), len(pages) - 1)

    def test_secret_violation_log(self):
        seen = len(self.sim.secret_violations())  # other tests share this simulator
        # what kubectl sends by default for `get secrets`: a Table with the row metadata
        table = self.kubectl("admin", "get", "secrets", "-A").stdout
        self.assertRegex(table, r"(?m)^shop\s+db-credentials\s+Opaque\s+2\s+\S+$")
        self.assertNotIn(CANARY, table)
        meta_list = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
        status, body = self.sim.get_json("/api/v1/secrets", "token", accept=meta_list)
        self.assertEqual((status, body["kind"]), (200, "PartialObjectMetadataList"))
        status, body = self.sim.get_json("/api/v1/namespaces/shop/secrets?includeObject=None", "token",
                                         accept="application/json;as=Table;g=meta.k8s.io;v=v1")
        self.assertEqual((status, body["kind"]), (200, "Table"))
        self.assertEqual(self.sim.secret_violations()[seen:], [], "metadata-only and Table listings are not violations")

        status, body = self.sim.get_json("/api/v1/namespaces/shop/secrets/db-credentials", "token")
        self.assertEqual(status, 403)
        self.assertIn("the simulator refuses to serve secret values", body["message"])
        self.assertNotIn(CANARY, json.dumps(body))
        res = self.kubectl("admin", "get", "secrets", "-A", "-o", "name", check=False)
        self.assertEqual(res.returncode, 1)
        self.assertIn("refuses to serve secret values", res.stderr)
        got = [(v["identity"], v["path"], v["requested"], v["served"]) for v in self.sim.secret_violations()[seen:]]
        self.assertEqual(got, [("token", "/api/v1/namespaces/shop/secrets/db-credentials", "full objects", False),
                               ("admin", "/api/v1/secrets", "full objects", False)])

    def test_kubectl_o_name_with_secret_values_allowed_is_still_recorded(self):
        with start_sim("demo", no_kubelets=True, allow_secret_values_for_kubectl=True) as sim:
            out = kubectl(sim, "admin", "get", "secrets", "-A", "-o", "name").stdout.split()
            self.assertIn("secret/db-credentials", out)
            self.assertEqual([(v["path"], v["served"]) for v in sim.secret_violations()], [("/api/v1/secrets", True)])


if __name__ == "__main__":
    unittest.main()
