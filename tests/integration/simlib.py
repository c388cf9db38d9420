"""Helpers for integration tests: start the cluster simulator, talk to it, run rampart.

    from simlib import start_sim, run_rampart

    with start_sim("demo", anonymous="off") as sim:
        out = run_rampart("scan", "--kubeconfig", sim.kubeconfig("token"))
        sim.faults({"path": "^/api/v1/pods$", "status": 500, "count": 2})
        assert sim.secret_violations() == []

Python 3 standard library only. See tests/sim/README.md for what the simulator serves.
"""
import contextlib
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("RAMPART_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
SIM = os.path.join(SOURCE_DIR, "tests", "sim", "k8s_sim.py")
KUBELET_SIM = os.path.join(SOURCE_DIR, "tests", "sim", "kubelet_sim.py")
CLUSTERS = os.path.join(SOURCE_DIR, "testdata", "clusters")
READY_TIMEOUT = 30.0  # generous: a loaded CI machine; a normal start takes well under 2 s


class SimError(RuntimeError):
    pass


class Sim:
    """A running simulator. Attributes: server, ca, state_dir, ready (the ready.json dict)."""

    def __init__(self, proc, state_dir, ready, stderr_path):
        self.proc = proc
        self.state_dir = state_dir
        self.ready = ready
        self.server = ready["server"]
        self.ca = ready["ca"]
        self.stderr_path = stderr_path

    # ------------------------------------------------------------ identities

    def kubeconfig(self, identity="admin"):
        """Path of the kubeconfig for an identity: admin, token, limited, nosecrets, exec,
        anonymous, admin-files (certificate paths instead of data), token-file (tokenFile)."""
        try:
            return self.ready["kubeconfigs"][identity]
        except KeyError:
            raise SimError("no kubeconfig for identity %r (have: %s)" % (
                identity, ", ".join(sorted(self.ready["kubeconfigs"]))))

    def token(self, identity="token"):
        return self.ready["tokens"][identity]

    @property
    def kubelets(self):
        return self.ready["kubelets"]

    # ------------------------------------------------------------ HTTP

    def ssl_context(self, identity=None):
        ctx = ssl.create_default_context(cafile=self.ca)
        if identity == "admin":
            c = self.ready["client_certs"]["admin"]
            ctx.load_cert_chain(c["cert"], c["key"])
        return ctx

    def request(self, path, identity="admin", method="GET", body=None, headers=None, timeout=30):
        """(status, headers, body bytes) of one request to the simulated API server. identity
        None sends no credentials; "admin" uses the client certificate; others their token."""
        hdrs = dict(headers or {})
        if identity not in (None, "admin"):
            hdrs["Authorization"] = "Bearer " + self.token(identity)
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        if data is not None:
            hdrs.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.server + path, data=data, headers=hdrs, method=method)
        try:
            with urllib.request.urlopen(req, context=self.ssl_context(identity), timeout=timeout) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def get_json(self, path, identity="admin", accept="application/json"):
        status, _, body = self.request(path, identity, headers={"Accept": accept})
        return status, json.loads(body) if body[:1] in (b"{", b"[") else body

    def _control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, context=self.ssl_context(), timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise SimError("%s %s: %s %s" % (method, path, e.code, e.read().decode(errors="replace")))

    # ------------------------------------------------------------ faults and logs

    def faults(self, *specs, clear=False):
        """Adds faults (see tests/sim/README.md); clear=True drops the existing ones first.
        Returns the active faults."""
        if clear:
            self._control("DELETE", "/__sim/faults")
        if not specs:
            return self._control("GET", "/__sim/faults")["faults"]
        return self._control("POST", "/__sim/faults", {"faults": list(specs)})["faults"]

    def clear_faults(self):
        self._control("DELETE", "/__sim/faults")

    def stats(self, reset=False):
        return self._control("DELETE" if reset else "GET", "/__sim/stats")

    def _jsonl(self, name):
        path = os.path.join(self.state_dir, name)
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def requests(self):
        """Every API request so far: method, path, query, identity, user, status, accept, ..."""
        return self._jsonl("requests.jsonl")

    def secret_violations(self):
        """Every request that asked for secret values (refused unless the sim was started with
        allow_secret_values_for_kubectl=True)."""
        return self._jsonl("secret-violations.jsonl")

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    # ------------------------------------------------------------ lifecycle

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _option_args(opts):
    args = []
    for key, value in opts.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value in (False, None):
            continue
        elif isinstance(value, (list, tuple)):
            for v in value:
                args += [flag, str(v)]
        else:
            args += [flag, str(value)]
    return args


