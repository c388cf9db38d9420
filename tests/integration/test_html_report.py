"""The HTML report rendered by a real browser (headless Chromium, offline): the score and the
failures are on the page, the filter script ran (it sets data-filter-ready and the count),
a filter given in the URL fragment hides the other rows, and a hostile resource name is text,
not markup. The screenshot is kept so a person can look at it (its path is printed)."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from reportlib import KUBEADM_COLLECTED, KUBEADM_DEMO, load_report, run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EVIL = "<script>document.title='pwned'</script>"
SCREENSHOT_DIR = os.environ.get("RAMPART_SCREENSHOT_DIR", tempfile.gettempdir())


def as_dom_text(text):
    """How a browser serialises a text node: only & < > are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@unittest.skipIf(CHROMIUM is None, "chromium is not installed (scripts/deps installs Debian's chromium; "
                                   "RAMPART_WITH_BROWSER=0 leaves it out): the HTML report was not rendered")
class HtmlInBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="rampart-html-")
        inv = os.path.join(cls.tmp, "inv.json")
        with open(KUBEADM_DEMO) as f:
            base = f.read()
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": EVIL, "namespace": "shop", "uid": "evil"},
               "spec": {"containers": [{"name": "c", "image": "nginx:1.27", "securityContext": {"privileged": True}}]}}
        with open(inv, "w") as f:
            f.write(base + "\n" + json.dumps(pod))
        cls.html = os.path.join(cls.tmp, "report.html")
        report_json = os.path.join(cls.tmp, "report.json")
        r = run("scan", "--inventory", inv, "--collected", KUBEADM_COLLECTED, "--output", "html=" + cls.html,
                "--output", "json=" + report_json)
        assert r.returncode == 0, r.stderr
        cls.report = load_report(report_json)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def chromium(self, *args, url):
        profile = tempfile.mkdtemp(prefix="chromium-", dir=self.tmp)
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--user-data-dir=" + profile, *args, url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)

    def dom(self, fragment=""):
        r = self.chromium("--dump-dom", url="file://" + self.html + fragment)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertIn("<html", r.stdout)
        return r.stdout

    def rows(self, dom):
        return re.findall(r'<tr class="check"[^>]*>', dom)

    def test_rendered_page_shows_score_failures_and_ran_the_filter(self):
        dom = self.dom()
        self.assertTrue('data-filter-ready="1"' in dom, "the filter script did not run")
        total = len(self.report["checks"])
        self.assertIn("%d of %d checks shown" % (total, total), dom)
        self.assertIn('<span id="overall-score">%.1f</span>' % self.report["score"]["overall"], dom)
        self.assertEqual(len(self.rows(dom)), total)
        self.assertFalse([r for r in self.rows(dom) if "hidden" in r], "no filter: every row shows")
        for c in self.report["checks"]:
            if c["status"] == "FAIL":
                self.assertRegex(dom, r'<tr class="check" id="check-%s" data-status="FAIL"' % re.escape(c["id"]))
                for f in c["findings"][:3]:
                    self.assertTrue(as_dom_text(f["resource"]["name"]) in dom, "%s: %s missing" % (c["id"], f["resource"]["name"]))
        # The hostile name is text on the page; its script never ran (it would set the title).
        self.assertIn("&lt;script&gt;document.title=", dom)
        self.assertNotIn("<title>pwned</title>", dom)
        self.assertEqual(dom.count("<script"), 1)

    def test_filter_from_the_url_fragment_hides_other_rows(self):
        dom = self.dom("#status=FAIL&severity=high")
        self.assertIn('data-filter-ready="1"', dom)
        expected = [c["id"] for c in self.report["checks"] if c["status"] == "FAIL" and c["severity"] == "high"]
        shown = [re.search(r'id="check-([^"]+)"', r).group(1) for r in self.rows(dom) if " hidden" not in r]
        self.assertEqual(shown, expected)
        self.assertIn("%d of %d checks shown" % (len(expected), len(self.report["checks"])), dom)
        dom = self.dom("#q=" + "no-such-text-anywhere")
        self.assertIn("0 of %d checks shown" % len(self.report["checks"]), dom)
        self.assertRegex(dom, r'<p id="no-match">')  # the "nothing matches" line is shown

    def test_screenshot(self):
        shot = os.path.join(SCREENSHOT_DIR, "rampart-report-screenshot.png")
        if os.path.exists(shot):
            os.remove(shot)
        r = self.chromium("--screenshot=" + shot, "--window-size=1280,2000", "--hide-scrollbars", url="file://" + self.html)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(shot, "rb") as f:
            head = f.read(8)
        self.assertEqual(head, b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(shot), 20000, "an empty page would be a tiny PNG")
        print("\nHTML report screenshot: " + shot)


if __name__ == "__main__":
    unittest.main()
