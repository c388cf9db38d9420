"""rampart scanning a cluster where its own deploy/ manifests are applied does not flag itself.

deploy/ is rendered by kubectl (`kubectl kustomize`, offline, see test_deploy.py) through an
overlay that pins the image by digest, as docs/cronjob.md tells whoever installs it to do. The
CronJob's pod template becomes a running Pod, and `kubectl auth whoami -o json`'s answer for the
scanner's service account says who collected the dump; `rampart scan --inventory` then runs the
whole catalog on it.

What the scanner needs to do its job is exempt, visibly (check-level evidence, as bootstrap
grants are): its pod mounts its token (5.1.6), and its service account reads secrets metadata
and nodes/proxy through read-only rules (5.1.2, 5.1.10, RMP-010). The tests below also show that
the exemption is no blanket: without the scanner's identity, for another identity, for write
access, and for an image pinned by tag only, the same pod is flagged.
"""
import copy
import json
import os
import subprocess
import tempfile
import unittest

import test_deploy as deploy

RAMPART = os.environ.get("RAMPART_BIN", "rampart")
POD = "rampart-scan-29000000-abcde"
SCANNER = "system:serviceaccount:rampart:rampart"
DIGEST = "sha256:" + "5f0c" * 16
MUST_PASS_FOR_OUR_POD = ["5.1.2", "5.1.5", "5.1.6", "5.1.10", "5.2.2", "5.2.3", "5.2.4", "5.2.5", "5.2.6", "5.2.7", "5.2.8", "5.2.9",
                         "5.2.10", "5.2.11", "5.2.12", "5.6.2", "5.6.3", "RMP-003", "RMP-010"]
COLLECTED = "namespaces,pods,serviceaccounts,roles,clusterroles,rolebindings,clusterrolebindings,networkpolicies"
FLAGGED = ("FAIL", "WARN", "ERROR")


def whoami(user, groups):
    """What `kubectl auth whoami -o json` prints."""
    return {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1", "metadata": {},
            "status": {"userInfo": {"username": user, "uid": "9d0f3c52-0000-4000-8000-000000000001", "groups": groups}}}


SCANNER_WHOAMI = whoami(SCANNER, ["system:serviceaccounts", "system:serviceaccounts:rampart", "system:authenticated"])


def with_running_scan(objects):
    items = []
    for o in objects:
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
    return items


def ours(finding):
    """A finding about rampart's own deployment: its namespace, or its cluster-wide RBAC objects."""
    r = finding["resource"]
    return r.get("namespace") == "rampart" or r.get("name", "").startswith("rampart")


