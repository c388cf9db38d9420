"""Simulated secure ports of kube-scheduler and kube-controller-manager (what probe P-8 reaches).

A component whose mirror pod binds beyond loopback (--bind-address absent, i.e. 0.0.0.0, or any
non-loopback address) can be reached from off the node, so the simulator serves it on a free
loopback port and writes that port into the pod's --secure-port, as it does for kubelets. One
bound to 127.0.0.1, ::1 or localhost is not served: from the scanner's vantage point its port is
closed, which is what a real scanner off the node sees.

What it answers, as a component with kubeadm's delegated authentication and authorization:
- /healthz, /livez, /readyz: 200 "ok" (--authorization-always-allow-paths default);
- anything else (/metrics included): the caller is system:anonymous (no credential is checked),
  and 403 `forbidden: User "system:anonymous" cannot get path "/metrics"`.
Its serving certificate is the one a component given no --tls-cert-file makes for itself: issuer
CN `localhost-ca@<unix>`, leaf CN `localhost@<unix>`, chain served. TLS follows the pod's
--tls-cipher-suites and --tls-min-version (absent: Go's defaults).
"""
import json
import threading
import time

import sim_certs
from sim_http import SimHandler, SimServer, go_tls_settings, server_context

COMPONENTS = ("kube-scheduler", "kube-controller-manager")
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
HEALTH_PATHS = ("/healthz", "/livez", "/readyz")


def pod_flags(pod, component):
    """(container, {flag: value}) of a mirror pod's component container (last value wins)."""
    containers = pod.get("spec", {}).get("containers") or [{}]
    c = next((c for c in containers if c.get("name") == component), containers[0])
    flags = {}
    for arg in (c.get("command") or []) + (c.get("args") or []):
        if isinstance(arg, str) and arg.startswith("-"):
            name, _, value = arg.lstrip("-").partition("=")
            flags[name] = value
    return c, flags


def reachable_off_node(flags):
    """True when the component listens beyond loopback (an absent --bind-address is 0.0.0.0)."""
    if flags.get("secure-port") == "0":
        return False
    return flags.get("bind-address", "0.0.0.0") not in LOOPBACK_HOSTS


def set_secure_port(container, port):
    """Replaces (or adds) --secure-port in the container's command or args."""
    for key in ("command", "args"):
        args = container.get(key) or []
        for i, arg in enumerate(args):
            if isinstance(arg, str) and arg.startswith("--secure-port="):
                args[i] = "--secure-port=%d" % port
                return
    container.setdefault("command", []).append("--secure-port=%d" % port)


class Endpoint:
    """One component's secure port."""

    def __init__(self, component, pod_name, flags, cert_dir):
        self.component, self.pod_name = component, pod_name
        stamp = int(time.time())
        ca = sim_certs.make_ca(cert_dir, pod_name + "-ca", "localhost-ca@%d" % stamp)
        cert, key = sim_certs.make_leaf(cert_dir, pod_name, ca, "localhost@%d" % stamp,
                                        server_names=("localhost", "127.0.0.1"), chain=True)
        suites = [x.strip() for x in flags.get("tls-cipher-suites", "").split(",") if x.strip()]
        ciphers, min_version = go_tls_settings(suites, flags.get("tls-min-version"))
        self.server = SimServer(ComponentHandler, server_context(cert, key, ciphers=ciphers, min_version=min_version),
                                app=self)

    @property
    def port(self):
        return self.server.port

    def start(self):
        threading.Thread(target=self.server.serve_forever, name=self.pod_name, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class ComponentHandler(SimHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path in HEALTH_PATHS:
            return self.send_body(200, b"ok", "text/plain; charset=utf-8")
        body = json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                           "message": 'forbidden: User "system:anonymous" cannot get path "%s"' % path,
                           "reason": "Forbidden", "details": {}, "code": 403})
        return self.send_body(403, body.encode(), "application/json")


def start_endpoints(cluster, cert_dir, down_nodes=()):
    """Starts an Endpoint for every scheduler and controller-manager mirror pod reachable off its
    node (and on a node that is not down) and points the pod's --secure-port at it. Returns
    {pod name: Endpoint}."""
    out = {}
    for entry in cluster.objects_unsorted("pods"):
        pod = entry.obj
        component = entry.labels.get("component")
        if entry.ns != "kube-system" or component not in COMPONENTS:
            continue
        if pod.get("spec", {}).get("nodeName") in down_nodes:
            continue
        container, flags = pod_flags(pod, component)
        if not reachable_off_node(flags):
            continue
        ep = Endpoint(component, pod["metadata"]["name"], flags, cert_dir)
        ep.start()
        set_secure_port(container, ep.port)
        out[pod["metadata"]["name"]] = ep
    return out
