"""Cross-checks rampart's kubeconfig resolution against the real kubectl.

For merged KUBECONFIG lists, relative paths, every credential kind and several --context
choices, `kubectl config view --minify --raw --flatten -o json` says which context, cluster and
user kubectl picks and what they contain; this test derives from that what kubectl would send
(kubectl's precedence: a readable tokenFile beats token, token/certificate beat exec) and
compares it with the SHA-256 fingerprints `rampart config view --output json --run-exec` prints.
It also asks `kubectl get --raw /version` whether kubectl accepts a configuration at all: with
the fixtures' servers on closed loopback ports, an accepted configuration ends in "connection
refused", a rejected one in a configuration error. rampart must refuse every configuration
kubectl refuses (and the few more it documents).

Skipped, with a message, only when kubectl is not installed.
"""

import base64
import hashlib
import json
import os
import http.server
import shutil
import ssl
import subprocess
import tempfile
import threading
import unittest

SOURCE = os.environ.get("RAMPART_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
RAMPART = os.environ.get("RAMPART_BIN", os.path.join(SOURCE, "build", "rampart"))
FIXTURES = os.path.join(SOURCE, "testdata", "kubeconfigs")
KUBECTL = shutil.which("kubectl")
TIMEOUT = 60


def fx(*parts):
    return os.path.join(FIXTURES, *parts)


MERGED = [fx("merge", "first", "config"), "", fx("merge", "no-such-file"),
          fx("merge", "second", "config"), fx("merge", "third", "config")]

# (KUBECONFIG entries, --context or None). None in place of the list: $HOME/.kube/config.
AGREEMENT_CASES = [([fx("all-kinds.yaml")], ctx) for ctx in [
    None, "ec-data", "ec-pkcs8", "token", "token-file", "token-and-file", "token-and-missing-file",
    "token-and-cert", "exec-v1", "exec-v1beta1-cert", "exec-shadowed", "insecure", "plain-http",
    "anonymous", "odd-namespace"]] + [
    (MERGED, None), (MERGED, "shared-ctx"), (MERGED, "third"), (MERGED, "first"),
    ([fx("merge", "third", "config"), fx("merge", "first", "config")], "shared-ctx"),
    ([fx("exec.yaml")], "cluster-info"),
    (None, None),
]

# Contexts without credentials: kubectl then prompts for a username on stdin (here /dev/null, so
# it ends in "error: EOF"); rampart, never interactive, connects anonymously.
PROMPTS = {"anonymous"}

# (file, context, kubectl also refuses it). rampart refuses all of them; where kubectl does not,
# docs/authentication.md says why rampart is stricter.
REFUSED_CASES = [
    ("all-kinds.yaml", "no-such-context", True),
    ("errors.yaml", None, True),  # a missing user: kubectl prompts for a password (EOF here)
    ("errors.yaml", "missing-cluster", False),  # kubectl falls back to http://localhost:8080
    ("errors.yaml", "no-user", True),  # kubectl prompts, as above
    ("errors.yaml", "no-server", False),  # kubectl falls back to http://localhost:8080
    ("errors.yaml", "missing-ca-file", True),
    ("errors.yaml", "bad-ca-file", True),
    ("errors.yaml", "ca-and-insecure", True),
    ("errors.yaml", "bad-proxy", True),
    ("errors.yaml", "ftp-server", True),
    ("errors.yaml", "no-key", True),
    # kubectl reloads client certificate files in the background: a bad one is logged and the
    # request goes out without a client certificate.
    ("errors.yaml", "bad-cert-file", False),
    ("errors.yaml", "bad-key-file", False),
    ("errors.yaml", "missing-key-file", True),
    ("errors.yaml", "mismatch", False),
    ("errors.yaml", "encrypted-key", False),
    ("errors.yaml", "gcp", True),
    ("errors.yaml", "missing-token-file", True),
    ("errors.yaml", "empty-token-file", True),
    ("errors.yaml", "basic-auth", False),   # kubectl still sends it; API servers stopped reading it
    ("errors.yaml", "impersonate", False),  # rampart reports the credential's own permissions
    ("errors-data.yaml", "both-ca", True),
    ("errors-data.yaml", "bad-ca-data", True),
    ("errors-data.yaml", "both-cert", True),
    ("errors-data.yaml", "both-key", True),
    ("errors-data.yaml", "bad-key-data", True),
    ("exec.yaml", "missing", True),
    ("exec.yaml", "missing-path", True),
    ("exec.yaml", "always", True),  # kubectl refuses too when stdin is not a terminal
    ("exec.yaml", "v1-without-mode", True),
    ("exec.yaml", "v1alpha1", True),
    ("exec.yaml", "no-command", True),
]

NETWORK_MARKERS = ("was refused", "connection refused", "dial tcp", "i/o timeout", "deadline exceeded")


def sha(data):
    if data is None or data == b"" or data == "":
        return None
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()


def b64_field(obj, key):
    value = obj.get(key)
    return base64.b64decode(value) if value else None


@unittest.skipIf(KUBECTL is None, "kubectl is not installed: the kubectl cross-check cannot run")
class KubeconfigMatchesKubectl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="rampart-kubectl-")
        cls.origins = {}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def env(self, kubeconfig_list):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.tmp}
        if kubeconfig_list is None:
            env["HOME"] = fx("home")
        else:
            env["KUBECONFIG"] = ":".join(kubeconfig_list)
        return env

    def run_tool(self, argv, env):
        return subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=TIMEOUT)

    def origin_of(self, kind, name, kubeconfig_list):
        """The first file in the list that defines users/clusters `name` (kubectl's merge)."""
        files = [fx("home", ".kube", "config")] if kubeconfig_list is None else kubeconfig_list
        for path in files:
            if not path or not os.path.exists(path):
                continue
            if path not in self.origins:
                out = self.run_tool([KUBECTL, "config", "view", "--raw", "-o", "json"],
                                    {"PATH": os.environ.get("PATH", ""), "KUBECONFIG": path,
                                     "HOME": self.tmp})
                self.assertEqual(out.returncode, 0, out.stderr)
                self.origins[path] = json.loads(out.stdout)
            if any(e["name"] == name for e in self.origins[path].get(kind) or []):
                return path
        self.fail(f"{kind} {name} not found in {files}")

    def expected_from_kubectl(self, kubeconfig_list, context, env):
        argv = [KUBECTL, "config", "view", "--minify", "--raw", "--flatten", "-o", "json"]
        if context:
            argv += ["--context", context]
        out = self.run_tool(argv, env)
        self.assertEqual(out.returncode, 0, out.stderr)
        cfg = json.loads(out.stdout)
        ctx = cfg["contexts"][0]["context"]
        cluster = cfg["clusters"][0]["cluster"]
        user = (cfg.get("users") or [{"user": {}}])[0].get("user") or {}
        user_name = ctx["user"]
        base = os.path.dirname(os.path.abspath(self.origin_of("users", user_name, kubeconfig_list)))

        server = cluster["server"]
        if "://" not in server:
            server = "http://" + server
        scheme, rest = server.split("://", 1)
        server = scheme + "://" + rest.rstrip("/")
        tls = scheme == "https"
        expected = {
            "context": cfg["current-context"], "cluster": ctx["cluster"], "user": user_name,
            "namespace": ctx.get("namespace") or "default", "server": server,
            "insecure_skip_tls_verify": bool(cluster.get("insecure-skip-tls-verify")) and tls,
            "tls_server_name": cluster.get("tls-server-name", "") if tls else "",
            "proxy_url": cluster.get("proxy-url", ""),
            "ca_sha256": sha(b64_field(cluster, "certificate-authority-data")) if tls else None,
        }
        token = user.get("token")
        token_file = user.get("tokenFile")
        cert = b64_field(user, "client-certificate-data")
        key = b64_field(user, "client-key-data")
        kind, token_value = "none", None
        if not tls:
            cert = key = None
        elif token_file:
            path = os.path.join(base, token_file)
            # client-go's transport sends the file's token while it can read it, else `token`.
            token_value = token
            if os.path.exists(path):
                with open(path) as f:
                    token_value = f.read().strip()
            kind = "client-certificate+token-file" if cert else "token-file"
        elif token:
            token_value = token
            kind = "client-certificate+token" if cert else "token"
        elif cert:
            kind = "client-certificate"
        elif user.get("exec"):
            kind = "exec"
            token_value, cert, key = self.run_plugin(user["exec"], base, env)
        expected.update({"kind": kind, "token_sha256": sha(token_value),
                         "client_cert_sha256": sha(cert), "client_key_sha256": sha(key)})
        return expected

    def run_plugin(self, exec_cfg, base, env):
        """What the plugin kubectl would run returns (our own reading of its ExecCredential)."""
        command = exec_cfg["command"]
        if "/" in command:
            command = os.path.join(base, command)
        plugin_env = dict(env)
        for var in exec_cfg.get("env") or []:
            plugin_env[var["name"]] = var["value"]
        out = self.run_tool([command] + (exec_cfg.get("args") or []), plugin_env)
        self.assertEqual(out.returncode, 0, out.stderr)
        status = json.loads(out.stdout)["status"]
        return status.get("token"), status.get("clientCertificateData"), status.get("clientKeyData")

    def rampart_view(self, context, env):
        argv = [RAMPART, "config", "view", "--output", "json", "--run-exec"]
        if context:
            argv += ["--context", context]
        return self.run_tool(argv, env)

    def kubectl_accepts(self, context, env):
        """True when kubectl gets as far as connecting (the fixtures' servers refuse)."""
        argv = [KUBECTL, "get", "--raw", "/version", "--request-timeout=10s"]
        if context:
            argv += ["--context", context]
        out = self.run_tool(argv, env)
        self.assertNotEqual(out.returncode, 0, "a fixture server answered: " + out.stdout)
        return any(marker in out.stderr for marker in NETWORK_MARKERS), out.stderr.strip()

    def test_rampart_picks_what_kubectl_picks(self):
        for kubeconfig_list, context in AGREEMENT_CASES:
            label = f"KUBECONFIG={kubeconfig_list} --context={context}"
            with self.subTest(label):
                env = self.env(kubeconfig_list)
                accepted, kubectl_said = self.kubectl_accepts(context, env)
                if context in PROMPTS:
                    self.assertEqual(kubectl_said, "error: EOF")
                else:
                    self.assertTrue(accepted, f"kubectl refuses a valid fixture: {kubectl_said}")
                expected = self.expected_from_kubectl(kubeconfig_list, context, env)
                out = self.rampart_view(context, env)
                self.assertEqual(out.returncode, 0, out.stderr)
                view = json.loads(out.stdout)
                got = {
                    "context": view["context"], "cluster": view["cluster"], "user": view["user"],
                    "namespace": view["namespace"], "server": view["server"],
                    "insecure_skip_tls_verify": view["insecure_skip_tls_verify"],
                    "tls_server_name": view["tls_server_name"], "proxy_url": view["proxy_url"],
                    "ca_sha256": view["ca"]["sha256"], "kind": view["credential"]["kind"],
                    "token_sha256": view["credential"]["token_sha256"],
                    "client_cert_sha256": view["credential"]["client_cert_sha256"],
                    "client_key_sha256": view["credential"]["client_key_sha256"],
                }
                self.assertEqual(got, expected)

    def test_rampart_refuses_what_kubectl_refuses(self):
        for name, context, kubectl_refuses in REFUSED_CASES:
            with self.subTest(f"{name} --context={context}"):
                env = self.env([fx(name)])
                accepted, kubectl_said = self.kubectl_accepts(context, env)
                self.assertEqual(not accepted, kubectl_refuses, f"kubectl said: {kubectl_said}")
                argv = [RAMPART, "config", "view", "--output", "json"]
                if context:
                    argv += ["--context", context]
                out = self.run_tool(argv, env)
                self.assertEqual(out.returncode, 1, out.stdout)
                self.assertEqual(out.stdout, "")
                lines = out.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, out.stderr)
                self.assertTrue(lines[0].startswith("rampart: "), lines[0])
                self.assertNotIn("hunter2", out.stderr)

    def test_exec_failures_surface_at_first_use(self):
        env = self.env([fx("exec.yaml")])
        out = self.run_tool([RAMPART, "config", "view", "--output", "json", "--context", "fail"], env)
        self.assertEqual(out.returncode, 0, out.stderr)  # not run unless asked
        self.assertIsNone(json.loads(out.stdout)["credential"]["token_sha256"])
        out = self.run_tool([RAMPART, "config", "view", "--output", "json", "--run-exec",
                             "--context", "fail"], env)
        self.assertEqual(out.returncode, 1)
        # The plugin's own stderr passes through, then rampart's one-line error.
        self.assertIn("fail.sh: error: the session expired\n", out.stderr)
        self.assertTrue(out.stderr.strip().splitlines()[-1].endswith(
            "exited with status 3: fail.sh: error: the session expired | "
            "fail.sh: run 'test-login' to log in again"), out.stderr)


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    """Answers every GET like /version and records the Authorization header it came with."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.seen.append(self.headers.get("Authorization", ""))
        body = b'{"major":"1","minor":"32","gitVersion":"v1.32.0"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@unittest.skipIf(KUBECTL is None, "kubectl is not installed: the kubectl cross-check cannot run")
class KubectlSendsWhatRampartPicks(unittest.TestCase):
    """Where the precedence is subtle (token with tokenFile, token with exec), watch what kubectl
    actually sends to a loopback HTTPS server and compare it with rampart's choice."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="rampart-kubectl-tls-")
        cert, key = os.path.join(cls.tmp, "server.crt"), os.path.join(cls.tmp, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1",
                        "-days", "1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True, timeout=TIMEOUT)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RecordingHandler)
        cls.server.socket = context.wrap_socket(cls.server.socket, server_side=True)
        cls.server.seen = []
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def kubeconfig(self, user_yaml):
        port = self.server.server_address[1]
        path = os.path.join(self.tmp, "config")
        with open(path, "w") as f:
            f.write(f"""apiVersion: v1
kind: Config
current-context: c
clusters:
- name: local
  cluster: {{server: "https://127.0.0.1:{port}", insecure-skip-tls-verify: true}}
contexts:
- name: c
  context: {{cluster: local, user: u}}
users:
- name: u
  user:
{user_yaml}""")
        return path

    def check(self, user_yaml):
        env = {"PATH": os.environ.get("PATH", ""), "HOME": self.tmp,
               "KUBECONFIG": self.kubeconfig(user_yaml)}
        self.server.seen.clear()
        out = subprocess.run([KUBECTL, "get", "--raw", "/version", "--request-timeout=20s"], env=env,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(self.server.seen)
        self.assertEqual(len(set(self.server.seen)), 1, "kubectl changed credentials between requests")
        header = self.server.seen[0]
        self.assertTrue(header.startswith("Bearer "), header)
        view = subprocess.run([RAMPART, "config", "view", "--output", "json", "--run-exec"], env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(view.returncode, 0, view.stderr)
        self.assertEqual(json.loads(view.stdout)["credential"]["token_sha256"],
                         sha(header[len("Bearer "):]))

    def test_a_readable_token_file_beats_the_token(self):
        self.check(f"    token: static-token-fallback-0001\n    tokenFile: {fx('tokens', 'token.txt')}\n")

    def test_the_token_is_used_when_the_token_file_is_missing(self):
        self.check(f"    token: static-token-fallback-0002\n    tokenFile: {fx('tokens', 'missing.txt')}\n")

    def test_a_token_beats_an_exec_plugin(self):
        self.check("    token: static-token-beats-exec-01\n    exec:\n"
                   "      apiVersion: client.authentication.k8s.io/v1\n"
                   f"      command: {fx('plugins', 'fail.sh')}\n      interactiveMode: Never\n")

    def test_an_exec_plugin_token_with_the_kubeconfig_env(self):
        self.check("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                   f"      command: {fx('plugins', 'token.sh')}\n"
                   "      args: [client.authentication.k8s.io/v1, exec-token-v1]\n"
                   "      env: [{name: RAMPART_PLUGIN_GREETING, value: hello}]\n"
                   "      interactiveMode: Never\n")


if __name__ == "__main__":
    unittest.main()
