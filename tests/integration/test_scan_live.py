"""End to end: `rampart scan --kubeconfig` against the simulated clusters (tests/sim/).

The expected results were derived by reading testdata/clusters/demo and hardened (and
testdata/clusters/README.md's list of planted mistakes) against the pass conditions in
docs/checks.md, not copied from rampart's output. Each expectation says which planted fact
decides it.

Also here: statuses that must not be PASS when data is missing (the `limited` identity), the
same cluster giving the same report, probes during a live scan (RMP-101.. and the contradiction
rule), the proof that no secret value leaves the API server, and scripts/demo.
"""
import base64
import contextlib
import glob
import json
import os
import re
import socket
import subprocess
import tempfile
import unittest

from jsonschema_lite import validate
from simlib import CLUSTERS, SOURCE_DIR, run_rampart, start_sim

with open(os.path.join(SOURCE_DIR, "docs", "report.schema.json")) as _f:
    REPORT_SCHEMA = json.load(_f)

CANARY = "CANARY-4c1d9e"

# ---------------------------------------------------------------------------------- demo: reading

APISERVER = ("Pod", "kube-system", "kube-apiserver-cp-1")
CONTROLLER_MANAGER = ("Pod", "kube-system", "kube-controller-manager-cp-1")
SCHEDULER = ("Pod", "kube-system", "kube-scheduler-cp-1")
ETCD = ("Pod", "kube-system", "etcd-cp-1")
CP_1 = ("Node", "", "cp-1")

LEGACY_APP = ("Pod", "legacy", "legacy-app-79nbjkpcmm-vpkj8")  # privileged, hostPID/Network/Port, hostPath /, root
DEBUG_SHELL = ("Pod", "legacy", "debug-shell")                 # hostIPC, Unconfined seccomp, spc_t, hostUsers: false
NGINX = ("Pod", "default", "nginx")
FLANNEL_CP = ("Pod", "kube-flannel", "kube-flannel-ds-4kjmq")     # on cp-1 (no seccompDefault)
FLANNEL_WORKER = ("Pod", "kube-flannel", "kube-flannel-ds-dn4vn")  # on worker-1 (seccompDefault: true)
DASHBOARD = ("Pod", "analytics", "dashboard-j8hqmfgmbc-v8rvv")    # on cp-1, no seccomp profile
ETL = ("Pod", "analytics", "etl-jdmjkbgfhg-6zjgm")                # on worker-1, no seccomp profile
SHOP = [("Pod", "shop", "db-0"), ("Pod", "shop", "web-ng7bm8pknf-vc7j6"), ("Pod", "shop", "web-ng7bm8pknf-xwslx")]
FLANNEL = {FLANNEL_CP, FLANNEL_WORKER}

# Holders of cluster-admin outside the bootstrap default (cluster-admin -> system:masters):
# ci-deployer-cluster-admin, break-glass (system:masters and a user) and kubeadm's own binding,
# which carries no autoupdate annotation and so is not exempt from 5.1.2-5.1.13.
CLUSTER_ADMINS = {("Group", "", "kubeadm:cluster-admins"), ("Group", "", "system:masters"),
                  ("ServiceAccount", "legacy", "ci-deployer"), ("User", "", "oncall@example.com")}
LEGACY_DEFAULT_SA = ("ServiceAccount", "legacy", "default")  # bound to Role legacy-admin (*/*/*)

