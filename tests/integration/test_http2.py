"""rampart's API client over HTTP/2, the protocol kube-apiserver prefers.

The simulator speaks HTTP/1.1 only, so Debian's nghttpx (nghttp2-proxy) stands in front of it as
an HTTP/2 TLS frontend with the simulator's own API server certificate; rampart negotiates h2
through ALPN, as with a real API server. The scan must be the same as over HTTP/1.1: paging
(small chunks, so many pages share one connection), gzip, the Table request for Secrets, the
SelfSubjectReview POST, the node-proxy reads. nghttpx's access log proves every request really
was HTTP/2.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from probe_servers import free_port
from simlib import run_rampart, start_sim

NGHTTPX = shutil.which("nghttpx") or "/usr/sbin/nghttpx"


def report_without_times(path):
    with open(path) as f:
        report = json.load(f)
    for key in ("generated_at", "started_at", "duration_seconds"):
        report.pop(key, None)
    for key in ("server", "context"):
        report["cluster"].pop(key, None)
    return report


class Http2(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(NGHTTPX):
            raise AssertionError("nghttpx is missing: scripts/deps installs nghttp2-proxy")
        cls.tmp = tempfile.mkdtemp(prefix="rampart-h2-")
        cls.sim_context = start_sim("demo", no_kubelets=True)
        cls.sim = cls.sim_context.__enter__()
        try:
            pki = os.path.join(cls.sim.state_dir, "pki")
            backend = cls.sim.server[len("https://"):].rsplit(":", 1)
            cls.port = free_port()
            cls.access_log = os.path.join(cls.tmp, "access.log")
            cls.proxy = subprocess.Popen(
                [NGHTTPX, "--conf=/dev/null", f"--frontend=127.0.0.1,{cls.port}",
                 f"--backend={backend[0]},{backend[1]};;tls", "--insecure",  # the hop to the simulator
                 "--workers=1", f"--accesslog-file={cls.access_log}",
                 f"--errorlog-file={os.path.join(cls.tmp, 'error.log')}",
                 os.path.join(pki, "apiserver.key"), os.path.join(pki, "apiserver.crt")],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", cls.port), timeout=1).close()
                    break
                except OSError:
                    if cls.proxy.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError("nghttpx did not start: " + open(os.path.join(cls.tmp, "error.log")).read())
                    time.sleep(0.05)
            cls.kubeconfig = os.path.join(cls.tmp, "h2.kubeconfig")
            with open(cls.kubeconfig, "w") as f:
                json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "h2",
                           "clusters": [{"name": "h2", "cluster": {"server": f"https://127.0.0.1:{cls.port}",
                                                                   "certificate-authority": cls.sim.ca}}],
                           "users": [{"name": "token", "user": {"token": cls.sim.token("token")}}],
                           "contexts": [{"name": "h2", "context": {"cluster": "h2", "user": "token"}}]}, f)
            cls.h2 = cls.scan(cls.kubeconfig, "h2")
            with open(cls.access_log) as f:
                cls.log = [line for line in f if "rampart/" in line]
            cls.direct = cls.scan(cls.sim.kubeconfig("token"), "direct")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "proxy", None):
            cls.proxy.terminate()
            cls.proxy.wait(timeout=10)
        cls.sim_context.__exit__(None, None, None)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def scan(cls, kubeconfig, name):
        out = os.path.join(cls.tmp, name + ".json")
        proc = run_rampart("scan", "--kubeconfig", kubeconfig, "--no-probes", "--chunk-size", "5", "-o", "json=" + out)
        if proc.returncode != 0:
            raise AssertionError(f"rampart scan ({name}) exited {proc.returncode}: {proc.stderr}")
        return report_without_times(out)

    def test_every_request_went_over_http2(self):
        protocols = [re.search(r'"[A-Z]+ \S+ (HTTP/[0-9.]+)"', line).group(1) for line in self.log]
        self.assertGreater(len(protocols), 40)  # pages of 5: many requests on the one connection
        self.assertEqual(set(protocols), {"HTTP/2"})
        paths = " ".join(self.log)
        for what in ("POST /apis/authentication.k8s.io/v1/selfsubjectreviews", "GET /api/v1/secrets?",
                     "continue=", "/proxy/configz"):
            self.assertIn(what, paths)

    def test_the_report_is_the_same_as_over_http1(self):
        self.assertEqual(self.h2, self.direct)
        statuses = {c["status"] for c in self.h2["checks"]}
        self.assertIn("FAIL", statuses)  # the demo's planted mistakes were all seen

    def test_nothing_was_refused_or_retried(self):
        codes = [int(re.search(r'" ([0-9]{3}) ', line).group(1)) for line in self.log]
        self.assertEqual({c for c in codes if c >= 400}, set())


if __name__ == "__main__":
    unittest.main()
