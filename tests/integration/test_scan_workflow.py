"""rampart scan as a CronJob or an auditor uses it: waivers and --fail-on exit codes, the
evidence bundle (and that the demo cluster's secret canary never reaches it), rampart diff as a
CI gate, and several clusters in one run with a roll-up."""
import base64
import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

from formatcheck import parse_prometheus
from jsonschema_lite import validate
from reportlib import KUBEADM_COLLECTED, KUBEADM_DEMO, OSCAL_SCHEMA, cluster_inventory, load_report, run

WAIVERS = """\
- check: "1.2.1"
  resource: {kind: Pod, namespace: kube-system, name: "kube-apiserver-*"}
  justification: managed by the platform team's hardening project
  owner: platform@example.com
  expires: 2999-12-31
- check: RMP-006
  justification: runtime security is provided outside the cluster
  owner: secops@example.com
  expires: 2999-12-31
- check: "9.9.9"
  justification: a typo that matches nothing
  owner: nobody@example.com
  expires: 2999-12-31
- check: "5.4.1"
  justification: long expired
  owner: old@example.com
  expires: 2020-01-01
"""


def read_text(path):
    with open(path, newline="") as f:
        return f.read()


def read_json(path):
    return json.loads(read_text(path))


class Workflow(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rampart-workflow-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def path(self, *names):
        return os.path.join(self.tmp, *names)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    # ------------------------------------------------------------ waivers and --fail-on

    def test_waivers_show_in_every_format(self):
        waivers = self.write("waivers.yaml", WAIVERS)
        fmts = ["json", "html", "junit", "csv", "sarif", "prometheus", "oscal"]
        args = ["scan", "--inventory", KUBEADM_DEMO, "--collected", KUBEADM_COLLECTED, "--waivers", waivers]
        for f in fmts:
            args += ["--output", "%s=%s" % (f, self.path("r." + f))]
        r = run(*args, "--output", "text")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Stale and expired waivers are reported on stderr and in the report, applied ones are not.
        self.assertIn("rampart: waiver 9.9.9 (%s:10) stale: " % waivers, r.stderr)
        self.assertIn("rampart: waiver 5.4.1 (%s:14) expired: " % waivers, r.stderr)
        self.assertNotIn("1.2.1", r.stderr)
        self.assertIn("[WAIVED] 1.2.1", r.stdout)
        self.assertIn("WAIVED (was FAIL) by platform@example.com until 2999-12-31", r.stdout)
        self.assertRegex(r.stdout, r"stale: 9\.9\.9 .*0 matched")

        doc = load_report(self.path("r.json"))
        by_id = {c["id"]: c for c in doc["checks"]}
        self.assertEqual(by_id["1.2.1"]["status"], "WAIVED")
        self.assertEqual(by_id["1.2.1"]["findings"][0]["waiver"]["owner"], "platform@example.com")
        self.assertEqual(by_id["RMP-006"]["status"], "WAIVED")
        self.assertEqual(by_id["RMP-006"]["waiver"]["waived_status"], "FAIL")
        self.assertEqual(by_id["5.4.1"]["status"], "FAIL")  # expired: applies to nothing
        self.assertEqual(doc["summary"]["WAIVED"], 2)
        self.assertEqual([(w["check"], w["state"]) for w in doc["waivers"]],
                         [("1.2.1", "applied"), ("RMP-006", "applied"), ("9.9.9", "stale"), ("5.4.1", "expired")])

        junit = ET.parse(self.path("r.junit")).getroot()
        case = junit.find(".//testcase[@classname='rampart.1.2']")
        self.assertIn("WAIVED (was FAIL)", case.find("system-out").text)
        rows = list(csv.reader(io.StringIO(read_text(self.path("r.csv")), newline="")))
        self.assertTrue(any(r_[0] == "1.2.1" and r_[4] == "WAIVED" and "WAIVED (was FAIL)" in r_[8] for r_ in rows))
        sarif = read_json(self.path("r.sarif"))["runs"][0]["results"]
        waived = [x for x in sarif if x["ruleId"] == "1.2.1"]
        self.assertEqual(waived[0]["suppressions"][0]["status"], "accepted")
        prom = read_text(self.path("r.prometheus"))
        self.assertRegex(prom, r'rampart_checks\{cluster="[^"]*",status="WAIVED"\} 2\n')
        self.assertRegex(prom, r'rampart_waivers\{cluster="[^"]*",state="stale"\} 1\n')
        html = read_text(self.path("r.html"))
        self.assertIn('<section id="waivers">', html)
        self.assertIn('data-status="WAIVED"', html)
        oscal = read_json(self.path("r.oscal"))
        validate(OSCAL_SCHEMA, oscal)
        finding = [f for f in oscal["assessment-results"]["results"][0]["findings"] if f["target"]["target-id"] == "rmp-006"][0]
        self.assertIn("WAIVED (was FAIL)", finding["remarks"])

    def test_fail_on_exit_codes(self):
        cases = [
            (("--checks", "1.2.1", "--fail-on", "medium"), 2),   # 1.2.1 is a medium FAIL
            (("--checks", "1.2.1", "--fail-on", "high"), 0),     # below the threshold
            (("--checks", "1.2.1"), 0),                          # default: never
            (("--checks", "5.1.11", "--fail-on", "critical"), 2),  # a critical finding under a high check
            (("--checks", "1.2.1", "--fail-on", "low", "--waivers", "W"), 0),  # waived is not failing
        ]
        waivers = self.write("w.yaml", WAIVERS)
        for args, code in cases:
            with self.subTest(args=args):
                args = tuple(waivers if a == "W" else a for a in args)
                r = run("scan", "--inventory", KUBEADM_DEMO, "--output", "json=" + self.path("x.json"), *args)
                self.assertEqual(r.returncode, code, r.stderr)

    def test_scan_that_cannot_run_exits_1(self):
        bad = self.write("bad-waivers.yaml", "- check: 1.2.1\n  owner: x\n")
        cases = [
            (("--inventory", KUBEADM_DEMO, "--waivers", bad), "rampart: %s:1: waiver 1: missing required field" % bad),
            (("--inventory", "/nonexistent.json"), "rampart: /nonexistent.json: cannot open the inventory file"),
            (("--inventory", KUBEADM_DEMO, "--sign-key", bad), "rampart: --sign-key needs --evidence-dir"),
            (("--inventory", KUBEADM_DEMO, "--checks", "1.2.1", "--evidence-dir", self.tmp),
             "rampart: %s: the evidence directory is not empty" % self.tmp),
        ]
        for args, prefix in cases:
            with self.subTest(args=args):
                r = run("scan", *args)
                self.assertEqual(r.returncode, 1)
                self.assertTrue(r.stderr.startswith(prefix), r.stderr)
                self.assertEqual(r.stderr.count("\n"), 1, r.stderr)

    # ------------------------------------------------------------ evidence

    def test_evidence_bundle_from_the_demo_cluster_holds_no_secret(self):
        inv = self.path("demo.json")
        meta = cluster_inventory("demo", inv)
        canary = meta["canary"]
        with open(inv) as f:
            self.assertIn(canary, f.read(), "the fixture must carry the canary, or this test proves nothing")
        key = self.path("sign.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True, capture_output=True)
        pub = self.path("sign.pub.pem")
        subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub], check=True, capture_output=True)
        bundle = self.path("bundle")
        waivers = self.write("w.yaml", WAIVERS)
        r = run("scan", "--inventory", inv, "--evidence-dir", bundle, "--sign-key", key, "--waivers", waivers,
                "--output", "json=" + self.path("report.json"))
        self.assertEqual(r.returncode, 0, r.stderr)

        files = sorted(os.path.relpath(os.path.join(d, f), bundle) for d, _, fs in os.walk(bundle) for f in fs)
        report = load_report(os.path.join(bundle, "report.json"))
        expected = {"report.json", "report.html", "inventory.json", "waivers.json", "manifest.json", "manifest.json.sig",
                    "manifest.pub.pem"} | {"checks/%s.json" % c["id"] for c in report["checks"]}
        self.assertEqual(set(files), expected)

        # The canary, as text or base64 at any alignment, appears in no file of the bundle.
        needles = [canary.encode()]
        for pad in range(3):
            enc = base64.b64encode(b"x" * pad + canary.encode())
            needles.append(enc[4 * ((pad + 2) // 3) + 2: -4] if pad else enc[:-4])
        with open(inv, "rb") as f:
            source = f.read()
        self.assertEqual([n for n in needles if n not in source], [], "each needle is in the input (Secret data, last-applied)")
        for name in files:
            with open(os.path.join(bundle, name), "rb") as f:
                data = f.read()
            for n in needles:
                self.assertNotIn(n, data, "%s leaks the canary (%r)" % (name, n))
        self.assertNotIn("last-applied-configuration", read_text(os.path.join(bundle, "report.json")))

        # checks/ID.json carries the evidence behind each result, as in the report.
        by_id = {c["id"]: c for c in report["checks"]}
        for c in report["checks"][:200]:
            with open(os.path.join(bundle, "checks", c["id"] + ".json")) as f:
                detail = json.load(f)
            self.assertEqual(detail["status"], c["status"])
            self.assertEqual(detail["findings"], c["findings"])
            self.assertEqual(detail["evidence"], c["evidence"])
            self.assertIn("rationale", detail)
        self.assertTrue(any(by_id[i]["findings"] for i in by_id), "the demo cluster has findings")
        inventory = read_json(os.path.join(bundle, "inventory.json"))
        pods = [x for x in inventory["resources"] if x["resource"] == "pods"][0]
        self.assertEqual(pods["state"], "ok")
        self.assertGreater(pods["count"], 5)
        self.assertNotIn("items", json.dumps(inventory))
        self.assertEqual([w["state"] for w in read_json(os.path.join(bundle, "waivers.json"))],
                         ["applied", "applied", "stale", "expired"])
        manifest = read_json(os.path.join(bundle, "manifest.json"))
        self.assertEqual(manifest["cluster"]["kube_system_uid"], report["cluster"]["kube_system_uid"])
        self.assertIn("--evidence-dir", manifest["command_line"])

        v = run("evidence", "verify", bundle, "--pubkey", pub)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertTrue(v.stdout.splitlines()[-1].startswith("OK: "), v.stdout)
        with open(os.path.join(bundle, "checks", "1.2.1.json"), "a") as f:
            f.write(" ")
        v = run("evidence", "verify", bundle, "--pubkey", pub)
        self.assertEqual(v.returncode, 1)
        self.assertIn("changed: checks/1.2.1.json", v.stdout)

    # ------------------------------------------------------------ diff

    def scan_json(self, name, *args, inventory=KUBEADM_DEMO):
        out = self.path(name)
        r = run("scan", "--inventory", inventory, "--collected", KUBEADM_COLLECTED, "--output", "json=" + out, *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        load_report(out)
        return out

    def test_diff_new_fixed_and_changed(self):
        with open(KUBEADM_DEMO) as f:
            base = f.read()
        intruder = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "intruder", "namespace": "shop", "uid": "i-1"},
                    "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "securityContext": {"privileged": True}}]}}
        worse = self.write("worse.json", base + "\n" + json.dumps(intruder))
        old = self.scan_json("old.json", "--skip-checks", "RMP-006")
        new = self.scan_json("new.json", inventory=worse)

        r = run("diff", old, new, "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        d = json.loads(r.stdout)
        new_failures = {(f["id"], (f["resource"] or {}).get("name")) for f in d["new_failures"]}
        self.assertIn(("5.2.2", "intruder"), new_failures)
        self.assertIn(("RMP-006", None), new_failures)  # absent before, failing now
        self.assertTrue(all(f["old_status"] in ("FAIL", "absent") for f in d["new_failures"]))
        self.assertIn({"id": "RMP-006", "title": d["status_changes"][0]["title"], "old_status": "absent", "new_status": "FAIL"},
                      d["status_changes"])
        self.assertEqual(d["fixed_failures"], [])
        o, n = load_report(old), load_report(new)
        self.assertEqual(d["old"]["score"], o["score"]["overall"])
        self.assertEqual(d["new"]["score"], n["score"]["overall"])
        self.assertAlmostEqual(d["score_delta"], round(n["score"]["overall"] - o["score"]["overall"], 1))

        back = json.loads(run("diff", new, old, "--output", "json").stdout)
        self.assertEqual({(f["id"], (f["resource"] or {}).get("name")) for f in back["fixed_failures"]}, new_failures)

        gate = run("diff", old, new, "--fail-on-new")
        self.assertEqual(gate.returncode, 2)
        self.assertIn("New failures (", gate.stdout)
        self.assertRegex(gate.stdout, r"5\.2\.2  .*: Pod shop/intruder \[was FAIL\]")
        same = run("diff", new, new, "--fail-on-new")
        self.assertEqual(same.returncode, 0)
        self.assertIn("New failures (0):\n  none", same.stdout)

    def test_diff_bad_input(self):
        good = self.scan_json("good.json", "--checks", "1.2.1")
        notjson = self.write("x.txt", "hello")
        other = self.write("other.json", json.dumps({"schema_version": 99, "checks": []}))
        rollup = self.write("rollup.json", json.dumps({"rollup_version": 1, "clusters": [], "shared_failures": [], "exit_code": 0}))
        cases = [
            ((good, "/nonexistent.json"), "rampart: /nonexistent.json: cannot read the report\n"),
            ((good, notjson), "rampart: %s: not valid JSON (give the JSON report: rampart scan --output json=FILE)\n" % notjson),
            ((other, good), "rampart: %s: not a rampart JSON report: schema_version 99 (this rampart reads 1)\n" % other),
            ((good, rollup), "rampart: %s: not a rampart JSON report: it is the roll-up of several clusters; compare one "
                             "cluster's reports (FILE.CLUSTER.json)\n" % rollup),
        ]
        for args, line in cases:
            with self.subTest(args=args):
                r = run("diff", *args)
                self.assertEqual((r.returncode, r.stderr), (1, line))

    # ------------------------------------------------------------ several clusters

    def test_several_clusters_roll_up(self):
        demo = self.path("demo.json")
        cluster_inventory("demo", demo)
        hardened = self.path("hardened.json")
        cluster_inventory("hardened", hardened)
        broken = self.write("broken.json", "{not json")
        out = self.path("out")
        os.mkdir(out)
        r = run("scan", "--inventory", demo, "--inventory", hardened, "--inventory", broken,
                "--output", "json=" + os.path.join(out, "report.json"), "--output", "prometheus=" + os.path.join(out, "rampart.prom"),
                "--output", "html=" + os.path.join(out, "report.html"), "--output", "csv=" + os.path.join(out, "findings.csv"),
                "--output", "json", "--evidence-dir", self.path("evidence"))
        self.assertEqual(r.returncode, 1, "a cluster that could not be scanned is the worst outcome")
        self.assertIn("rampart: cluster broken: %s: not valid inventory JSON" % broken, r.stderr)
        roll = json.loads(r.stdout)
        self.assertEqual([(c["name"], c["scanned"]) for c in roll["clusters"]], [("demo", True), ("hardened", True), ("broken", False)])
        # Each cluster's files carry its name; the file named on the command line holds the
        # roll-up in the formats that have one (csv has none).
        self.assertEqual(sorted(os.listdir(out)), ["findings.demo.csv", "findings.hardened.csv", "rampart.demo.prom",
                                                   "rampart.hardened.prom", "rampart.prom", "report.demo.html", "report.demo.json",
                                                   "report.hardened.html", "report.hardened.json", "report.html", "report.json"])
        self.assertEqual(read_json(os.path.join(out, "report.json")), roll)
        prom = parse_prometheus(self, read_text(os.path.join(out, "rampart.prom")))
        self.assertEqual([l for l, _ in prom["rampart_rollup_cluster_scanned"]],
                         ['rampart_rollup_cluster_scanned{cluster="%s"} %d' % x for x in (("demo", 1), ("hardened", 1), ("broken", 0))])
        self.assertEqual({re.search(r'id="([^"]+)"', l).group(1): v for l, v in prom.get("rampart_rollup_shared_failure_clusters", [])},
                         {s_["id"]: 2 for s_ in roll["shared_failures"]})
        self.assertEqual(prom["rampart_rollup_exit_code"][0][1], 1)
        per_cluster = parse_prometheus(self, read_text(os.path.join(out, "rampart.demo.prom")))
        self.assertFalse(set(prom) & set(per_cluster), "no series in two files of one textfile directory")
        html = read_text(os.path.join(out, "report.html"))
        self.assertIn('<a href="report.demo.html">demo</a>', html)
        self.assertIn('<a href="report.hardened.html">hardened</a>', html)
        self.assertRegex(html, r'<tr class="cluster" data-scanned="0"><td>broken</td><td colspan="9"><span class="badge st-ERROR">'
                               r'NOT SCANNED</span> [^<]*not valid inventory JSON')
        self.assertEqual(html.count('<tr class="shared">'), len(roll["shared_failures"]))
        self.assertNotRegex(html, r"<script|(src|href)=\"(https?:)?//")
        self.assertIn("script-src 'none'", html)
        self.assertEqual(sorted(os.listdir(self.path("evidence"))), ["demo", "hardened"])
        reports = {n: load_report(os.path.join(out, "report.%s.json" % n)) for n in ("demo", "hardened")}
        for c in roll["clusters"][:2]:
            self.assertEqual(c["score"], reports[c["name"]]["score"]["overall"])
            self.assertEqual(c["summary"], reports[c["name"]]["summary"])
        fails = {n: {c["id"] for c in rep["checks"] if c["status"] == "FAIL"} for n, rep in reports.items()}
        self.assertEqual({s["id"] for s in roll["shared_failures"]}, fails["demo"] & fails["hardened"])
        self.assertGreater(reports["hardened"]["score"]["overall"], reports["demo"]["score"]["overall"])
        self.assertEqual(roll["exit_code"], 1)

        text = run("scan", "--inventory", demo, "--inventory", hardened, "--fail-on", "critical")
        self.assertEqual(text.returncode, 2, text.stderr)
        self.assertIn("== Clusters", text.stdout)
        self.assertRegex(text.stdout, r"\n  demo +\d+\.\d  [A-F] ")
        self.assertIn("== Failures shared by several clusters", text.stdout)

        r = run("scan", "--inventory", demo, "--inventory", hardened, "--output", "csv")
        self.assertEqual(r.returncode, 1)
        self.assertIn("with several clusters stdout carries the roll-up (text, json, html or prometheus)", r.stderr)
        r = run("scan", "--inventory", demo, "--inventory", hardened, "--output", "prometheus")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('rampart_rollup_cluster_scanned{cluster="hardened"} 1\n', r.stdout)


if __name__ == "__main__":
    unittest.main()