# Every FAIL of a demo scan without probes, and the resources each FAIL names. Grouped by the
# planted mistake (testdata/clusters/README.md "demo").
DEMO_FAILS = {
    # kube-apiserver: anonymous on, static tokens, only NodeRestriction, no profiling/audit/
    # kubelet CA/encryption/cipher flags, token expiration extended by default.
    **{cid: {APISERVER} for cid in (
        "1.2.1", "1.2.2", "1.2.3", "1.2.5", "1.2.9", "1.2.11", "1.2.15", "1.2.16", "1.2.17", "1.2.18",
        "1.2.19", "1.2.27", "1.2.28", "1.2.29", "1.2.30", "3.2.1", "5.5.1", "RMP-008", "RMP-009")},
    # kube-controller-manager: no GC threshold, profiling on, RotateKubeletServerCertificate=false.
    **{cid: {CONTROLLER_MANAGER} for cid in ("1.3.1", "1.3.2", "1.3.6")},
    # kube-scheduler: profiling on (no --config), --bind-address=0.0.0.0.
    **{cid: {SCHEDULER} for cid in ("1.4.1", "1.4.2")},
    # etcd: no --peer-client-cert-auth, ETCD_PEER_AUTO_TLS=true, --trusted-ca-file = API server's client CA.
    **{cid: {ETCD} for cid in ("2.5", "2.6", "2.7")},
    # Kubelet cp-1 unhardened, worker-1 hardened: only cp-1 fails. (4.2.6 makeIPTablesUtilChains
    # and 4.2.8 eventRecordQPS pass on both.)
    **{cid: {CP_1} for cid in (
        "4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.5", "4.2.9", "4.2.10", "4.2.11", "4.2.12", "4.2.13", "4.2.14")},
    "4.3.1": {("ConfigMap", "kube-system", "kube-proxy")},  # metricsBindAddress: 0.0.0.0:10249
    # RBAC.
    "5.1.1": {("ClusterRoleBinding", "", "ci-deployer-cluster-admin"), ("ClusterRoleBinding", "", "break-glass")},
    "5.1.2": CLUSTER_ADMINS | {("Group", "", "ops-team"), LEGACY_DEFAULT_SA},
    "5.1.3": {("Role", "legacy", "legacy-admin")},
    "5.1.4": CLUSTER_ADMINS | {LEGACY_DEFAULT_SA},
    # No default ServiceAccount sets automountServiceAccountToken: false.
    "5.1.5": {("ServiceAccount", ns, "default") for ns in (
        "analytics", "default", "kube-flannel", "kube-node-lease", "kube-public", "kube-system", "legacy", "shop")},
    # Pods in user namespaces that mount a token they did not opt into (kube-system ones: WARN).
    "5.1.6": {DASHBOARD, ETL, NGINX, DEBUG_SHELL, LEGACY_APP} | FLANNEL,
    # Group system:masters in break-glass, and the approved (and issued) CSR alice-admin whose
    # request asks for O=system:masters. mallory-masters asks for it too but was denied: evidence only.
    "5.1.7": {("ClusterRoleBinding", "", "break-glass"), ("CertificateSigningRequest", "", "alice-admin")},
    "5.1.8": CLUSTER_ADMINS | {LEGACY_DEFAULT_SA, ("User", "", "jane@example.com")},
    "5.1.9": CLUSTER_ADMINS,
    "5.1.10": CLUSTER_ADMINS | {("Group", "", "system:authenticated")},
    "5.1.11": CLUSTER_ADMINS,  # ci-deployer also through ci-csr-approver
    "5.1.12": CLUSTER_ADMINS | {("Group", "", "platform-team")},
    "5.1.13": CLUSTER_ADMINS | {LEGACY_DEFAULT_SA},
    # Pod security in user namespaces (kube-flannel is one: only kube-system, kube-public and
    # kube-node-lease are system namespaces).
    # The ValidatingAdmissionPolicy no-host-namespaces is bound with Warn and Audit only: it
    # guards nothing.
    "5.2.1": {("Namespace", "", ns) for ns in ("default", "kube-flannel", "legacy")},
    "5.2.2": {LEGACY_APP},
    "5.2.3": {LEGACY_APP},
    "5.2.4": {DEBUG_SHELL},
    "5.2.5": {LEGACY_APP} | FLANNEL,
    "5.2.6": {LEGACY_APP},  # privileged forces escalation; unset elsewhere is only WARN
    "5.2.7": {LEGACY_APP},  # runAsUser 0; debug-shell is exempt (hostUsers: false)
    "5.2.8": {LEGACY_APP, DEBUG_SHELL, NGINX} | FLANNEL,  # adds NET_RAW, or does not drop it
    "5.2.9": {LEGACY_APP} | FLANNEL,  # SYS_ADMIN/NET_RAW, NET_ADMIN/NET_RAW
    "5.2.11": {LEGACY_APP} | FLANNEL,
    "5.2.12": {LEGACY_APP},
    "5.3.1": set(),  # flannel alone: the finding is the reason, no resource
    "5.3.2": {("Namespace", "", ns) for ns in ("default", "kube-flannel", "legacy")},
    "5.4.1": {LEGACY_APP},
    # Unconfined, or unset on cp-1 (seccompDefault false); unset on worker-1 passes
    # (seccompDefault true): nginx, etl and the worker's flannel pod are not listed.
    "5.6.2": {LEGACY_APP, DEBUG_SHELL, DASHBOARD, FLANNEL_CP},
    "5.6.3": {DEBUG_SHELL},  # AppArmor unconfined, spc_t, kernel.msgmax (procMount allowed: hostUsers false)
    "5.6.4": {NGINX, ("Secret", "default", "registry-pull"), ("Service", "default", "nginx")},
    "RMP-001": set(),  # v1.32 is out of support (checks/products.yaml)
    "RMP-002": {CP_1, ("Node", "", "worker-1")},
    "RMP-003": {NGINX, DEBUG_SHELL, LEGACY_APP},  # :latest, busybox without a tag
    "RMP-006": set(),  # no runtime-security agent
    "RMP-007": set(),  # no secret store (cert-manager is not one)
    # Every workload pod: system:authenticated may use nodes/proxy (authenticated-node-debug).
    "RMP-010": {LEGACY_APP, DEBUG_SHELL, NGINX, DASHBOARD, ETL, *SHOP} | FLANNEL,
}

