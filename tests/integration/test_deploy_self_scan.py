"""rampart's own pod-security and workload checks on the pod deploy/'s CronJob creates.

The CronJob's pod template becomes a running Pod in a saved inventory together with every other
object deploy/ applies (parsed offline by kubectl, see test_deploy.py), and `rampart scan
--inventory` evaluates it. Every pod-security control (5.2.x), seccomp (5.6.2), security contexts
(5.6.3) and the default-service-account check (5.1.5) must pass for it.

Not yet asserted, because rampart does not know its own identity during a scan: 5.1.6 (the pod
mounts its token, which it needs), RMP-010 (its service account may list secrets and use
nodes/proxy when the optional rules are applied) and RMP-003 (the image is pinned by tag, not
digest) still name this pod. See the closing note of the CronJob issue.
"""
import json
import os
import subprocess
import tempfile
import unittest

import test_deploy as deploy

RAMPART = os.environ.get("RAMPART_BIN", "rampart")
POD = "rampart-scan-29000000-abcde"
MUST_PASS_FOR_OUR_POD = ["5.1.5", "5.2.2", "5.2.3", "5.2.4", "5.2.5", "5.2.6", "5.2.7", "5.2.8", "5.2.9",
                         "5.2.10", "5.2.11", "5.2.12", "5.6.2", "5.6.3"]
COLLECTED = "namespaces,pods,serviceaccounts,roles,clusterroles,rolebindings,clusterrolebindings,networkpolicies"


def deployed_objects_with_a_running_scan():
    items = []
    for o in deploy.load("-", stdin=deploy.kubectl("kustomize", deploy.DEPLOY)):
        if o["kind"] == "CronJob":
            template = o["spec"]["jobTemplate"]["spec"]["template"]
            items.append({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": POD, "namespace": "rampart", "labels": template["metadata"].get("labels", {}),
                             "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": "rampart-scan-29000000",
                                                  "uid": "0", "controller": True}]},
                "spec": dict(template["spec"], nodeName="worker-1"),
                "status": {"phase": "Running"},
            })
        items.append(o)
    return {"apiVersion": "v1", "kind": "List", "items": items}


class SelfScan(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="rampart-self-scan-")
        dump = os.path.join(cls.tmp.name, "deployed.json")
        with open(dump, "w") as f:
            json.dump(deployed_objects_with_a_running_scan(), f)
        report = os.path.join(cls.tmp.name, "report.json")
        r = subprocess.run([RAMPART, "scan", "--inventory", dump, "--collected", COLLECTED, "--checks",
                            ",".join(MUST_PASS_FOR_OUR_POD), "-o", f"json={report}"],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"rampart scan failed: {r.stderr}")
        with open(report) as f:
            cls.report = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_scan_saw_our_pod(self):
        self.assertEqual(sorted(c["id"] for c in self.report["checks"]), sorted(MUST_PASS_FOR_OUR_POD))

    def test_no_pod_security_check_flags_our_pod(self):
        for check in self.report["checks"]:
            with self.subTest(check=check["id"]):
                flagged = [f for f in check.get("findings", [])
                           if f["resource"].get("namespace") == "rampart" and f["status"] in ("FAIL", "WARN", "ERROR")]
                self.assertEqual(flagged, [])
                self.assertIn(check["status"], ("PASS", "SKIP"), check.get("reason"))


if __name__ == "__main__":
    unittest.main()
