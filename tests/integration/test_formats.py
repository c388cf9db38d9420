"""rampart scan --output FORMAT[=FILE] for every format: one scan writes them all, each parses
with a strict reader, agrees with the JSON report, and escapes hostile names from the cluster."""
import csv
import io
import json
import os
import pty
import re
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

from jsonschema_lite import validate
from reportlib import BIN, KUBEADM_COLLECTED, KUBEADM_DEMO, OSCAL_SCHEMA, SRC, load_report, run

FORMATS = ["json", "html", "junit", "csv", "sarif", "prometheus", "oscal"]
# A Pod name no API server would accept, but an inventory file can carry anything: every
# format must keep it inert (markup, formulas, label syntax).
EVIL = "=HYPERLINK(\"http://x\")<script>document.title='pwned'</script>\"&'"
EVIL_CONTEXT = 'evil"ctx\\with\nnewline'
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def evil_inventory(path):
    with open(KUBEADM_DEMO) as f:
        base = f.read()
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": EVIL, "namespace": "shop", "uid": "0000-evil"},
           "spec": {"nodeName": "worker-1", "containers": [{"name": "c", "image": "nginx:1.27",
                                                            "securityContext": {"privileged": True}}]}}
    version = {"apiVersion": "rampart.dev/v1", "kind": "ServerVersion", "gitVersion": "v1.34.3", "context": EVIL_CONTEXT}
    with open(path, "w") as f:
        f.write(base + "\n" + json.dumps(pod) + "\n" + json.dumps(version))