# What passes in the demo, by reading: the flags kubeadm does set, etcd client TLS, and the
# kubelet settings both nodes share.
DEMO_PASSES = {
    "1.2.4", "1.2.6", "1.2.7", "1.2.8", "1.2.10", "1.2.12", "1.2.13", "1.2.14", "1.2.21", "1.2.22", "1.2.23",
    "1.2.24", "1.2.25", "1.2.26", "1.3.3", "1.3.4", "1.3.5", "1.3.7", "2.1", "2.2", "2.3", "2.4", "4.2.6", "4.2.8",
}
DEMO_WARNS = {"5.2.10"}  # no HostProcess pod, but default, kube-flannel and legacy do not forbid it
DEMO_SKIPS = {"RMP-004", "RMP-005"}  # no --allowed-registries; no mesh
# Everything else is MANUAL: files on nodes (1.1.x, 4.1.x), 1.2.20, 3.1.x, 3.2.2, 4.2.7, 5.4.2, 5.6.1.

KUBELET_CONFIG_CHECKS = ["4.2.%d" % i for i in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14)]
# Decided by network probes alone: SKIP in a scan with --no-probes.
PROBE_CHECKS = {"RMP-%d" % i for i in range(101, 120)}


def catalog_ids():
    proc = run_rampart("checks", "list", "--output", "json", check=True)
    return {c["id"] for c in json.loads(proc.stdout)}


def resource(finding):
    r = finding["resource"]
    return (r["kind"], r["namespace"], r["name"])


def failing(check, status="FAIL"):
    return {resource(f) for f in check["findings"] if f["status"] == status}


def by_id(report):
    return {c["id"]: c for c in report["checks"]}


def statuses(report):
    return {c["id"]: c["status"] for c in report["checks"]}


class Scans:
    """Runs rampart against one simulator and keeps the outputs in a temporary directory."""

    def __init__(self, sim, tmp):
        self.sim, self.tmp, self.n = sim, tmp, 0

    def scan(self, identity="admin", *args, verbose=False):
        """(CompletedProcess, JSON report bytes) of `rampart scan` with that identity; the report
        is checked against docs/report.schema.json."""
        self.n += 1
        out = os.path.join(self.tmp, "report-%d.json" % self.n)
        head = ["-vvv"] if verbose else []
        proc = run_rampart(*head, "scan", "--kubeconfig", self.sim.kubeconfig(identity), "--output", "json=" + out, *args)
        if proc.returncode != 0:
            raise AssertionError("rampart scan exited %d:\n%s" % (proc.returncode, proc.stderr))
        with open(out, "rb") as f:
            raw = f.read()
        validate(REPORT_SCHEMA, json.loads(raw))
        return proc, raw


class LiveScanCase(unittest.TestCase):
    CLUSTER = "demo"
    IDENTITY = "admin"

    @classmethod
    def setUpClass(cls):
        cls.stack = contextlib.ExitStack()
        try:
            cls.sim = cls.stack.enter_context(start_sim(cls.CLUSTER))
            cls.scans = Scans(cls.sim, cls.stack.enter_context(tempfile.TemporaryDirectory()))
            _, cls.raw = cls.scans.scan(cls.IDENTITY, "--no-probes")
            cls.report = json.loads(cls.raw)
            cls.checks = by_id(cls.report)
        except BaseException:
            cls.stack.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()


