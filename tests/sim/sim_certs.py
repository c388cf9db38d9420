"""Certificates for the simulators, made with the openssl CLI.

Everything lands in one directory (STATE/pki). Files that already exist are reused, so a
state directory can be kept between runs. RSA key generation is slow and its time varies a
lot (0.05 to 0.8 s per key on a busy machine), so private keys come from a per-user cache
(RAMPART_SIM_KEY_CACHE, default $TMPDIR/rampart-sim-keys-UID), one key per role, made on first
use; certificates are still issued fresh at every start. These are test keys only.
"""
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

DAYS = "3650"


def key_cache():
    path = os.environ.get("RAMPART_SIM_KEY_CACHE") or os.path.join(
        tempfile.gettempdir(), "rampart-sim-keys-%d" % os.getuid())
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def _key(directory, name, role):
    """DIRECTORY/NAME.key, copied from the cache's ROLE.key (made there first if missing)."""
    dest = os.path.join(directory, name + ".key")
    if os.path.exists(dest):
        return dest
    cached = os.path.join(key_cache(), role + ".key")
    if not os.path.exists(cached):
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(cached), suffix=".tmp")
        os.close(fd)
        try:
            _run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", tmp])
            os.chmod(tmp, 0o600)
            os.replace(tmp, cached)  # atomic: parallel simulators never see half a key
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    shutil.copyfile(cached, dest)
    os.chmod(dest, 0o600)
    return dest


def _run(args):
    proc = subprocess.run(["openssl", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (args[0], proc.stderr.strip()))


def _serial():
    return "0x" + secrets.token_hex(8)


def _subject(cn, orgs=()):
    return "".join("/O=%s" % o for o in orgs) + "/CN=%s" % cn


def _write_ext(lines):
    fd, path = tempfile.mkstemp(suffix=".ext")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def make_ca(directory, name, cn):
    """A self-signed CA: NAME.crt / NAME.key. Returns (crt, key)."""
    crt = os.path.join(directory, name + ".crt")
    key = _key(directory, name, name)
    if not os.path.exists(crt):
        _run(["req", "-x509", "-key", key, "-out", crt, "-days", DAYS,
              "-subj", _subject(cn), "-set_serial", _serial(),
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign"])
    return crt, key


def make_leaf(directory, name, ca, cn, orgs=(), server_names=(), client=False, chain=False):
    """A leaf certificate signed by ca=(crt, key): NAME.crt / NAME.key. server_names are DNS
    names or IP addresses (SANs); client makes it a client certificate. With chain, NAME.crt
    holds the leaf followed by the CA (what a kubelet with a self-made CA serves)."""
    crt = os.path.join(directory, name + ".crt")
    key = _key(directory, name, name)
    if os.path.exists(crt):
        return crt, key
    csr = os.path.join(directory, name + ".csr")
    _run(["req", "-new", "-key", key, "-out", csr,
          "-subj", _subject(cn, orgs)])
    ext = ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment",
           "extendedKeyUsage=" + ("clientAuth" if client else "serverAuth")]
    if server_names:
        sans = []
        for n in server_names:
            sans.append(("IP:" if n.replace(".", "").isdigit() or ":" in n else "DNS:") + n)
        ext.append("subjectAltName=" + ",".join(sans))
    ext_file = _write_ext(ext)
    try:
        _run(["x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-set_serial", _serial(),
              "-days", DAYS, "-extfile", ext_file, "-out", crt])
    finally:
        os.unlink(ext_file)
        os.unlink(csr)
    if chain:
        with open(ca[0]) as f:
            ca_pem = f.read()
        with open(crt, "a") as f:
            f.write(ca_pem)
    return crt, key


API_SERVER_NAMES = ("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                    "kubernetes.default.svc.cluster.local", "127.0.0.1", "::1", "10.96.0.1")


def make_pki(directory, kubelet_nodes):
    """The cluster's PKI. kubelet_nodes maps node name -> "self-signed" (the kubelet made its
    own CA, CN "<node>-ca@<unix>", as a kubelet given no certificate does) or "cluster-ca"
    (a serving certificate from the cluster CA, as with serverTLSBootstrap).
    Returns a dict of paths."""
    os.makedirs(directory, exist_ok=True)
    ca = make_ca(directory, "ca", "kubernetes")
    jobs = {
        "apiserver": dict(cn="kube-apiserver", server_names=API_SERVER_NAMES),
        "admin": dict(cn="admin", orgs=("system:masters",), client=True),
        "apiserver-kubelet-client": dict(cn="kube-apiserver-kubelet-client",
                                         orgs=("kubeadm:cluster-admins",), client=True),
    }
    out = {"ca": ca}

    def kubelet_cert(node, style):
        names = (node, "127.0.0.1")
        if style == "self-signed":
            stamp = int(time.time())
            own_ca = make_ca(directory, "kubelet-%s-ca" % node, "%s-ca@%d" % (node, stamp))
            return make_leaf(directory, "kubelet-" + node, own_ca, "%s@%d" % (node, stamp),
                             server_names=names, chain=True)
        return make_leaf(directory, "kubelet-" + node, ca, "system:node:" + node,
                         orgs=("system:nodes",), server_names=names)

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(make_leaf, directory, name, ca, **kw) for name, kw in jobs.items()}
        for node, style in kubelet_nodes.items():
            futures["kubelet:" + node] = pool.submit(kubelet_cert, node, style)
        for name, fut in futures.items():
            out[name] = fut.result()
    return out