class Formats(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="rampart-formats-")
        cls.inv = os.path.join(cls.tmp, "evil.json")
        evil_inventory(cls.inv)
        cls.files = {f: os.path.join(cls.tmp, "report." + f) for f in FORMATS}
        args = ["scan", "--inventory", cls.inv, "--collected", KUBEADM_COLLECTED]
        for f in FORMATS:
            args += ["--output", f + "=" + cls.files[f]]
        cls.result = run(*args, "--output", "text")
        assert cls.result.returncode == 0, cls.result.stderr
        cls.report = load_report(cls.files["json"])
        cls.by_id = {c["id"]: c for c in cls.report["checks"]}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def read(self, fmt):
        with open(self.files[fmt], encoding="utf-8", newline="") as f:
            return f.read()

    def evil_check(self):
        hits = [c for c in self.report["checks"] for f in c["findings"] if f["resource"]["name"] == EVIL]
        self.assertTrue(hits, "the hostile pod should have findings")
        return hits[0]

    # ------------------------------------------------------------ text and stdout

    def test_text_starts_with_the_summary(self):
        out = self.result.stdout
        self.assertIn("== Summary", out)
        self.assertLess(out.index("== Summary"), out.index("\n[1.2] API server"))
        self.assertEqual(self.result.stderr, "")  # not a TTY: no progress line

    def test_progress_line_only_on_a_terminal(self):
        master, slave = pty.openpty()
        try:
            r = subprocess.run([BIN, "scan", "--inventory", KUBEADM_DEMO, "--output", "json=" + os.path.join(self.tmp, "p.json")],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, timeout=120)
        finally:
            os.close(slave)
        data = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        os.close(master)
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"rampart: evaluating checks...", data)
        self.assertTrue(data.endswith(b"\r\x1b[K"), data[-40:])  # the line is erased at the end

    def test_output_errors_are_one_line(self):
        cases = [
            (("--output", "html"), "rampart: --output html: text already goes to stdout; give one of them a file (FORMAT=FILE)\n",
             ("--output", "text")),
            (("--output", "csv="), "rampart: --output csv=: missing file name after '='\n", ()),
            (("--output", "json=a.json", "--output", "csv=a.json"), "rampart: --output csv=a.json: a.json is named twice\n", ()),
            (("--output", "pdf=x.pdf"), "rampart: unknown output format 'pdf' (known: text, json, html, junit, csv, sarif, prometheus, oscal)\n", ()),
        ]
        for args, line, first in cases:
            with self.subTest(args=args):
                r = run("scan", "--inventory", KUBEADM_DEMO, *first, *args)
                self.assertEqual((r.returncode, r.stderr), (1, line))

    def test_files_are_replaced_atomically(self):
        leftovers = [f for f in os.listdir(self.tmp) if ".tmp-" in f]
        self.assertEqual(leftovers, [])

    # ------------------------------------------------------------ junit

    def test_junit_counts_match_the_report(self):
        root = ET.fromstring(self.read("junit").encode())
        self.assertEqual(root.tag, "testsuites")
        s = self.report["summary"]
        self.assertEqual(int(root.get("tests")), len(self.report["checks"]))
        self.assertEqual(int(root.get("failures")), s["FAIL"])
        self.assertEqual(int(root.get("errors")), s["ERROR"])
        self.assertEqual(int(root.get("skipped")), s["SKIP"] + s["MANUAL"])
        sections = {}
        for c in self.report["checks"]:
            sections.setdefault(c["section"], []).append(c)
        suites = root.findall("testsuite")
        self.assertEqual([x.get("id") for x in suites], list(sections))
        for suite in suites:
            checks = sections[suite.get("id")]
            cases = suite.findall("testcase")
            self.assertEqual(len(cases), len(checks))
            self.assertEqual(int(suite.get("tests")), len(checks))
            for case, check in zip(cases, checks):
                self.assertTrue(case.get("name").startswith(check["id"] + " "))
                kinds = [child.tag for child in case]
                expected = {"FAIL": ["failure"], "ERROR": ["error"], "SKIP": ["skipped"], "MANUAL": ["skipped"],
                            "PASS": [], "WARN": ["system-out"], "WAIVED": ["system-out"]}[check["status"]]
                self.assertEqual(kinds, expected, check["id"])
        failure = root.find(".//testcase[@name='%s']/failure" % (self.evil_check()["id"] + " " + self.evil_check()["title"]))
        self.assertIn(EVIL, failure.text)  # escaped in the file, intact once parsed
        self.assertIn("Remediation:", failure.text)

    # ------------------------------------------------------------ csv

    def test_csv_rows_and_formula_guard(self):
        text = self.read("csv")
        self.assertTrue(text.endswith("\r\n"))
        rows = list(csv.reader(io.StringIO(text, newline="")))
        self.assertEqual(rows[0], ["check_id", "title", "section", "severity", "status", "resource_kind", "resource_namespace",
                                   "resource_name", "message"])
        expected = sum(max(1, len(c["findings"])) for c in self.report["checks"])
        self.assertEqual(len(rows) - 1, expected)
        for row in rows[1:]:
            self.assertEqual(len(row), 9)
            for cell in row:
                self.assertFalse(cell[:1] in ("=", "+", "-", "@"), "formula-like cell: %r" % cell)
        evil = [r for r in rows if r[7] == "'" + EVIL]
        self.assertTrue(evil, "the hostile name is kept, behind an apostrophe")
        no_findings = [r for r in rows[1:] if not self.by_id[r[0]]["findings"]]
        self.assertTrue(all(r[5:8] == ["", "", ""] for r in no_findings))
        flag_row = [r for r in rows if r[8].startswith("'--")]
        self.assertTrue(flag_row, "messages starting with '-' are guarded too")

    # ------------------------------------------------------------ prometheus

    def test_prometheus_exposition_is_strict(self):
        name = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
        label = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
        sample = re.compile(r"^(%s)\{%s(?:,%s)*\} (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|NaN|[+-]Inf)$" % (name, label, label))
        help_re = re.compile(r"^# HELP (%s) [^\n]*$" % name)
        type_re = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$" % name)
        text = self.read("prometheus")
        self.assertTrue(text.endswith("\n"))
        typed, current, seen = {}, None, set()
        values = {}
        for line in text.split("\n")[:-1]:
            if m := help_re.match(line):
                self.assertNotIn(m.group(1), seen, "family declared twice")
                current = m.group(1)
                seen.add(current)
            elif m := type_re.match(line):
                self.assertEqual(m.group(1), current)
                typed[current] = m.group(2)
            else:
                m = sample.match(line)
                self.assertIsNotNone(m, "not exposition format: %r" % line)
                self.assertEqual(m.group(1), current, "sample outside its family")
                values.setdefault(m.group(1), []).append((line, float(m.group(2))))
        escaped = 'cluster="evil\\"ctx\\\\with\\nnewline"'
        self.assertTrue(all(escaped in l for ls in values.values() for l, _ in ls), "every sample has the escaped cluster label")
        self.assertEqual(values["rampart_score"][0][1], self.report["score"]["overall"])
        for status, count in self.report["summary"].items():
            self.assertIn(('rampart_checks{%s,status="%s"} %d' % (escaped, status, count), count), values["rampart_checks"])
        codes = {"PASS": 0, "WARN": 1, "FAIL": 2, "ERROR": 3, "MANUAL": 4, "SKIP": 5, "WAIVED": 6}
        by_id = {re.search(r'id="([^"]+)"', l).group(1): v for l, v in values["rampart_check_status"]}
        self.assertEqual(by_id, {c["id"]: codes[c["status"]] for c in self.report["checks"]})
        self.assertAlmostEqual(values["rampart_coverage_ratio"][0][1], self.report["coverage"]["share"], places=5)
        self.assertGreater(values["rampart_scan_timestamp_seconds"][0][1], 1.6e9)
        self.assertGreaterEqual(values["rampart_scan_duration_seconds"][0][1], 0)
        findings = sum(v for _, v in values["rampart_findings"])
        self.assertEqual(findings, sum(len(c["findings"]) for c in self.report["checks"]))

    # ------------------------------------------------------------ sarif

    def test_sarif_structure(self):
        doc = json.loads(self.read("sarif"))
        self.assertEqual(doc["version"], "2.1.0")
        self.assertIn("$schema", doc)
        self.assertEqual(len(doc["runs"]), 1)
        run_ = doc["runs"][0]
        driver = run_["tool"]["driver"]
        self.assertEqual(driver["name"], "rampart")
        rules = driver["rules"]
        self.assertEqual([r["id"] for r in rules], [c["id"] for c in self.report["checks"]])
        for r in rules:
            for key in ("shortDescription", "fullDescription", "help"):
                self.assertTrue(r[key]["text"], (r["id"], key))
            self.assertRegex(r["name"], r"^[A-Za-z0-9]+$")
            p = r["properties"]
            self.assertIn(p["severity"], ["critical", "high", "medium", "low", "info"])
            self.assertIn(p["level"], [1, 2])
            self.assertTrue(0 < float(p["security-severity"]) <= 10)
            self.assertIn(r["defaultConfiguration"]["level"], ["error", "warning", "note"])
        inv = run_["invocations"][0]
        self.assertIs(inv["executionSuccessful"], True)
        for key in ("startTimeUtc", "endTimeUtc"):
            self.assertRegex(inv[key], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        fingerprints = set()
        expected = 0
        for c in self.report["checks"]:
            if c["status"] in ("FAIL", "WARN", "WAIVED"):
                failing = [f for f in c["findings"] if f["status"] in ("FAIL", "WARN", "WAIVED")]
                expected += max(1, len(failing))
        self.assertEqual(len(run_["results"]), expected)
        for res in run_["results"]:
            self.assertEqual(rules[res["ruleIndex"]]["id"], res["ruleId"])
            self.assertIn(res["level"], ["error", "warning", "note"])
            self.assertTrue(res["message"]["text"])
            loc = res["locations"][0]["logicalLocations"][0]
            k = loc["properties"]["kubernetes"]
            self.assertEqual(loc["fullyQualifiedName"], "/".join(x for x in (k["kind"], k["namespace"], k["name"]) if x))
            fp = res["partialFingerprints"]["rampartFinding/v1"]
            self.assertRegex(fp, r"^[0-9a-f]{64}$")
            fingerprints.add((res["ruleId"], loc["fullyQualifiedName"], fp))
        # One fingerprint per check and object (several findings on one pod share it).
        by_key = {}
        for rule, where, fp in fingerprints:
            self.assertEqual(by_key.setdefault((rule, where), fp), fp)
        self.assertEqual(len(set(by_key.values())), len(by_key))

    def test_sarif_fingerprints_are_stable_across_scans(self):
        other = os.path.join(self.tmp, "again.sarif")
        r = run("scan", "--inventory", self.inv, "--collected", KUBEADM_COLLECTED, "--output", "sarif=" + other)
        self.assertEqual(r.returncode, 0, r.stderr)
        fps = lambda d: [x["partialFingerprints"] for x in d["runs"][0]["results"]]
        with open(other) as f:
            self.assertEqual(fps(json.load(f)), fps(json.loads(self.read("sarif"))))

    # ------------------------------------------------------------ oscal

    def test_oscal_against_the_schema_subset(self):
        doc = json.loads(self.read("oscal"))
        validate(OSCAL_SCHEMA, doc)
        ar = doc["assessment-results"]
        self.assertEqual(ar["metadata"]["oscal-version"], "1.1.2")
        res = ar["results"][0]
        self.assertEqual(res["start"], self.report["started_at"])
        self.assertEqual(res["end"], self.report["generated_at"])
        controls = [c["control-id"] for c in res["reviewed-controls"]["control-selections"][0]["include-controls"]]
        self.assertEqual(len(controls), len(self.report["checks"]))
        self.assertIn("cis-1.2.1", controls)
        self.assertIn("rmp-001", controls)
        failed = [c for c in self.report["checks"] if c["status"] in ("FAIL", "WAIVED")]
        self.assertEqual([f["target"]["target-id"] for f in res["findings"]],
                         [("cis-" + c["id"]) if c["id"][0].isdigit() else c["id"].lower() for c in failed])
        observations = {o["uuid"]: o for o in res["observations"]}
        self.assertEqual(len(observations), len(res["observations"]), "observation UUIDs are unique")
        items = {i["uuid"]: i for i in res["local-definitions"]["inventory-items"]}
        for o in res["observations"]:
            self.assertEqual(o["methods"], ["TEST"])
            for s in o["subjects"]:
                self.assertIn(s["subject-uuid"], items)
        for f in res["findings"]:
            for rel in f["related-observations"]:
                self.assertIn(rel["observation-uuid"], observations)
        uuids = [ar["uuid"], res["uuid"], *observations, *items, *(f["uuid"] for f in res["findings"])]
        self.assertTrue(all(UUID.match(u) for u in uuids))
        self.assertEqual(len(set(uuids)), len(uuids))
        evil = [i for i in items.values() if any(p["name"] == "name" and p["value"] == EVIL for p in i.get("props", []))]
        self.assertEqual(len(evil), 1)

    def test_oscal_is_the_same_document_apart_from_times(self):
        other = os.path.join(self.tmp, "again.oscal")
        r = run("scan", "--inventory", self.inv, "--collected", KUBEADM_COLLECTED, "--output", "oscal=" + other)
        self.assertEqual(r.returncode, 0, r.stderr)
        times = re.compile(r'"(start|end|last-modified|collected)": "[^"]*"')
        with open(other) as f:
            again = f.read()
        self.assertEqual(times.sub("", again), times.sub("", self.read("oscal")))
        self.assertNotEqual(times.sub("", again), again)

    # ------------------------------------------------------------ html (content; rendering is in test_html_report)

    def test_html_escapes_hostile_names(self):
        html = self.read("html")
        self.assertNotIn("<script>document.title", html)
        self.assertIn("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;", html)
        self.assertEqual(html.count("<script"), 1)
        self.assertNotRegex(html, r"(src|href)=\"(https?:)?//", "nothing loads from the network")


if __name__ == "__main__":
    unittest.main()