class SelfScan(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="rampart-self-scan-")
        cls.pinned = with_running_scan(deploy.render(cls.mkdtemp(), digest=DIGEST))
        cls.by_tag = with_running_scan(deploy.render(cls.mkdtemp()))
        optional = [file for file, _ in deploy.OPTIONAL.values()]
        cls.opted_in = with_running_scan(deploy.render(cls.mkdtemp(), opt_in=optional, digest=DIGEST))
        cls.report = cls.scan(cls.pinned + [SCANNER_WHOAMI])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def mkdtemp(cls):
        return tempfile.mkdtemp(dir=cls.tmp.name)

    @classmethod
    def scan(cls, items, checks=None):
        fd, dump = tempfile.mkstemp(suffix=".json", dir=cls.tmp.name)
        with os.fdopen(fd, "w") as f:
            json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
        report = dump + ".report.json"
        args = [RAMPART, "scan", "--inventory", dump, "--collected", COLLECTED, "-o", f"json={report}"]
        if checks:
            args += ["--checks", ",".join(checks)]
        r = subprocess.run(args, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"rampart scan failed: {r.stderr}")
        with open(report) as f:
            return {c["id"]: c for c in json.load(f)["checks"]}

    def flagged_ours(self, report):
        return {(cid, f["status"], f["resource"]["kind"], f["resource"]["name"])
                for cid, c in report.items() for f in c.get("findings", []) if f["status"] in FLAGGED and ours(f)}

    def test_the_scan_saw_our_pod(self):
        image = next(c["image"] for o in self.pinned if o["kind"] == "Pod" for c in o["spec"]["containers"])
        self.assertTrue(image.endswith("@" + DIGEST), image)
        pod_checks = [cid for cid, c in self.report.items()
                      if any(e["value"].startswith(f"pod rampart/{POD} ") for e in c.get("evidence", []))]
        self.assertIn("5.1.6", pod_checks)

    def test_no_check_of_the_catalog_flags_our_deployment(self):
        self.assertGreater(len(self.report), 150)
        self.assertEqual(self.flagged_ours(self.report), set())

    def test_pod_checks_pass_for_our_pod(self):
        for cid in MUST_PASS_FOR_OUR_POD:
            with self.subTest(check=cid):
                self.assertEqual(self.report[cid]["status"], "PASS", self.report[cid].get("reason"))

    def test_the_token_mount_of_our_pod_is_exempt_and_shown(self):
        c = self.report["5.1.6"]
        self.assertEqual(c["status"], "PASS", c.get("reason"))
        self.assertIn("(1 pod of the scanner itself exempt)", c["reason"])
        self.assertIn({"source": "api", "what": "the scanner's own pod (exempt)",
                       "value": f"pod rampart/{POD} mounts the token of ServiceAccount rampart, which this scan authenticated as"},
                      c["evidence"])

    def test_without_knowing_who_it_is_rampart_flags_its_token_mount(self):
        self.assertEqual(self.flagged_ours(self.scan(self.pinned)), {("5.1.6", "FAIL", "Pod", POD)})

    def test_another_identity_gets_no_exemption(self):
        admin = whoami("kubernetes-admin", ["kubeadm:cluster-admins", "system:authenticated"])
        self.assertEqual(self.flagged_ours(self.scan(self.pinned + [admin], ["5.1.6"])), {("5.1.6", "FAIL", "Pod", POD)})

    def test_optional_permissions_are_reported_on_rampart_itself(self):
        report = self.scan(self.opted_in + [SCANNER_WHOAMI])
        self.assertEqual(self.flagged_ours(report), {("5.1.2", "FAIL", "ServiceAccount", "rampart"),
                                                     ("5.1.10", "FAIL", "ServiceAccount", "rampart"),
                                                     ("RMP-010", "FAIL", "Pod", POD)})
        for cid in ("5.1.2", "5.1.10", "RMP-010"):
            with self.subTest(check=cid):
                finding = next(f for f in report[cid]["findings"] if ours(f))
                self.assertIn("self", finding["tags"])
                self.assertTrue(any(e["what"] == "hint" and "the identity this scan authenticated as" in e["value"]
                                    for e in finding["evidence"]), finding["evidence"])
        self.assertIn("read all secrets cluster-wide", next(f for f in report["RMP-010"]["findings"] if ours(f))["message"])
        self.assertEqual(report["5.1.6"]["status"], "PASS", report["5.1.6"].get("reason"))

    def test_write_access_of_the_scanner_is_reported(self):
        extra = [
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "pod-maker"},
             "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "create"]}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "pod-maker"},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "pod-maker"},
             "subjects": [{"kind": "ServiceAccount", "name": "rampart", "namespace": "rampart"}]},
        ]
        report = self.scan(self.pinned + extra + [SCANNER_WHOAMI], ["5.1.4", "5.1.6", "RMP-010"])
        self.assertEqual(report["5.1.6"]["status"], "PASS", report["5.1.6"].get("reason"))
        blast = [f for f in report["RMP-010"].get("findings", []) if f["resource"]["name"] == POD]
        self.assertEqual([(f["status"], f["message"].split(", which can ")[1]) for f in blast],
                         [("FAIL", "create pods in every namespace")])
        self.assertIn("self", blast[0]["tags"])
        create = [f for f in report["5.1.4"].get("findings", []) if f["resource"]["name"] == "rampart"]
        self.assertEqual([f["status"] for f in create], ["FAIL"], report["5.1.4"])
        self.assertIn("self", create[0]["tags"])

    def test_an_image_pinned_by_tag_only_is_flagged_even_for_rampart(self):
        report = self.scan(self.by_tag + [SCANNER_WHOAMI], ["RMP-003"])
        self.assertEqual(self.flagged_ours(report), {("RMP-003", "WARN", "Pod", POD)})


if __name__ == "__main__":
    unittest.main()
