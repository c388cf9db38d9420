"""rampart scan --output FORMAT[=FILE] for every format: one scan writes them all, each parses
with a strict reader, agrees with the JSON report, and escapes hostile names from the cluster."""
import json
import os
import re
import shutil
import tempfile
import unittest

from formatcheck import check_csv, check_html_source, check_junit, check_oscal, check_prometheus, check_sarif, run_on_pty
from reportlib import BIN, KUBEADM_COLLECTED, KUBEADM_DEMO, load_report, run

FORMATS = ["json", "html", "junit", "csv", "sarif", "prometheus", "oscal"]
# A Pod name no API server would accept, but an inventory file can carry anything: every
# format must keep it inert (markup, formulas, label syntax).
EVIL = "=HYPERLINK(\"http://x\")<script>document.title='pwned'</script>\"&'"
EVIL_CONTEXT = 'evil"ctx\\with\nnewline'


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
        rc, data = run_on_pty([BIN, "scan", "--inventory", KUBEADM_DEMO, "--output", "json=" + os.path.join(self.tmp, "p.json")])
        self.assertEqual(rc, 0)
        self.assertIn(b"rampart: evaluating checks...", data)
        self.assertTrue(data.endswith(b"\r\x1b[K"), data[-40:])  # the line is erased at the end

    def test_colour_only_on_a_terminal(self):
        args = [BIN, "scan", "--inventory", KUBEADM_DEMO, "--checks", "1.2.1,1.2.4", "-v"]
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
        rc, data = run_on_pty(args, fd="stdout", env=env)
        self.assertEqual(rc, 0)
        self.assertIn(b"\x1b[31m[FAIL]", data)
        self.assertIn(b"\x1b[32m[PASS]", data)
        # --no-color, the NO_COLOR convention (no-color.org) and a dumb terminal turn it off.
        for extra, more_env in (([], {"NO_COLOR": "1"}), (["--no-color"], {}), ([], {"TERM": "dumb"})):
            with self.subTest(flag=extra, env=more_env):
                rc, data = run_on_pty(args + extra, fd="stdout", env={**env, **more_env})
                self.assertEqual(rc, 0)
                self.assertIn(b"[FAIL]   1.2.1", data)
                self.assertNotIn(b"\x1b[", data)

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
        root = check_junit(self, self.read("junit"), self.report)
        failure = root.find(".//testcase[@name='%s']/failure" % (self.evil_check()["id"] + " " + self.evil_check()["title"]))
        self.assertIn(EVIL, failure.text)  # escaped in the file, intact once parsed
        self.assertIn("Remediation:", failure.text)

    # ------------------------------------------------------------ csv

    def test_csv_rows_and_formula_guard(self):
        rows = check_csv(self, self.read("csv"), self.report)
        evil = [r for r in rows if r[7] == "'" + EVIL]
        self.assertTrue(evil, "the hostile name is kept, behind an apostrophe")
        flag_row = [r for r in rows if r[8].startswith("'--")]
        self.assertTrue(flag_row, "messages starting with '-' are guarded too")

    # ------------------------------------------------------------ prometheus

    def test_prometheus_exposition_is_strict(self):
        check_prometheus(self, self.read("prometheus"), self.report, 'cluster="evil\\"ctx\\\\with\\nnewline"')

    # ------------------------------------------------------------ sarif

    def test_sarif_structure(self):
        check_sarif(self, self.read("sarif"), self.report)

    def test_sarif_fingerprints_are_stable_across_scans(self):
        other = os.path.join(self.tmp, "again.sarif")
        r = run("scan", "--inventory", self.inv, "--collected", KUBEADM_COLLECTED, "--output", "sarif=" + other)
        self.assertEqual(r.returncode, 0, r.stderr)
        fps = lambda d: [x["partialFingerprints"] for x in d["runs"][0]["results"]]
        with open(other) as f:
            self.assertEqual(fps(json.load(f)), fps(json.loads(self.read("sarif"))))

    # ------------------------------------------------------------ oscal

    def test_oscal_against_the_official_schema(self):
        doc = check_oscal(self, self.read("oscal"), self.report)
        res = doc["assessment-results"]["results"][0]
        controls = [c["control-id"] for c in res["reviewed-controls"]["control-selections"][0]["include-controls"]]
        self.assertIn("cis-1.2.1", controls)
        self.assertIn("rmp-001", controls)
        items = res["local-definitions"]["inventory-items"]
        evil = [i for i in items if any(p["name"] == "name" and p["value"] == EVIL for p in i.get("props", []))]
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
        check_html_source(self, html, self.report)
        self.assertNotIn("<script>document.title", html)
        self.assertIn("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;", html)


if __name__ == "__main__":
    unittest.main()
