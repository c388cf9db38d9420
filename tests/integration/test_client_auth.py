"""How rampart connects: certificate, token, token file and exec authentication; the one-line
errors and exit codes for a rejected credential, an unreachable server, a wrong CA, a client
certificate the server does not trust and a wrong tls-server-name; `rampart auth check`."""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import unittest

from simlib import run_rampart, start_sim


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_b64(path):
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode()


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


class ClientAuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._sim_cm = start_sim("demo")
        cls.sim = cls._sim_cm.__enter__()
        cls.tmp = tempfile.mkdtemp(prefix="rampart-client-test-")

    @classmethod
    def tearDownClass(cls):
        cls._sim_cm.__exit__(None, None, None)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def kubeconfig(self, identity, name, edit):
        """A copy of an identity's kubeconfig with `edit(text) -> text` applied."""
        with open(self.sim.kubeconfig(identity)) as f:
            text = edit(f.read())
        path = os.path.join(self.tmp, name + ".kubeconfig")
        with open(path, "w") as f:
            f.write(text)
        return path

    def other_ca(self):
        """A CA the simulator does not know, and a client certificate it issued."""
        d = os.path.join(self.tmp, "other-ca")
        if not os.path.isdir(d):
            os.makedirs(d)
            openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=other-ca",
                    "-keyout", d + "/ca.key", "-out", d + "/ca.crt")
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=admin/O=system:masters",
                    "-keyout", d + "/client.key", "-out", d + "/client.csr")
            openssl("x509", "-req", "-in", d + "/client.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                    "-CAcreateserial", "-days", "2", "-out", d + "/client.crt")
        return d

    def inventory(self, kubeconfig, *extra):
        return run_rampart("inventory", "--kubeconfig", kubeconfig, "--no-kubelet-config", *extra, timeout=120)

    def assert_one_line_error(self, proc, pattern):
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertEqual(proc.stdout, "")
        lines = proc.stderr.splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertRegex(lines[0], pattern)

    # ---------------------------------------------------------------- authentication

    def test_every_credential_kind_authenticates(self):
        for identity in ("admin", "admin-files", "token", "token-file", "exec"):
            with self.subTest(identity=identity):
                proc = self.inventory(self.sim.kubeconfig(identity), "-o", "json")
                self.assertEqual(proc.returncode, 0, proc.stderr)
                inv = json.loads(proc.stdout)
                self.assertEqual(inv["status"]["pods"]["state"], "ok")
                self.assertGreater(inv["status"]["pods"]["count"], 0)
        users = {r["user"] for r in self.sim.requests() if r["path"] == "/api/v1/pods"}
        self.assertTrue({"admin", "token", "exec"} <= users, users)

    def test_tls_server_name_overrides_sni_and_verification(self):
        def edit(text):
            return re.sub(r'(\n\s+server: "https://127\.0\.0\.1:\d+")', r'\1\n    tls-server-name: "kubernetes.default.svc"', text)
        proc = self.inventory(self.kubeconfig("token", "sni-ok", edit))
        self.assertEqual(proc.returncode, 0, proc.stderr)

        def wrong(text):
            return re.sub(r'(\n\s+server: "https://127\.0\.0\.1:\d+")', r'\1\n    tls-server-name: "wrong.example.com"', text)
        proc = self.inventory(self.kubeconfig("token", "sni-wrong", wrong))
        self.assert_one_line_error(
            proc, r"^rampart: https://127\.0\.0\.1:\d+: the server's certificate at 127\.0\.0\.1:\d+ failed "
                  r"verification against .* for host name 'wrong\.example\.com': .*")

    # ---------------------------------------------------------------- refusals

    def test_rejected_token_is_one_line_naming_the_credential(self):
        path = self.kubeconfig("token", "bad-token", lambda t: re.sub(r'token: ".*"', 'token: "not-a-valid-token-0000"', t))
        proc = self.inventory(path)
        self.assert_one_line_error(
            proc, r"^rampart: https://127\.0\.0\.1:\d+/version: HTTP 401 Unauthorized: the API server rejected the "
                  r"token credential \(get /version\) \[context 'token@demo', user 'token', from .*bad-token\.kubeconfig\]$")
        self.assertNotIn("not-a-valid-token-0000", proc.stderr)
        # The one refresh retry, and nothing after the first request failed.
        bad = [r for r in self.sim.requests() if r["status"] == 401 and r["path"] == "/version"]
        self.assertGreaterEqual(len(bad), 2)

    def test_unreachable_server(self):
        port = free_port()
        path = self.kubeconfig("token", "unreachable",
                               lambda t: re.sub(r'server: "https://127\.0\.0\.1:\d+"', 'server: "https://127.0.0.1:%d"' % port, t))
        proc = self.inventory(path)
        self.assert_one_line_error(proc, r"^rampart: https://127\.0\.0\.1:%d: cannot connect to 127\.0\.0\.1:%d: " % (port, port))

    def test_connect_timeout_names_the_timeout(self):
        # A listening socket that never accepts: TCP completes in the kernel backlog, the TLS
        # handshake never does, and libcurl counts the handshake as part of connecting.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            port = s.getsockname()[1]
            path = self.kubeconfig("token", "silent",
                                   lambda t: re.sub(r'server: "https://127\.0\.0\.1:\d+"', 'server: "https://127.0.0.1:%d"' % port, t))
            proc = self.inventory(path, "--connect-timeout", "1s", "--request-timeout", "2s")
        self.assert_one_line_error(
            proc, r"^rampart: https://127\.0\.0\.1:%d: timed out connecting to 127\.0\.0\.1:%d after 1s "
                  r"\(--connect-timeout\)$" % (port, port))

    def test_request_timeout_names_the_timeout(self):
        self.sim.faults({"path": "^/version$", "latency_ms": 3000, "count": 1})
        try:
            proc = self.inventory(self.sim.kubeconfig("token"), "--request-timeout", "1s")
        finally:
            self.sim.clear_faults()
        self.assert_one_line_error(
            proc, r"^rampart: https://127\.0\.0\.1:\d+: request timed out after 1s \(--request-timeout\): get /version$")

    def test_wrong_ca_names_the_ca(self):
        data = read_b64(os.path.join(self.other_ca(), "ca.crt"))
        path = self.kubeconfig("admin", "wrong-ca", lambda t: re.sub(r'certificate-authority-data: ".*"',
                                                                     'certificate-authority-data: "%s"' % data, t))
        proc = self.inventory(path)
        self.assert_one_line_error(
            proc, r"^rampart: https://127\.0\.0\.1:\d+: the server's certificate at 127\.0\.0\.1:\d+ failed verification "
                  r"against the certificate-authority-data of cluster 'demo' in .*wrong-ca\.kubeconfig for host name "
                  r"'127\.0\.0\.1': .*\[context 'admin@demo', user 'admin', from .*\]$")

    def test_untrusted_client_certificate_is_ours(self):
        d = self.other_ca()
        cert = read_b64(d + "/client.crt")
        key = read_b64(d + "/client.key")

        def edit(text):
            text = re.sub(r'client-certificate-data: ".*"', 'client-certificate-data: "%s"' % cert, text)
            return re.sub(r'client-key-data: ".*"', 'client-key-data: "%s"' % key, text)
        proc = self.inventory(self.kubeconfig("admin", "foreign-cert", edit))
        self.assert_one_line_error(
            proc, r"^rampart: https://127\.0\.0\.1:\d+: the server at 127\.0\.0\.1:\d+ ((rejected our client certificate"
                  r"|requires a client certificate and rejected ours): .*alert"
                  r"|closed the connection right after the TLS handshake: it most likely rejected our client "
                  r"certificate \(TLS 1\.3 servers refuse it after the handshake\): .+).*\[context 'admin@demo'")
        self.assertNotIn(key, proc.stderr)

    def test_bad_timeout_is_a_usage_error(self):
        proc = self.inventory(self.sim.kubeconfig("token"), "--request-timeout", "soon")
        self.assert_one_line_error(proc, r"^rampart: --request-timeout: invalid duration 'soon'")

    # ---------------------------------------------------------------- auth check

    def test_auth_check_lists_missing_parts(self):
        proc = run_rampart("auth", "check", "--kubeconfig", self.sim.kubeconfig("limited"), "-o", "json")
        self.assertEqual(proc.returncode, 0, proc.stderr)  # only optional calls are refused
        calls = json.loads(proc.stdout)["calls"]
        self.assertEqual(json.loads(proc.stdout)["authenticated_as"],
                         {"user": "limited", "groups": ["system:authenticated"], "source": "SelfSubjectReview"})
        denied = sorted((c["resource"], c["subresource"]) for c in calls if not c["allowed"])
        self.assertEqual(denied, [("nodes", "proxy"), ("secrets", "")])
        self.assertEqual(len(calls), 21)
        services = next(c for c in calls if c["resource"] == "services")  # read in default only
        self.assertEqual((services["verb"], services["namespace"], services["allowed"]), ("list", "default", True))
        proxy_config = next(c for c in calls if c["resource"] == "configmaps")
        self.assertEqual((proxy_config["verb"], proxy_config["name"], proxy_config["namespace"], proxy_config["allowed"]),
                         ("get", "kube-proxy", "kube-system", True))

        text = run_rampart("auth", "check", "--kubeconfig", self.sim.kubeconfig("limited")).stdout
        self.assertRegex(text, r"list secrets \(all namespaces\) \[optional\] +no\n")
        self.assertIn("missing: secret metadata", text)
        self.assertRegex(text, r"list services \(namespace default\) +yes\n")
        self.assertRegex(text, r"list certificatesigningrequests.certificates.k8s.io +yes\n")

        admin = run_rampart("auth", "check", "--kubeconfig", self.sim.kubeconfig("admin"))
        self.assertEqual(admin.returncode, 0, admin.stderr)
        self.assertIn("every call the collector makes is allowed", admin.stdout)
        self.assertIn("user:    admin [system:masters, system:authenticated] (SelfSubjectReview)\n", admin.stdout)
        reviews = [r for r in self.sim.requests() if r["path"].endswith("/selfsubjectaccessreviews")]
        self.assertTrue(reviews)
        self.assertTrue(all(r["method"] == "POST" for r in reviews))

    def test_auth_check_required_refused_exits_2(self):
        proc = run_rampart("auth", "check", "--kubeconfig", self.sim.kubeconfig("anonymous"))
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("list pods (all namespaces): ", proc.stdout)


if __name__ == "__main__":
    unittest.main()