class DemoScan(LiveScanCase):
    CLUSTER = "demo"

    def test_every_status_is_what_the_planted_mistakes_give(self):
        got = statuses(self.report)
        self.assertEqual(set(got), catalog_ids())
        self.assertEqual({i for i, s in got.items() if s == "FAIL"}, set(DEMO_FAILS))
        self.assertEqual({i for i, s in got.items() if s == "PASS"}, DEMO_PASSES)
        self.assertEqual({i for i, s in got.items() if s == "WARN"}, DEMO_WARNS)
        self.assertEqual({i for i, s in got.items() if s == "SKIP"}, DEMO_SKIPS | PROBE_CHECKS)
        decided = set(DEMO_FAILS) | DEMO_PASSES | DEMO_WARNS | DEMO_SKIPS | PROBE_CHECKS
        self.assertEqual({s for i, s in got.items() if i not in decided}, {"MANUAL"})
        for cid in PROBE_CHECKS:
            self.assertTrue(self.checks[cid]["reason"].startswith("probes were not run"), cid)
        self.assertEqual(self.report["coverage"]["not_collected"], [])

    def test_each_fail_names_the_resources_behind_it(self):
        for cid, expected in sorted(DEMO_FAILS.items()):
            with self.subTest(check=cid):
                check = self.checks[cid]
                got = failing(check)
                if cid == "5.6.2":  # pods in system namespaces are not part of the expectation
                    got = {r for r in got if r[1] not in ("kube-system", "kube-public", "kube-node-lease")}
                self.assertEqual(got, expected, check["reason"])
                self.assertTrue(check["reason"])

    def test_warnings_and_evidence_of_interest(self):
        c = self.checks
        # kubeadm's own cluster-admin binding is a known default: a WARN finding, not a FAIL.
        self.assertEqual(failing(c["5.1.1"], "WARN"), {("ClusterRoleBinding", "", "kubeadm:cluster-admins")})
        # System-namespace pods that mount tokens only warn.
        self.assertEqual({r[1] for r in failing(c["5.1.6"], "WARN")}, {"kube-system"})
        # The image tags without digest are warnings, the moving tags failures.
        self.assertIn(("Pod", "shop", "db-0"), failing(c["RMP-003"], "WARN"))
        # 4.2.4 reads the port the kubelet really listens on (the simulator rewrites configz).
        cp1 = next(f for f in c["4.2.4"]["findings"] if resource(f) == CP_1)
        self.assertRegex(cp1["message"], r"read-only port \d+ is open")
        self.assertIn("0.0.0.0:10249", json.dumps(c["4.3.1"]["findings"]))
        evidence_517 = json.dumps(c["5.1.7"]["evidence"])
        self.assertIn("3 read, 3 subjects decoded", evidence_517)
        self.assertIn("CN=mallory, O=system:masters (denied)", evidence_517)
        alice = next(f for f in c["5.1.7"]["findings"] if resource(f) == ("CertificateSigningRequest", "", "alice-admin"))
        self.assertIn("approved, certificate issued", alice["message"])
        self.assertIn("ValidatingAdmissionPolicies: 1, bindings: 1", json.dumps(c["5.2.1"]["evidence"]))  # Warn only: no cover

    def test_csr_bytes_never_leave(self):
        # Only the decoded subjects are kept: neither the PEM requests nor the issued certificate
        # appear in a report or an inventory.
        with open(os.path.join(CLUSTERS, "demo", "certificates.json")) as f:
            csrs = json.load(f)["items"]
        blobs = [c["spec"]["request"] for c in csrs] + [c["status"]["certificate"] for c in csrs if "certificate" in c["status"]]
        self.assertEqual(len(blobs), 4)
        needles = [b[40:100] for b in blobs]
        needles += [base64.b64decode(b).decode().splitlines()[3] for b in blobs]  # a line of the PEM body
        inv = run_rampart("inventory", "--kubeconfig", self.sim.kubeconfig("admin"), "-o", "json")
        self.assertEqual(inv.returncode, 0, inv.stderr)
        inventory = json.loads(inv.stdout)
        self.assertEqual({c["meta"]["name"]: c["subject_organizations"] for c in inventory["csrs"]},
                         {"alice-admin": ["system:masters"], "csr-7n4xq": ["system:nodes"], "mallory-masters": ["system:masters"]})
        for text in (inv.stdout, self.raw.decode()):
            for needle in needles:
                self.assertNotIn(needle, text)

    def test_same_cluster_same_report(self):
        _, again = self.scans.scan("admin", "--no-probes")
        # The scan's times: when it started and ended, and how long it took.
        times = rb'\n\s*"(generated_at|started_at|duration_seconds)": ("[^"]*"|[0-9.e+-]+),'
        strip = lambda raw: re.sub(times, b"", raw)
        self.assertEqual(len(re.findall(times, self.raw)), 3)
        self.assertEqual(strip(again), strip(self.raw))

    def test_missing_data_is_never_a_pass(self):
        # `limited` may not list secrets nor get nodes/proxy.
        _, raw = self.scans.scan("limited", "--no-probes")
        report = json.loads(raw)
        checks = by_id(report)
        for cid in KUBELET_CONFIG_CHECKS:
            with self.subTest(check=cid):
                self.assertEqual(checks[cid]["status"], "ERROR")
                self.assertIn("nodes/proxy", checks[cid]["reason"])
                self.assertIn("forbidden", checks[cid]["reason"])
        self.assertEqual(checks["5.6.4"]["status"], "ERROR")
        self.assertIn("secrets", checks["5.6.4"]["reason"])
        for cid in ("3.1.2", "3.1.3"):  # manual either way, but their evidence says what is missing
            self.assertEqual(checks[cid]["status"], "MANUAL")
            self.assertIn("secrets could not be read", json.dumps(checks[cid]["evidence"]))
        # Pods without a seccomp profile depend on their node's seccompDefault: now unknown.
        self.assertIn(NGINX, failing(checks["5.6.2"], "ERROR"))
        self.assertEqual({f["status"] for f in checks["5.6.2"]["findings"]}, {"FAIL", "ERROR"})
        gaps = {g["resource"]: g for g in report["coverage"]["not_collected"]}
        self.assertEqual(set(gaps), {"secrets", "nodes/proxy/configz"})
        self.assertTrue(all(g["state"] == "forbidden" for g in gaps.values()))
        self.assertLess(report["coverage"]["confidence"], 1)
        # Nothing that read the missing data turned into a PASS.
        before = statuses(self.report)
        gained = {i for i, s in statuses(report).items() if s == "PASS" and before[i] != "PASS"}
        self.assertEqual(gained, set())


