"""From cluster to probes: `rampart inventory` reads the simulated demo cluster, and
`rampart probe --inventory` discovers the kubelets (from the Nodes, read-only port from configz)
and the API server (from the kubeconfig server) and probes them. The simulator's kubelets are
kubelet_sim.py: cp-1 anonymous-allow with a read-only port and a self-made certificate,
worker-1 anonymous-off with a cluster-CA certificate."""
import json
import os
import tempfile
import unittest

from probe_servers import findings, result
from simlib import run_rampart, start_sim


class SimProbeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._sim = start_sim("demo")
        cls.sim = cls._sim.__enter__()
        try:
            inv = run_rampart("inventory", "--kubeconfig", cls.sim.kubeconfig("admin"), "--output", "json")
            if inv.returncode != 0:
                raise AssertionError("rampart inventory failed: " + inv.stderr)
            cls.tmp = tempfile.TemporaryDirectory(prefix="rampart-probe-sim-")
            cls.inventory = os.path.join(cls.tmp.name, "inventory.json")
            with open(cls.inventory, "w") as f:
                f.write(inv.stdout)
            # Non-loopback targets (etcd URLs as written in the demo flags) are bounded by the
            # short timeouts; nothing is asserted about them.
            p = run_rampart("probe", "--inventory", cls.inventory, "--output", "json",
                            "--probe-timeout", "3", "--probe-connect-timeout", "1", timeout=120)
            if p.returncode != 0:
                raise AssertionError("rampart probe failed: " + p.stderr)
            cls.raw = p.stdout
            cls.report = json.loads(p.stdout)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if hasattr(cls, "tmp"):
            cls.tmp.cleanup()
        cls._sim.__exit__(None, None, None)

    def kubelet(self, node):
        k = self.sim.kubelets[node]
        return k, f"kubelet://{k['address']}:{k['port']}"

    def test_kubelets_discovered_and_classified(self):
        k, url = self.kubelet("cp-1")
        self.assertEqual(k["mode"], "anonymous-allow")
        p1 = result(self.report, url, "P-1")
        self.assertEqual(p1["target"]["node"], "cp-1")
        self.assertEqual(p1["target"]["source"], "node/cp-1 InternalIP")
        self.assertEqual(p1["classification"], "anonymous-allowed")
        leaf = p1["tls"]["chain"][0]
        self.assertRegex(leaf["issuer"], r"^CN=cp-1-ca@\d+$")
        f = findings(self.report, url)
        self.assertEqual(f["RMP-102"], ("FAIL", "critical"))
        self.assertEqual(f["RMP-113"], ("FAIL", "medium"))
        self.assertEqual(f["RMP-111"], ("FAIL", "medium"))  # Go's default suites include CBC-SHA1

        ro = f"kubelet-readonly://{k['address']}:{k['readonly_port']}"
        self.assertEqual(result(self.report, ro, "P-3")["classification"], "read-only-open")
        self.assertEqual(findings(self.report, ro), {"RMP-101": ("FAIL", "high")})

        k, url = self.kubelet("worker-1")
        self.assertEqual(k["mode"], "anonymous-off")
        self.assertEqual(result(self.report, url, "P-1")["classification"], "anonymous-off")
        f = findings(self.report, url)
        self.assertEqual(f["RMP-102"][0], "PASS")
        self.assertEqual(f["RMP-103"][0], "PASS")
        self.assertEqual(f["RMP-113"][0], "PASS")  # serverTLSBootstrap: a cluster-CA certificate

    def test_apiserver_from_the_kubeconfig(self):
        url = self.sim.server.replace("https://", "apiserver://")
        p6 = result(self.report, url, "P-6")
        self.assertEqual(p6["target"]["source"], "kubeconfig server")
        # kubeadm's system:public-info-viewer: /version and health answer anonymous callers.
        self.assertEqual(p6["classification"], "anonymous-discovery")
        self.assertEqual(findings(self.report, url)["RMP-108"], ("FAIL", "medium"))
        self.assertEqual(findings(self.report, url)["RMP-109"][0], "PASS")

    def test_no_secret_values(self):
        self.assertNotIn("CANARY-4c1d9e", self.raw)
        self.assertNotIn("Q0FOQVJZLTRjMWQ5ZS", self.raw)
        self.assertEqual(self.sim.secret_violations(), [])


if __name__ == "__main__":
    unittest.main()
