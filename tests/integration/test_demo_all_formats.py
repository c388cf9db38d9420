"""One live scan of the simulated demo cluster (tests/sim/, kubelets and probes on) writes every
format and a signed evidence bundle, and each is validated: JSON against docs/report.schema.json,
JUnit, CSV and SARIF parsed, Prometheus lines parsed, OSCAL against NIST's official schema in testdata/, the
HTML self-contained and rendered in headless Chromium (screenshot kept, its path printed). The
bundle verifies, carries the probe transcripts (what was sent, what came back, TLS details), the
cluster identity and a command line without the credential, and the credential appears in no
output. On a terminal the progress line names the probing step."""
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from formatcheck import (check_csv, check_html_source, check_junit, check_oscal, check_prometheus, check_sarif,
                         run_on_pty)
from reportlib import BIN, load_report, run
from simlib import start_sim
from test_scan_live import CANARY, base64_forms, secret_values

FORMATS = ["json", "html", "junit", "csv", "sarif", "prometheus", "oscal"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT_DIR = os.environ.get("RAMPART_SCREENSHOT_DIR", tempfile.gettempdir())


class DemoAllFormats(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        stack = contextlib.ExitStack()
        cls.addClassCleanup(stack.close)  # runs even when setUpClass fails half-way
        cls.sim = stack.enter_context(start_sim("demo"))
        cls.tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="rampart-demo-all-"))
        cls.key = os.path.join(cls.tmp, "sign.pem")
        cls.pub = os.path.join(cls.tmp, "sign.pub.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", cls.key], check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", cls.key, "-pubout", "-out", cls.pub], check=True, capture_output=True)
        # The bearer token of this kubeconfig is the credential that must never be written.
        cls.credential = cls.sim.token("token")
        cls.out = os.path.join(cls.tmp, "out")
        os.mkdir(cls.out)
        cls.files = {f: os.path.join(cls.out, "report." + f) for f in FORMATS}
        cls.bundle = os.path.join(cls.tmp, "bundle")
        # A credential pasted into an argument (here a file name) is redacted in the manifest.
        cls.pasted = os.path.join(cls.out, "pasted-%s.csv" % cls.credential)
        cls.args = ["scan", "--kubeconfig", cls.sim.kubeconfig("token"), "--evidence-dir", cls.bundle,
                    "--sign-key", cls.key, "--output", "text", "--output", "csv=" + cls.pasted]
        for f in FORMATS:
            cls.args += ["--output", "%s=%s" % (f, cls.files[f])]
        cls.result = run(*cls.args, timeout=600)
        assert cls.result.returncode == 0, cls.result.stderr
        cls.report = load_report(cls.files["json"])

    def read(self, path):
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()

    def bundle_files(self):
        return sorted(os.path.relpath(os.path.join(d, f), self.bundle) for d, _, fs in os.walk(self.bundle) for f in fs)

    def test_the_scan_was_live_and_probed(self):
        self.assertEqual(self.report["source"], "live")
        self.assertEqual(self.report["cluster"]["server"], self.sim.server)
        statuses = {c["id"]: c["status"] for c in self.report["checks"]}
        self.assertEqual(statuses["RMP-101"], "FAIL", "cp-1's kubelet answers anonymous requests")
        self.assertGreater(self.report["summary"]["FAIL"], 50)
        self.assertEqual(self.sim.secret_violations(), [])

    def test_text_on_stdout(self):
        out = self.result.stdout
        self.assertLess(out.index("== Summary"), out.index("\n[1.2] API server"))
        self.assertIn("[FAIL]   RMP-101", out)
        self.assertIn("Remediation: ", out)
        self.assertNotIn("\x1b[", out)
        self.assertEqual(self.result.stderr, "", "not a terminal: no progress line, no log noise")

    def test_every_format_is_valid(self):
        check_junit(self, self.read(self.files["junit"]), self.report)
        check_csv(self, self.read(self.files["csv"]), self.report)
        self.assertEqual(self.read(self.pasted), self.read(self.files["csv"]))
        check_sarif(self, self.read(self.files["sarif"]), self.report)
        check_prometheus(self, self.read(self.files["prometheus"]), self.report, 'cluster="%s"' % self.report["cluster"]["context"])
        check_oscal(self, self.read(self.files["oscal"]), self.report)
        check_html_source(self, self.read(self.files["html"]), self.report)

    @unittest.skipIf(CHROMIUM is None, "chromium is not installed: the live HTML report was not rendered")
    def test_html_renders_in_chromium(self):
        profile = os.path.join(self.tmp, "chromium-profile")
        base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile]
        url = "file://" + self.files["html"]
        r = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        dom = r.stdout
        self.assertIn('data-filter-ready="1"', dom)
        self.assertIn('<span id="overall-score">%.1f</span>' % self.report["score"]["overall"], dom)
        for c in self.report["checks"]:
            if c["status"] == "FAIL":
                self.assertRegex(dom, r'<tr class="check" id="check-%s" data-status="FAIL"' % re.escape(c["id"]))
        shot = os.path.join(SCREENSHOT_DIR, "rampart-demo-live-screenshot.png")
        if os.path.exists(shot):
            os.remove(shot)
        r = subprocess.run(base + ["--screenshot=" + shot, "--window-size=1280,2000", "--hide-scrollbars", url],
                           capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(shot, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(shot), 20000)
        print("\nHTML report of the live demo scan, screenshot: " + shot)

    def test_bundle_verifies_and_names_the_cluster(self):
        v = run("evidence", "verify", self.bundle, "--pubkey", self.pub)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertTrue(v.stdout.splitlines()[-1].startswith("OK: "), v.stdout)
        files = set(self.bundle_files())
        self.assertTrue({"report.json", "report.html", "inventory.json", "probes.json", "manifest.json", "manifest.json.sig",
                         "manifest.pub.pem"} <= files, files)
        self.assertEqual({f for f in files if f.startswith("checks/")}, {"checks/%s.json" % c["id"] for c in self.report["checks"]})
        with open(os.path.join(self.bundle, "manifest.json")) as f:
            manifest = json.load(f)
        cluster = manifest["cluster"]
        self.assertEqual(cluster["server"], self.sim.server)
        self.assertEqual(cluster["server_version"], self.report["cluster"]["version"])
        self.assertRegex(cluster["kube_system_uid"], r"^[0-9a-f-]{36}$")
        self.assertEqual(cluster["kube_system_uid"], self.report["cluster"]["kube_system_uid"])
        self.assertLessEqual(manifest["started_at"], manifest["finished_at"])
        self.assertEqual(manifest["started_at"], self.report["started_at"])

    def test_no_credential_or_secret_value_in_any_output(self):
        with open(os.path.join(self.bundle, "manifest.json")) as f:
            command_line = json.load(f)["command_line"]
        self.assertEqual(len(command_line), len(self.args) + 1)
        self.assertIn("csv=" + os.path.join(self.out, "pasted-[REDACTED].csv"), command_line)
        # The credential, and the secret canary the demo cluster plants in Secret data and
        # last-applied annotations (as text and base64 at every alignment), in no file or stream.
        needles = [self.credential, CANARY] + base64_forms(CANARY) + sorted(secret_values("demo"))
        written = [os.path.join(self.bundle, f) for f in self.bundle_files()] + list(self.files.values())
        for path in written:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for needle in needles:
                self.assertNotIn(needle, text, "%s carries %r" % (path, needle))
        for needle in needles:
            self.assertNotIn(needle, self.result.stdout + self.result.stderr)

    def test_probe_transcripts_in_the_bundle(self):
        with open(os.path.join(self.bundle, "probes.json")) as f:
            probes = json.load(f)
        results = probes["results"]
        self.assertTrue(results)
        sent = [x for r in results for x in r.get("exchanges", [])]
        self.assertTrue(any(x["request"].startswith("GET /pods ") for x in sent), "what was sent")
        self.assertTrue(any(x.get("status_line", "").startswith("HTTP/1.1 200") for x in sent), "what came back")
        tls = [r["tls"] for r in results if r.get("tls")]
        self.assertTrue(any(t["handshake_ok"] and t["version"] and t["chain"] for t in tls), "TLS details")
        # The check's own evidence file carries the transcripts of the endpoints it names.
        with open(os.path.join(self.bundle, "checks", "RMP-101.json")) as f:
            detail = json.load(f)
        failing = {x["resource"]["name"] for x in detail["findings"] if x["status"] == "FAIL"}
        self.assertTrue(failing)
        transcripts = detail["probe_transcripts"]
        urls = {t["target"]["url"] for t in transcripts}
        self.assertTrue(failing <= urls, (failing, urls))
        self.assertTrue(any(x["request"].startswith("GET /pods ") for t in transcripts for x in t["exchanges"]))
        with open(os.path.join(self.bundle, "checks", "5.1.1.json")) as f:
            self.assertNotIn("probe_transcripts", json.load(f), "an RBAC check names no endpoint")

    def test_progress_names_each_step_on_a_terminal(self):
        out = os.path.join(self.tmp, "pty.json")
        rc, data = run_on_pty([BIN, "scan", "--kubeconfig", self.sim.kubeconfig("admin"), "--output", "json=" + out])
        self.assertEqual(rc, 0, data[-2000:])
        steps = re.findall(rb"\r\x1b\[Krampart: ([^\r]*)", data)
        self.assertEqual([s.split(b" ")[0] for s in steps], [b"collecting", b"probing", b"evaluating"], steps)
        self.assertRegex(steps[1], rb"^probing \d+ endpoints\.\.\.$")
        self.assertTrue(data.endswith(b"\r\x1b[K"))

    def test_log_lines_never_share_a_line_with_the_progress_line(self):
        out = os.path.join(self.tmp, "pty-v.json")
        rc, data = run_on_pty([BIN, "scan", "-v", "--kubeconfig", self.sim.kubeconfig("admin"), "--output", "json=" + out])
        self.assertEqual(rc, 0, data[-2000:])
        logs = [m.start() for m in re.finditer(rb"rampart: info: ", data)]
        self.assertGreater(len(logs), 5, data[:2000])
        for at in logs:
            # Each log line starts a line: the progress line was erased first (or nothing was shown).
            self.assertTrue(data[:at].endswith((b"\r\x1b[K", b"\n")), data[max(0, at - 80):at + 40])
        # The progress line comes back below the log, and is gone at the end.
        self.assertRegex(data, rb"s\r\nrampart: collecting current-context\.\.\.\r\x1b\[Krampart: info: ")
        self.assertTrue(data.endswith(b"\r\x1b[K"))


if __name__ == "__main__":
    unittest.main()