# ---------------------------------------------------------------------------------- hardened

# Evaluated MANUAL by design: facts only on the nodes' disks or in people's heads, or files rampart
# cannot read (encryption config, audit policy), or evidence-only controls.
HARDENED_MANUAL = (
    {"1.1.%d" % i for i in range(1, 22)} | {"4.1.%d" % i for i in range(1, 11)} |
    {"1.2.20", "1.2.28", "3.1.1", "3.1.2", "3.1.3", "3.2.2", "4.2.7", "5.4.2", "5.6.1",
     # no binding, flag or CSR (only a kubelet's, O=system:nodes) uses system:masters;
     # certificates signed off-cluster cannot be seen
     "5.1.7"})
HARDENED_SKIPS = {"RMP-004", "RMP-005"}  # no --allowed-registries given; no service mesh installed


class HardenedScan(LiveScanCase):
    CLUSTER = "hardened"
    # A read-everything token, as a scanner should hold: scanning with the admin certificate
    # (O=system:masters) is itself a finding (5.1.7, test_scanning_as_system_masters_is_a_warning).
    IDENTITY = "token"

    def test_everything_passes_or_says_why_not(self):
        got = statuses(self.report)
        self.assertEqual(set(got), catalog_ids())
        self.assertEqual({i for i, s in got.items() if s == "MANUAL"}, HARDENED_MANUAL)
        self.assertEqual({i for i, s in got.items() if s == "SKIP"}, HARDENED_SKIPS | PROBE_CHECKS)
        self.assertEqual({i for i, s in got.items() if s not in ("MANUAL", "SKIP")},
                         {i for i, s in got.items() if s == "PASS"})
        for cid in HARDENED_MANUAL | HARDENED_SKIPS:
            self.assertTrue(self.checks[cid]["reason"], cid)
        self.assertEqual(self.report["coverage"]["not_collected"], [])
        self.assertEqual(self.report["summary"]["FAIL"] + self.report["summary"]["WARN"] + self.report["summary"]["ERROR"], 0)

    def test_scanning_as_system_masters_is_a_warning(self):
        report = json.loads(self.scans.scan("admin", "--no-probes", "--checks", "5.1.7")[1])
        check = by_id(report)["5.1.7"]
        self.assertEqual(check["status"], "WARN", check["reason"])
        self.assertEqual([(f["status"], f["resource"], f["tags"]) for f in check["findings"]],
                         [("WARN", {"kind": "User", "namespace": "", "name": "admin"}, ["self"])])

    def test_the_passes_rest_on_what_the_cluster_shows(self):
        c = self.checks
        self.assertIn("127.0.0.1:10249", json.dumps(c["4.3.1"]["evidence"]))  # from the collected ConfigMap
        self.assertIn("1.35", c["RMP-001"]["reason"])
        self.assertIn("Falco", c["RMP-006"]["reason"])
        self.assertIn("External Secrets Operator", c["RMP-007"]["reason"])
        self.assertIn("DaemonSet kube-system/fluent-bit", json.dumps(c["RMP-008"]["evidence"]))  # ships the audit log
        self.assertIn("https://login.example.com", json.dumps(c["RMP-009"]["evidence"]))
        self.assertEqual(c["5.3.1"]["status"], "PASS")  # calico
        for cid in KUBELET_CONFIG_CHECKS:
            self.assertEqual(c[cid]["status"], "PASS", cid)

    def test_missing_data_turns_passes_into_errors(self):
        _, raw = self.scans.scan("limited", "--no-probes")
        checks = by_id(json.loads(raw))
        for cid in KUBELET_CONFIG_CHECKS + ["5.6.4"]:
            self.assertEqual(checks[cid]["status"], "ERROR", cid)
        self.assertEqual({c["id"] for c in checks.values() if c["status"] in ("FAIL", "WARN")}, set())


# ---------------------------------------------------------------------------------- unreadable kinds

