"""rampart as its CronJob runs it: `rampart scan --in-cluster` with the pod's service account,
against a cluster where deploy/ is applied, under exactly the RBAC deploy/ grants.

The simulator serves the hardened cluster plus deploy/'s objects (rendered by `kubectl kustomize`
as docs/cronjob.md says to apply them) and the pod the CronJob starts. Its "rampart" identity is
the ServiceAccount rampart/rampart with a projected-style token (a JWT naming it in `sub`) and
the rules of deploy/'s ClusterRole rampart-reader, no more; the test mounts token, ca.crt and
namespace as the kubelet would (RAMPART_SERVICE_ACCOUNT_DIR stands in for the mount path).

What this shows: rampart learns who it is from the API server, does not flag its own pod, and
what the default deploy/ does not grant (Secrets, nodes/proxy) gives ERROR with the 403, never
PASS.
"""
import json
import os
import shutil
import tempfile
import unittest

import test_deploy as deploy
import test_deploy_self_scan as self_scan
from simlib import CLUSTERS, run_rampart, start_sim

SCANNER = "system:serviceaccount:rampart:rampart"
SIM_IDENTITIES = os.path.join(deploy.SOURCE, "tests", "sim", "identities.json")


class InClusterSelfScan(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="rampart-in-cluster-")
        objects = self_scan.with_running_scan(deploy.render(os.path.join(cls.tmp, "render"), digest=self_scan.DIGEST))
        cls.reader_rules = next(o["rules"] for o in objects if o["kind"] == "ClusterRole" and o["metadata"]["name"] == "rampart-reader")
        cluster = os.path.join(cls.tmp, "cluster")
        shutil.copytree(os.path.join(CLUSTERS, "hardened"), cluster)
        with open(os.path.join(cluster, "rampart.json"), "w") as f:  # the simulator serves no PVCs
            json.dump({"apiVersion": "v1", "kind": "List",
                       "items": [o for o in objects if o["kind"] != "PersistentVolumeClaim"]}, f)
        with open(SIM_IDENTITIES) as f:
            identities = json.load(f)
        identities["identities"]["rampart"] = {
            "user": SCANNER, "groups": ["system:serviceaccounts", "system:serviceaccounts:rampart"],
            "credential": "serviceaccount", "rules": cls.reader_rules}
        identities_path = os.path.join(cls.tmp, "identities.json")
        with open(identities_path, "w") as f:
            json.dump(identities, f)
        cls.sim_context = start_sim(cluster, identities=identities_path)
        cls.sim = cls.sim_context.__enter__()
        try:
            mount = cls.sim.ready["service_accounts"]["rampart"]
            host, port = cls.sim.server[len("https://"):].rsplit(":", 1)
            cls.report_path = os.path.join(cls.tmp, "report.json")
            cls.pod_env = {"KUBERNETES_SERVICE_HOST": host, "KUBERNETES_SERVICE_PORT": port,
                           "RAMPART_SERVICE_ACCOUNT_DIR": mount, "KUBECONFIG": None, "POD_NAMESPACE": None,
                           "HOME": cls.tmp}  # no ~/.kube/config, as in the image
            cls.proc = run_rampart("scan", "--in-cluster", "-o", "json=" + cls.report_path, "-vv", env=cls.pod_env)
            with open(os.path.join(mount, "token")) as f:
                cls.token = f.read()
            cls.requests = cls.sim.requests()
            cls.violations = cls.sim.secret_violations()
        except BaseException:
            cls.sim_context.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.sim_context.__exit__(None, None, None)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def report(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        with open(self.report_path) as f:
            return json.load(f)

    def test_it_asked_the_api_server_who_it_is(self):
        reviews = [r for r in self.requests if r["method"] == "POST" and r["path"].endswith("/selfsubjectreviews")]
        self.assertEqual([(r["user"], r["status"]) for r in reviews], [(SCANNER, 201)])
        # Every request that authenticated did so as the scanner (the others are the API server
        # probe's deliberate anonymous ones, 401 on the hardened cluster).
        self.assertEqual({r["user"] for r in self.requests if r["status"] != 401}, {SCANNER})
        self.assertEqual(self.report()["scanned_as"], {
            "user": SCANNER, "groups": ["system:serviceaccounts", "system:serviceaccounts:rampart", "system:authenticated"],
            "source": "SelfSubjectReview"})

    def test_without_a_kubeconfig_the_pod_environment_is_used_automatically(self):
        proc = run_rampart("inventory", "--no-kubelet-config", "-o", "json", env=self.pod_env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        inventory = json.loads(proc.stdout)
        self.assertEqual(inventory["identity"]["context"], "in-cluster")
        self.assertEqual((inventory["scanner"]["user"], inventory["scanner"]["credential"]), (SCANNER, "in-cluster"))

    def test_kubectl_sees_the_same_identity_with_the_mounted_token(self):
        mount = self.sim.ready["service_accounts"]["rampart"]
        out = deploy.kubectl("--server", self.sim.server, "--certificate-authority", os.path.join(mount, "ca.crt"),
                             "--token", self.token, "auth", "whoami", "-o", "json")
        self.assertEqual(json.loads(out)["status"]["userInfo"]["username"], SCANNER)

    def test_its_own_pod_is_not_flagged(self):
        checks = {c["id"]: c for c in self.report()["checks"]}
        flagged = {(cid, f["status"], f["resource"]["kind"], f["resource"]["name"])
                   for cid, c in checks.items() for f in c.get("findings", [])
                   if f["status"] in self_scan.FLAGGED and self_scan.ours(f)}
        self.assertEqual(flagged, set())
        self.assertEqual(checks["5.1.6"]["status"], "PASS", checks["5.1.6"]["reason"])
        self.assertIn({"source": "api", "what": "the scanner's own pod (exempt)",
                       "value": f"pod rampart/{self_scan.POD} mounts the token of ServiceAccount rampart, "
                                "which this scan authenticated as"}, checks["5.1.6"]["evidence"])

    def test_what_deploy_does_not_grant_is_an_error_never_a_pass(self):
        report = self.report()
        checks = {c["id"]: c for c in report["checks"]}
        denied = {r["path"] for r in self.requests if r["status"] == 403}
        self.assertTrue(any(p.endswith("/secrets") for p in denied), sorted(denied))
        self.assertTrue(any(p.endswith("/proxy/configz") for p in denied), sorted(denied))
        errors = {cid: c["reason"] for cid, c in checks.items() if c["status"] == "ERROR"}
        self.assertIn("5.6.4", errors)  # Secret metadata
        self.assertIn("4.2.5", errors)  # kubelet configuration, which no probe can stand in for
        for cid, reason in errors.items():
            with self.subTest(check=cid):
                self.assertRegex(reason, r"^(secrets|nodes/proxy/configz) could not be read: forbidden \(HTTP 403")
        # The hardened cluster has nothing to fail: whatever is not PASS, MANUAL or SKIP is one of
        # those ERRORs.
        self.assertLessEqual({c["status"] for c in report["checks"]}, {"PASS", "MANUAL", "SKIP", "ERROR"})

    def test_no_secret_value_or_token_leaves(self):
        self.assertEqual(self.violations, [])
        self.assertNotIn(self.token, self.proc.stdout + self.proc.stderr)
        with open(self.report_path) as f:
            self.assertNotIn(self.token.split(".")[2], f.read())


if __name__ == "__main__":
    unittest.main()
