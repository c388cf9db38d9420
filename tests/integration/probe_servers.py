"""Servers the probe integration tests point rampart at, all on loopback ephemeral ports.

- certificates made with the openssl CLI (CA, server certs with chosen lifetimes, client cert);
- a real etcd (/usr/bin/etcd) in the shapes the tests need;
- `openssl s_server` processes with chosen protocol versions and suites;
- StubHttpServer: a tiny HTTP(S) server answering fixed routes and recording every request
  line, used for the kubelet behaviours (200 / 403 / 401, read-only port), an API server, a
  scheduler and kube-proxy. (The cluster simulator's kubelet_sim.py on branch `sim` covers the
  kubelet too; this stub exists because that had not landed when these tests were written.)
- RawServer: accepts and stays silent, or sends garbage, for the hostile cases.

Standard library only. Everything started here is stopped by close()/stop().
"""
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import http.server
import unittest


def free_port():
    """A port the kernel just handed out and released (etcd and s_server bind it themselves)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process=None, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before port {port} opened")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open within {timeout} s")


def stop_process(process):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class Certs:
    """A CA and certificates signed by it, made with the openssl CLI in a temp dir."""

    def __init__(self, directory):
        self.dir = directory
        self.ca_cert = os.path.join(directory, "ca.crt")
        self.ca_key = os.path.join(directory, "ca.key")
        self._openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                      "-keyout", self.ca_key, "-out", self.ca_cert, "-days", "3650",
                      "-subj", "/CN=rampart-test-ca")

    def _openssl(self, *args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    def issue(self, name, days, subject=None, san="IP:127.0.0.1,DNS:localhost", client=False,
              key="ec"):
        """Returns (cert_path, key_path) for a certificate valid `days` days from now."""
        cert = os.path.join(self.dir, name + ".crt")
        keyfile = os.path.join(self.dir, name + ".key")
        csr = os.path.join(self.dir, name + ".csr")
        ext = os.path.join(self.dir, name + ".ext")
        with open(ext, "w") as f:
            f.write(f"subjectAltName={san}\n")
            f.write("extendedKeyUsage=" + ("clientAuth" if client else "serverAuth,clientAuth") + "\n")
        newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if key == "ec" else \
            ["-newkey", "rsa:2048"]
        self._openssl("req", *newkey, "-nodes", "-keyout", keyfile, "-out", csr,
                      "-subj", subject or f"/CN={name}")
        self._openssl("x509", "-req", "-in", csr, "-CA", self.ca_cert, "-CAkey", self.ca_key,
                      "-CAcreateserial", "-days", str(days), "-out", cert, "-extfile", ext)
        return cert, keyfile


class Etcd:
    """A real etcd on two free loopback ports.

    shape: "plaintext", "tls" (TLS, no client-cert-auth) or "mtls" (TLS with client-cert-auth on
    the client and peer ports)."""

    def __init__(self, directory, shape, certs=None):
        self.shape = shape
        self.client_port = free_port()
        self.peer_port = free_port()
        scheme = "http" if shape == "plaintext" else "https"
        self.client_url = f"{scheme}://127.0.0.1:{self.client_port}"
        peer_url = f"{scheme}://127.0.0.1:{self.peer_port}"
        self.data_dir = os.path.join(directory, f"etcd-{shape}")
        args = ["etcd", "--name", "t", "--data-dir", self.data_dir,
                "--listen-client-urls", self.client_url, "--advertise-client-urls", self.client_url,
                "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
                "--initial-cluster", f"t={peer_url}", "--log-level", "error"]
        self.ctl_tls = []
        if shape != "plaintext":
            cert, key = certs.issue(f"etcd-{shape}", 365)
            args += ["--cert-file", cert, "--key-file", key,
                     "--peer-cert-file", cert, "--peer-key-file", key]
            self.ctl_tls = ["--cacert", certs.ca_cert]
            if shape == "mtls":
                client_cert, client_key = certs.issue(f"etcd-client-{shape}", 365, client=True)
                args += ["--client-cert-auth", "--trusted-ca-file", certs.ca_cert,
                         "--peer-client-cert-auth", "--peer-trusted-ca-file", certs.ca_cert]
                self.ctl_tls += ["--cert", client_cert, "--key", client_key]
        self.log = open(os.path.join(directory, f"etcd-{shape}.log"), "w")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.client_port, self.process)
            self._wait_healthy()
        except Exception:
            self.close()
            raise

    def etcdctl(self, *args):
        env = dict(os.environ, ETCDCTL_API="3")
        return subprocess.run(["etcdctl", "--endpoints", self.client_url, *self.ctl_tls, *args],
                              check=True, capture_output=True, text=True, env=env, timeout=30)

    def _wait_healthy(self):
        deadline = time.monotonic() + 30
        while True:
            try:
                self.etcdctl("endpoint", "health")
                return
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def close(self):
        stop_process(self.process)
        self.log.close()


class SServer:
    """`openssl s_server -www` on a free port with extra options (versions, suites, -Verify)."""

    def __init__(self, directory, cert, key, *options):
        self.port = free_port()
        self.log = open(os.path.join(directory, f"s_server-{self.port}.log"), "w")
        self.process = subprocess.Popen(
            ["openssl", "s_server", "-accept", f"127.0.0.1:{self.port}", "-cert", cert, "-key", key,
             "-www", "-quiet", *options],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.port, self.process)
        except Exception:
            self.close()
            raise

    def close(self):
        stop_process(self.process)
        self.log.close()


class StubHttpServer:
    """Answers fixed routes {path: (status, content_type, body)}; anything else 404.
    Records every request line and header set so tests can assert exactly what was sent."""

    def __init__(self, routes, certfile=None, keyfile=None):
        self.routes = routes
        self.requests = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self):
                stub.requests.append({"method": self.command, "path": self.path,
                                      "headers": dict(self.headers.items())})
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                status, ctype, body = stub.routes.get(self.path, (404, "text/plain", "404 page not found\n"))
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                if status == 401:
                    self.send_header("Www-Authenticate", 'Basic realm="kubernetes-master"')
                self.end_headers()
                self.wfile.write(data)

            do_GET = _answer
            do_POST = _answer
            do_PUT = _answer
            do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if certfile:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(certfile, keyfile)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class RawServer:
    """mode "silent": a listening socket nobody accepts from: the kernel completes TCP
    handshakes, nothing ever answers. mode "garbage": accepts and sends `payload`, then closes."""

    def __init__(self, mode, payload=b""):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.payload = payload
        self.stopping = False
        self.thread = None
        if mode == "garbage":
            self.thread = threading.Thread(target=self._serve, daemon=True)
            self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self._send, args=(conn,), daemon=True).start()

    def _send(self, conn):
        try:
            conn.settimeout(5)
            conn.sendall(self.payload)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.stopping = True
        if self.thread:
            self.thread.join(timeout=5)
        self.sock.close()


def closed_port():
    """A port with nothing listening (connection refused)."""
    return free_port()


class TempDir:
    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="rampart-probe-test-")

    def close(self):
        shutil.rmtree(self.path, ignore_errors=True)


class ServersTestCase(unittest.TestCase):
    """Owns a temp dir and every server a test class starts; tearDownClass stops them all, and
    setUpClass failures still clean up (subclasses implement start_servers)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.servers = []
        try:
            cls.start_servers()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def start_servers(cls):
        raise NotImplementedError

    @classmethod
    def track(cls, server):
        cls.servers.append(server)
        return server

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.close()
        cls.tmp.close()


def run_rampart(*args, timeout=120):
    """Runs the real binary; returns (exit code, stdout, stderr, seconds)."""
    start = time.monotonic()
    p = subprocess.run([os.environ["RAMPART_BIN"], *args], capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - start


def probe_json(*args, timeout=120):
    code, out, err, seconds = run_rampart("probe", "--output", "json", *args, timeout=timeout)
    if code != 0:
        raise AssertionError(f"rampart probe exited {code}: {err}")
    return json.loads(out), out, seconds


def results_for(report, url):
    return [r for r in report["probes"]["results"] if r["target"]["url"] == url]


def result(report, url, probe):
    for r in results_for(report, url):
        if r["probe"] == probe:
            return r
    raise AssertionError(f"no {probe} result for {url}: {[r['probe'] for r in results_for(report, url)]}")


def findings(report, url):
    """{id: (status, severity)} of the findings on one target."""
    return {f["id"]: (f["status"], f["severity"]) for f in report["findings"]
            if f["resource"]["name"] == url}