def identities_without(tmp, *resources):
    """A simulator identities file whose `limited` identity may not list `resources` either."""
    with open(os.path.join(SOURCE_DIR, "tests", "sim", "identities.json")) as f:
        doc = json.load(f)
    for rule in doc["identities"]["limited"]["rules"]:
        rule["resources"] = [r for r in rule["resources"] if r not in resources]
    path = os.path.join(tmp, "identities.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


class ForbiddenCsrsAndPolicies(unittest.TestCase):
    """403 on CSRs, admission policy bindings or Services: the checks that read them say ERROR or
    keep a FAIL decided by other data; they never fall back to PASS or MANUAL."""

    def scan(self, cluster):
        with tempfile.TemporaryDirectory() as tmp:
            path = identities_without(tmp, "certificatesigningrequests", "validatingadmissionpolicybindings", "services")
            with start_sim(cluster, identities=path) as sim:
                _, raw = Scans(sim, tmp).scan("limited", "--no-probes")
        report = json.loads(raw)
        return by_id(report), {g["resource"]: g["state"] for g in report["coverage"]["not_collected"]}

    def test_hardened(self):
        checks, gaps = self.scan("hardened")
        self.assertEqual(gaps, {"secrets": "forbidden", "nodes/proxy/configz": "forbidden", "certificatesigningrequests": "forbidden",
                                "validatingadmissionpolicybindings": "forbidden", "services": "forbidden"})
        # No binding or flag uses system:masters, but a CSR might: ERROR, not MANUAL.
        self.assertEqual(checks["5.1.7"]["status"], "ERROR")
        self.assertIn("certificatesigningrequests could not be read: forbidden", checks["5.1.7"]["reason"])
        # Every namespace enforces restricted by label: the unread bindings do not matter.
        self.assertEqual(checks["5.2.1"]["status"], "PASS")
        self.assertEqual(checks["5.6.4"]["status"], "ERROR")

    def test_demo(self):
        checks, _ = self.scan("demo")
        # break-glass still decides 5.1.7; the evidence says the CSRs were not read.
        self.assertEqual(checks["5.1.7"]["status"], "FAIL")
        self.assertEqual(failing(checks["5.1.7"]), {("ClusterRoleBinding", "", "break-glass")})
        self.assertIn("certificatesigningrequests could not be read", json.dumps(checks["5.1.7"]["evidence"]))
        # Unlabelled namespaces might be guarded by a policy rampart could not see.
        self.assertEqual(checks["5.2.1"]["status"], "ERROR")
        self.assertEqual(failing(checks["5.2.1"], "ERROR"), {("Namespace", "", ns) for ns in ("default", "kube-flannel", "legacy")})
        self.assertIn("validatingadmissionpolicybindings could not be read", checks["5.2.1"]["reason"])


# ---------------------------------------------------------------------------------- probes

# What the probes see of the demo. The simulator serves the API server, one kubelet per node
# (cp-1 anonymous with AlwaysAllow, a read-only port, Go's default suites and a self-made
# certificate; worker-1 anonymous off) and the scheduler, which binds 0.0.0.0 (the
# controller-manager binds 127.0.0.1: closed from off the node). It serves no etcd and no
# kube-proxy metrics (tests/sim/README.md), so probes of those find nothing: their verdicts are
# not asserted here.
DEMO_PROBE_FAILS = {
    "RMP-101": "kubelet-readonly",  # cp-1's read-only port answers
    "RMP-102": "kubelet",           # cp-1 serves /pods to anonymous callers
    "RMP-103": "kubelet",           # cp-1 accepts the anonymous identity
    "RMP-108": "apiserver",         # anonymous discovery (/version answered; kubeadm's default)
    # no --tls-cipher-suites / tlsCipherSuites anywhere: Go's CBC suites are accepted
    "RMP-111": "apiserver,kubelet,scheduler",
    "RMP-113": "kubelet",           # cp-1's certificate comes from its own ephemeral CA
    "RMP-114": "scheduler",         # --bind-address=0.0.0.0: reachable from off the node
}


# Ports the probes try at the nodes' address, which the simulator makes 127.0.0.1: the API
# server's --secure-port, etcd, controller-manager, scheduler, kube-proxy metrics, the legacy
# plaintext ports and the default kubelet read-only port (worker-1 has none).
FIXED_PORTS = (6443, 2379, 2380, 10257, 10259, 10249, 8080, 10251, 10252, 10255)


def busy_fixed_ports():
    """Fixed ports something on this machine listens on: the probes would find that instead."""
    busy = []
    for port in FIXED_PORTS:
        with socket.socket() as s:
            s.settimeout(1)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(port)
    return busy


class ProbesDuringALiveScan(unittest.TestCase):
    """Kubelets found from the Nodes and probed from the network during `rampart scan`."""

    def setUp(self):
        busy = busy_fixed_ports()
        if busy:
            self.skipTest("this machine listens on %s, which probes of the simulated nodes would reach" % busy)

    def test_demo_kubelets_as_the_cluster_describes_them(self):
        with start_sim("demo") as sim, tempfile.TemporaryDirectory() as tmp:
            _, raw = Scans(sim, tmp).scan("admin")  # probes on
            report = json.loads(raw)
            checks = by_id(report)
            cp1, worker = sim.kubelets["cp-1"], sim.kubelets["worker-1"]
            kubelet_cp1 = ("NetworkEndpoint", "", "kubelet://127.0.0.1:%d" % cp1["port"])
            readonly_cp1 = ("NetworkEndpoint", "", "kubelet-readonly://127.0.0.1:%d" % cp1["readonly_port"])
            for cid, kinds in DEMO_PROBE_FAILS.items():
                self.assertEqual(checks[cid]["status"], "FAIL", cid)
                got = {r[2].split("://")[0] for r in failing(checks[cid])}
                self.assertEqual(got, set(kinds.split(",")), cid)
            self.assertEqual(failing(checks["RMP-101"]), {readonly_cp1})
            for cid in ("RMP-102", "RMP-103", "RMP-113"):
                self.assertEqual(failing(checks[cid]), {kubelet_cp1}, cid)
                # worker-1 (anonymous off, cluster-issued certificate) is among the passing targets
                self.assertIn("kubelet://127.0.0.1:%d" % worker["port"], json.dumps(checks[cid]["evidence"]), cid)
            self.assertIn("401", json.dumps(checks["RMP-102"]["evidence"]))
            # Anonymous is "forbidden" (nothing read), TLS 1.2+ only, certificates valid, the
            # scheduler's /metrics refused (403).
            for cid in ("RMP-109", "RMP-110", "RMP-112", "RMP-115"):
                self.assertEqual(checks[cid]["status"], "PASS", cid)
            # The contradiction rule adds the probe's observation to the flag/configz FAIL.
            scheduler = ("NetworkEndpoint", "", "scheduler://127.0.0.1:%d" % sim.ready["components"]["kube-scheduler-cp-1"]["port"])
            for cid, expected in (("4.2.1", {CP_1, kubelet_cp1}), ("4.2.2", {CP_1, kubelet_cp1}),
                                  ("4.2.4", {CP_1, readonly_cp1}), ("1.4.2", {SCHEDULER, scheduler}),
                                  ("1.2.1", {APISERVER, ("NetworkEndpoint", "", "apiserver://" + sim.server[len("https://"):])})):
                self.assertEqual(failing(checks[cid]), expected, cid)
            self.assertEqual(checks["4.2.1"]["severity"], "critical")  # anonymous /pods answered 200
            # Apart from the probe checks, probes change no status of the demo: they confirm.
            without = statuses(json.loads(Scans(sim, tmp).scan("admin", "--no-probes")[1]))
            changed = {i for i, s in statuses(report).items() if s != without[i] and i not in PROBE_CHECKS}
            self.assertEqual(changed, set())

    def test_demo_probe_command_agrees(self):
        with start_sim("demo") as sim, tempfile.TemporaryDirectory() as tmp:
            inv = run_rampart("inventory", "--kubeconfig", sim.kubeconfig("admin"), "-o", "json")
            self.assertEqual(inv.returncode, 0, inv.stderr)
            path = os.path.join(tmp, "inventory.json")
            with open(path, "w") as f:
                f.write(inv.stdout)
            probe = run_rampart("probe", "--inventory", path, "--no-tls-scan", "--output", "json")
            self.assertEqual(probe.returncode, 0, probe.stderr)
            results = json.loads(probe.stdout)["probes"]["results"]

            def result(probe_id, node):
                found = [r for r in results if r["probe"] == probe_id and r["target"].get("node") == node]
                self.assertEqual(len(found), 1, (probe_id, node, results))
                return found[0]

            cp1, worker = sim.kubelets["cp-1"], sim.kubelets["worker-1"]
            anon = result("P-1", "cp-1")
            self.assertEqual((anon["target"]["port"], anon["classification"]), (cp1["port"], "anonymous-allowed"))
            ro = result("P-3", "cp-1")
            self.assertEqual((ro["target"]["port"], ro["classification"]), (cp1["readonly_port"], "read-only-open"))
            off = result("P-1", "worker-1")
            self.assertEqual((off["target"]["port"], off["classification"]), (worker["port"], "anonymous-off"))
            self.assertNotEqual(result("P-3", "worker-1")["reachability"], "open")

    def test_hardened_with_probes_still_passes(self):
        with start_sim("hardened") as sim, tempfile.TemporaryDirectory() as tmp:
            report = json.loads(Scans(sim, tmp).scan("token")[1])
            got = statuses(report)
            self.assertEqual({i for i, s in got.items() if s in ("FAIL", "WARN", "ERROR")}, set())
            for cid in ("RMP-101", "RMP-102", "RMP-103", "RMP-108", "RMP-109", "RMP-110", "RMP-111", "RMP-113"):
                self.assertEqual(got[cid], "PASS", cid)


# ---------------------------------------------------------------------------------- secrets

def base64_forms(text):
    """The base64 characters that encode `text` at each of the three byte alignments it can
    have inside a longer value."""
    data = text.encode()
    forms = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data).decode()
        start = -(-offset // 3) * 4  # first group made only of text bytes
        end = (offset + len(data)) // 3 * 4
        forms.append(encoded[start:end])
    return forms


def secret_values(cluster):
    """Every Secret data value (base64, as stored) in a cluster's files."""
    values = set()
    for path in glob.glob(os.path.join(CLUSTERS, cluster, "*.json")):
        with open(path) as f:
            doc = json.load(f)
        items = doc.get("items", []) if isinstance(doc, dict) else doc
        for o in items:
            if isinstance(o, dict) and o.get("kind") == "Secret":
                values.update(v for v in o.get("data", {}).values() if len(v) >= 8)
    return values


class NoSecretValueLeaves(unittest.TestCase):
    def test_scans_and_inventories_never_carry_a_secret_value(self):
        needles = [CANARY] + base64_forms(CANARY) + sorted(secret_values("demo"))
        # The needles are the right shape: the cluster's own files hold the canary in base64.
        with open(os.path.join(CLUSTERS, "demo", "ns-legacy.json")) as f:
            self.assertTrue(any(form in f.read() for form in base64_forms(CANARY)))
        with start_sim("demo") as sim, tempfile.TemporaryDirectory() as tmp:
            scans = Scans(sim, tmp)
            outputs = {}
            for identity in ("admin", "token"):
                for probes in ((), ("--no-probes",)):
                    proc, raw = scans.scan(identity, *probes, "--output", "text", verbose=True)
                    name = "scan %s %s" % (identity, "without probes" if probes else "with probes")
                    outputs[name + " stdout"] = proc.stdout
                    outputs[name + " stderr"] = proc.stderr
                    outputs[name + " report"] = raw.decode()
                inv = run_rampart("-vvv", "inventory", "--kubeconfig", sim.kubeconfig(identity), "-o", "json")
                self.assertEqual(inv.returncode, 0, inv.stderr)
                outputs["inventory %s stdout" % identity] = inv.stdout
                outputs["inventory %s stderr" % identity] = inv.stderr

            # The secrets were really read (as metadata), by both identities, so the proof is not empty.
            listed = {r["identity"] for r in sim.requests() if r["path"] == "/api/v1/secrets" and r["status"] == 200}
            self.assertEqual(listed, {"admin", "token"})
            self.assertIn("debug", outputs["scan admin with probes stderr"].lower())  # -vvv did log
            self.assertIn("registry-pull", outputs["inventory admin stdout"])        # names are kept
            self.assertEqual(sim.secret_violations(), [])
            violations = os.path.join(sim.state_dir, "secret-violations.jsonl")
            self.assertEqual(os.path.getsize(violations) if os.path.exists(violations) else 0, 0)
            for name, text in sorted(outputs.items()):
                for needle in needles:
                    self.assertNotIn(needle, text, "%s carries %r" % (name, needle))


# ---------------------------------------------------------------------------------- scripts/demo

def build_dir():
    """The CMake build directory RAMPART_BIN was built in (scripts/demo builds there: a no-op when
    the binary is up to date), or None."""
    folder = os.path.dirname(os.path.abspath(os.environ.get("RAMPART_BIN", "/nonexistent/rampart")))
    return folder if os.path.exists(os.path.join(folder, "CMakeCache.txt")) else None


@unittest.skipUnless(build_dir(), "RAMPART_BIN is not in a CMake build directory")
class DemoScript(unittest.TestCase):
    def run_demo(self, *args):
        env = dict(os.environ, RAMPART_BUILD_DIR=build_dir())
        return subprocess.run([os.path.join(SOURCE_DIR, "scripts", "demo"), *args], env=env, capture_output=True,
                              text=True, timeout=600, stdin=subprocess.DEVNULL)

    def test_demo_prints_the_report_and_exits_0(self):
        proc = self.run_demo("--no-probes")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("rampart demo: scanning the simulated cluster testdata/clusters/demo", proc.stderr)
        self.assertIn("== Summary", proc.stdout)
        skips = len(DEMO_SKIPS | PROBE_CHECKS)
        manual = len(catalog_ids()) - len(DEMO_PASSES) - len(DEMO_FAILS) - len(DEMO_WARNS) - skips
        self.assertIn("Checks: %d PASS, %d FAIL, %d WARN, %d MANUAL, %d SKIP" % (
            len(DEMO_PASSES), len(DEMO_FAILS), len(DEMO_WARNS), manual, skips), proc.stdout)
        self.assertIn("[FAIL]", proc.stdout)

    def test_demo_json_is_valid(self):
        proc = self.run_demo("--output", "json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = json.loads(proc.stdout)
        validate(REPORT_SCHEMA, report)
        self.assertEqual({c["id"] for c in report["checks"]}, catalog_ids())
        self.assertEqual(report["cluster"]["version"], "v1.32.4")
        fails = {c["id"] for c in report["checks"] if c["status"] == "FAIL"}  # probes on
        self.assertLessEqual(set(DEMO_FAILS) | set(DEMO_PROBE_FAILS), fails)


if __name__ == "__main__":
    unittest.main()
