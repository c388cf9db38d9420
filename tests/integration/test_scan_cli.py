"""rampart scan / checks / who-can on saved inventories: exit codes, one-line errors, the JSON report."""
import json
import os
import subprocess
import tempfile
import unittest

from jsonschema_lite import validate

BIN = os.environ["RAMPART_BIN"]
SRC = os.environ["RAMPART_SOURCE_DIR"]
DEMO = os.path.join(SRC, "testdata", "inventories", "kubeadm-demo.json")
with open(os.path.join(SRC, "docs", "report.schema.json")) as _f:
    REPORT_SCHEMA = json.load(_f)


def report(text):
    """A JSON report from stdout, validated against docs/report.schema.json."""
    doc = json.loads(text)
    validate(REPORT_SCHEMA, doc)
    return doc


COLLECTED = ("networkpolicies,mutatingwebhookconfigurations,customresourcedefinitions,"
             "validatingadmissionpolicies,validatingadmissionpolicybindings,certificatesigningrequests,services")


def run(*args, timeout=60):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


class ScanCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_json_report_to_file_and_text_to_stdout(self):
        out = self.path("report.json")
        r = run("scan", "--inventory", DEMO, "--collected", COLLECTED, "--output", "json=" + out, "--output", "text")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("CIS Kubernetes Benchmark v1.12.0", r.stdout)
        self.assertNotIn("\033[", r.stdout)  # not a TTY: no colour
        with open(out) as f:
            doc = report(f.read())
        self.assertEqual(doc["schema_version"], 1)
        self.assertEqual(doc["benchmark"], {"name": "CIS Kubernetes Benchmark", "version": "v1.12.0"})
        self.assertRegex(doc["generated_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        ids = [c["id"] for c in doc["checks"]]
        self.assertEqual(len(ids), 160)
        by_id = {c["id"]: c for c in doc["checks"]}
        self.assertEqual(by_id["1.2.1"]["status"], "FAIL")
        self.assertEqual(by_id["2.2"]["status"], "PASS")
        self.assertEqual(by_id["1.1.1"]["status"], "MANUAL")
        blast = by_id["RMP-010"]["findings"][0]
        self.assertEqual(blast["resource"], {"kind": "Pod", "namespace": "shop", "name": "builder-1"})
        self.assertIn("can read all secrets cluster-wide", blast["message"])
        self.assertIsInstance(doc["score"]["overall"], float)

    def test_same_inventory_same_report(self):
        a = run("scan", "--inventory", DEMO, "--collected", COLLECTED, "--output", "json")
        b = run("scan", "--inventory", DEMO, "--collected", COLLECTED, "--output", "json")
        times = ("generated_at", "started_at", "duration_seconds")
        strip = lambda s: {k: v for k, v in report(s).items() if k not in times}
        self.assertEqual(strip(a.stdout), strip(b.stdout))

    def test_selection_and_level(self):
        r = run("scan", "--inventory", DEMO, "--checks", "5.1.1,5.2.2", "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([c["id"] for c in report(r.stdout)["checks"]], ["5.1.1", "5.2.2"])
        r = run("scan", "--inventory", DEMO, "--level", "1", "--skip-checks", "1.2.1", "--output", "json")
        checks = report(r.stdout)["checks"]
        self.assertTrue(all(c["level"] == 1 for c in checks))
        self.assertNotIn("1.2.1", [c["id"] for c in checks])

    def test_fail_on_sets_exit_code_2(self):
        r = run("scan", "--inventory", DEMO, "--fail-on", "critical", "--output", "json=" + self.path("r.json"))
        self.assertEqual(r.returncode, 2, r.stderr)

    def test_verbose_shows_passing_checks(self):
        quiet = run("scan", "--inventory", DEMO, "--checks", "2.2").stdout
        loud = run("scan", "--inventory", DEMO, "--checks", "2.2", "-v", "--no-color").stdout
        self.assertNotIn("[PASS]", quiet)
        self.assertIn("[PASS]   2.2", loud)

    def test_exclude_namespace(self):
        r = run("scan", "--inventory", DEMO, "--checks", "5.2.2", "--exclude-namespace", "shop", "--output", "json")
        doc = report(r.stdout)
        self.assertEqual(doc["exclusions"]["excluded_namespaces"], ["shop"])
        self.assertNotEqual(doc["checks"][0]["status"], "FAIL")  # the privileged pod lives in shop

    def test_errors_are_one_line(self):
        cases = [
            (("scan", "--inventory", DEMO, "--checks", "9.9.9"), "rampart: unknown check id 9.9.9 (see rampart checks list)\n"),
            (("scan", "--kubeconfig", "/nonexistent/kubeconfig"),
             "rampart: /nonexistent/kubeconfig: kubeconfig file does not exist (--kubeconfig)\n"),
            (("scan", "--inventory", "/nonexistent.json"), "rampart: /nonexistent.json: cannot open the inventory file\n"),
            (("scan", "--inventory", DEMO, "--output", "yaml"), "rampart: unknown output format 'yaml' (known: text, json, html, junit, csv, sarif, prometheus, oscal)\n"),
            (("scan", "--inventory", DEMO, "--fail-on", "bad"), "rampart: --fail-on must be critical, high, medium, low or info\n"),
            (("checks", "show", "X-1"), "rampart: unknown check id X-1 (see rampart checks list)\n"),
            (("scna",), "rampart: unknown command 'scna' (see rampart --help)\n"),
        ]
        for args, line in cases:
            with self.subTest(args=args):
                r = run(*args)
                self.assertEqual(r.returncode, 1)
                self.assertEqual(r.stderr, line)
        bad = self.path("bad.json")
        with open(bad, "w") as f:
            f.write('{"kind": "List", "items": [')
        r = run("scan", "--inventory", bad)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith("rampart: " + bad + ": not valid inventory JSON"), r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1)

    def test_checks_dir_override_and_catalog_errors(self):
        d = self.path("catalog")
        os.mkdir(d)
        with open(os.path.join(d, "bad.yaml"), "w") as f:
            f.write("checks:\n  - id: \"1.2.1\"\n    title: x\n    colour: red\n")
        r = run("checks", "list", "--checks-dir", d)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith("rampart: check catalog: " + os.path.join(d, "bad.yaml") + ":4: unknown key 'colour'"), r.stderr)
        r = run("checks", "list", "--checks-dir", os.path.join(SRC, "checks"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(r.stdout.splitlines()), 161)

    def test_docs_checks_md_matches_the_binary(self):
        r = run("checks", "list", "--output", "markdown")
        with open(os.path.join(SRC, "docs", "checks.md")) as f:
            self.assertEqual(r.stdout, f.read())

    def test_who_can(self):
        r = run("who-can", "get", "secrets", "--inventory", DEMO)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ServiceAccount shop/builder", r.stdout)
        self.assertIn("[bootstrap]", r.stdout)
        r = run("who-can", "get", "secrets", "-n", "dev", "--inventory", DEMO)
        self.assertIn("Group developers", r.stdout)
        r = run("who-can", "get", "secrets", "-n", "payments", "--inventory", DEMO)
        self.assertNotIn("Group developers", r.stdout)
        r = run("who-can", "get", "pods/", "--inventory", DEMO)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "rampart: resource 'pods/' must be resource[.group][/subresource]\n")


if __name__ == "__main__":
    unittest.main()