@contextlib.contextmanager
def start_sim(cluster="demo", state_dir=None, keep=False, **opts):
    """Starts tests/sim/k8s_sim.py on a free port and yields a Sim; stops it on exit.

    cluster is a name under testdata/clusters/ or a directory. Keyword options become
    command-line flags: no_kubelets=True, anonymous="off", continue_ttl=1,
    gzip_min_bytes=0, allow_secret_values_for_kubectl=True, unreachable_node=["worker-1"],
    scale=["shop=2000"].
    The state directory is temporary and removed afterwards unless keep=True or state_dir
    is given. If the simulator fails to start, or the block raises, its stderr is printed."""
    path = cluster if os.path.isdir(cluster) else os.path.join(CLUSTERS, cluster)
    own_dir = state_dir is None
    state = state_dir or tempfile.mkdtemp(prefix="rampart-sim-")
    os.makedirs(state, exist_ok=True)
    stderr_path = os.path.join(state, "sim.stderr")
    cmd = [sys.executable, SIM, "--cluster", path, "--state-dir", state] + _option_args(opts)
    with open(stderr_path, "w") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    sim = None
    try:
        ready_path = os.path.join(state, "ready.json")
        deadline = time.monotonic() + READY_TIMEOUT
        while not os.path.exists(ready_path):
            if proc.poll() is not None:
                raise SimError("simulator exited with %s before it was ready:\n%s" % (
                    proc.returncode, open(stderr_path).read()))
            if time.monotonic() > deadline:
                raise SimError("simulator not ready after %.0f s:\n%s" % (READY_TIMEOUT, open(stderr_path).read()))
            time.sleep(0.05)
        with open(ready_path) as f:
            sim = Sim(proc, state, json.load(f), stderr_path)
        yield sim
    except BaseException:
        if os.path.exists(stderr_path):
            text = open(stderr_path, errors="replace").read()
            if text.strip():
                sys.stderr.write("--- simulator stderr ---\n%s\n------------------------\n" % text)
        raise
    finally:
        if sim is not None:
            sim.stop()
        elif proc.poll() is None:
            proc.kill()
            proc.wait()
        if own_dir and not keep:
            shutil.rmtree(state, ignore_errors=True)


def rampart_bin():
    binary = os.environ.get("RAMPART_BIN")
    if not binary:
        raise SimError("RAMPART_BIN is not set (ctest sets it; or export it to the built binary)")
    return binary


def run_rampart(*args, env=None, timeout=300, input=None, check=False):
    """Runs the rampart binary (RAMPART_BIN) and returns the CompletedProcess (text mode).
    env entries are added to a copy of the environment (None values remove a variable)."""
    full_env = dict(os.environ)
    for k, v in (env or {}).items():
        if v is None:
            full_env.pop(k, None)
        else:
            full_env[k] = v
    return subprocess.run([rampart_bin(), *args], env=full_env, capture_output=True, text=True,
                          timeout=timeout, input=input, check=check,
                          stdin=None if input is not None else subprocess.DEVNULL)


def kubectl(sim, identity, *args, timeout=60, check=True, cache_dir=None):
    """Runs the real kubectl against the simulator with an identity's kubeconfig and a private
    discovery cache (shared by the calls on one simulator unless cache_dir is given). Returns
    the CompletedProcess (text mode)."""
    cache = cache_dir or os.path.join(sim.state_dir, "kubectl-cache")
    cmd = ["kubectl", "--kubeconfig", sim.kubeconfig(identity), "--cache-dir", cache,
           "--request-timeout=30s", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise SimError("%s failed (%d):\n%s%s" % (" ".join(cmd), proc.returncode, proc.stdout, proc.stderr))
    return proc


def have_kubectl():
    return shutil.which("kubectl") is not None
