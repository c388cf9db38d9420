#!/usr/bin/env python3
"""A simulated kubelet: the authenticated HTTPS port (10250) and the read-only HTTP port (10255).

Modes (what an anonymous GET /pods gets):
  anonymous-allow    anonymous on, authorization AlwaysAllow   -> 200 PodList
  anonymous-webhook  anonymous on, authorization Webhook       -> 403 Forbidden (user=system:anonymous, ...)
  anonymous-off      anonymous off, authorization Webhook      -> 401 Unauthorized
Authenticated callers (a client certificate from the cluster CA when the kubelet has a client
CA, or a bearer token when webhook authentication is on) are authorized like kubelet's
Webhook mode asks the API server: get on nodes/<subresource> in identities.json.

k8s_sim.py runs one per node in-process. Standalone:
  kubelet_sim.py --node NAME --mode MODE --port P [--readonly-port R] --configz FILE --state-dir DIR
writes DIR/kubelet-NAME.json ({"node", "port", "readonly_port", "mode", "pid", "cert"}) when ready.
"""
import argparse
import json
import os
import signal
import ssl
import sys
import threading
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sim_certs  # noqa: E402
from sim_auth import Authority  # noqa: E402
from sim_http import SimHandler, SimServer, go_tls_settings, server_context  # noqa: E402

MODES = ("anonymous-allow", "anonymous-webhook", "anonymous-off")

def mode_of(cfg):
    """The mode a kubeletconfig implies."""
    anon = cfg.get("authentication", {}).get("anonymous", {}).get("enabled", False)
    authz = cfg.get("authorization", {}).get("mode", "AlwaysAllow")
    if not anon:
        return "anonymous-off"
    return "anonymous-allow" if authz == "AlwaysAllow" else "anonymous-webhook"


def cert_style(cfg):
    """A kubelet with neither serving files nor serverTLSBootstrap makes its own CA."""
    if cfg.get("tlsCertFile") or cfg.get("serverTLSBootstrap"):
        return "cluster-ca"
    return "self-signed"


def tls_context(cfg, cert, key, client_ca):
    """TLS as the kubelet's configz says: tlsCipherSuites, tlsMinVersion, x509.clientCAFile."""
    ciphers, min_version = go_tls_settings(cfg.get("tlsCipherSuites"), cfg.get("tlsMinVersion"))
    verify = client_ca if cfg.get("authentication", {}).get("x509", {}).get("clientCAFile") else None
    return server_context(cert, key, client_ca=verify, ciphers=ciphers, min_version=min_version)


def subresource_of(path):
    """kubelet's server/auth.go: which nodes/<subresource> a path is authorized as."""
    for prefix, sub in (("/stats", "stats"), ("/metrics", "metrics"), ("/logs", "log")):
        if path == prefix or path.startswith(prefix + "/"):
            return sub
    return "proxy"


class Kubelet:
    """One node's kubelet: its settings and the servers it runs."""

    def __init__(self, node, mode, configz, pods, authority, cert, key, client_ca=None,
                 version="v1.32.4"):
        if mode not in MODES:
            raise ValueError("kubelet mode must be one of " + ", ".join(MODES))
        self.node, self.mode, self.configz, self.pods = node, mode, configz, pods
        self.authority = authority
        self.version = version
        cfg = configz.get("kubeletconfig", {})
        self.webhook_authn = cfg.get("authentication", {}).get("webhook", {}).get("enabled", False)
        self.ssl_context = tls_context(cfg, cert, key, client_ca)
        self.servers = []

    def start(self, port=0, readonly_port=None):
        """Starts the servers; returns (port, readonly_port or None)."""
        main = SimServer(KubeletHandler, self.ssl_context, port=port, app=self)
        self.servers.append(main)
        ro = None
        if readonly_port is not None:
            ro = SimServer(ReadOnlyHandler, None, port=readonly_port, app=self)
            self.servers.append(ro)
        for s in self.servers:
            threading.Thread(target=s.serve_forever, name="kubelet-" + self.node, daemon=True).start()
        return main.port, (ro.port if ro else None)

    def stop(self):
        for s in self.servers:
            s.shutdown()
            s.server_close()

    def pod_list(self):
        items = [{k: v for k, v in p.items() if k not in ("kind", "apiVersion")} for p in self.pods]
        return {"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": items}

    def metrics(self):
        return ("# HELP kubelet_running_pods [ALPHA] Number of pods that have a running pod sandbox\n"
                "# TYPE kubelet_running_pods gauge\nkubelet_running_pods %d\n"
                "# HELP kubernetes_build_info [ALPHA] A metric with a constant '1' value labeled by "
                "major, minor, git version, git commit, git tree state, build date, Go version, and "
                "compiler from which Kubernetes was built, and platform on which it is running.\n"
                "# TYPE kubernetes_build_info gauge\n"
                'kubernetes_build_info{git_version="%s",platform="linux/amd64"} 1\n'
                % (len(self.pods), self.version))


class KubeletHandler(SimHandler):
    server_version = ""

    def do_GET(self):
        kl = self.server.app
        path = urlsplit(self.path).path
        try:
            self.read_body()  # drained so keep-alive stays in step (see sim_api.dispatch)
        except ValueError:
            self.close_connection = True
        user = self.authenticate(kl)
        if user is None:
            # go-restful's WriteErrorString: no trailing newline (Content-Length: 12)
            return self.send_body(401, "Unauthorized", "text/plain; charset=utf-8")
        sub = subresource_of(path)
        verb = {"GET": "get", "HEAD": "get", "POST": "create", "PUT": "update", "PATCH": "patch",
                "DELETE": "delete"}.get(self.command, self.command.lower())
        if kl.mode != "anonymous-allow" and not (kl.authority and kl.authority.allowed(
                user, {"verb": verb, "group": "", "resource": "nodes", "subresource": sub,
                       "name": kl.node})):
            msg = "Forbidden (user=%s, verb=%s, resource=nodes, subresource=%s)" % (user.name, verb, sub)
            return self.send_body(403, msg, "text/plain; charset=utf-8")
        serve(self, kl, path)

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def authenticate(self, kl):
        """x509 (when the kubelet has a client CA), bearer token (when webhook authentication
        is on), then anonymous (when enabled). A rejected credential is 401."""
        from sim_auth import User
        cert = self.peer_certificate()
        if cert and kl.authority:
            user, _ = kl.authority.authenticate(cert, None)
            return user
        auth = self.headers.get("Authorization")
        if auth and kl.webhook_authn and kl.authority:
            user, _ = kl.authority.authenticate(None, auth)
            return user
        if kl.mode == "anonymous-off":
            return None
        return User("system:anonymous", ["system:unauthenticated"], "system:anonymous", [])


class ReadOnlyHandler(SimHandler):
    server_version = ""

    def do_GET(self):
        path = urlsplit(self.path).path
        serve(self, self.server.app, path, readonly=True)


def serve(handler, kl, path, readonly=False):
    if path in ("/healthz", "/healthz/"):
        return handler.send_body(200, "ok", "text/plain; charset=utf-8")
    if path in ("/pods", "/pods/"):
        return handler.send_json(200, kl.pod_list())
    if path == "/metrics":
        return handler.send_body(200, kl.metrics(), "text/plain; version=0.0.4; charset=utf-8")
    if path == "/configz" and not readonly:
        return handler.send_json(200, kl.configz)
    if path in ("/spec", "/spec/") and readonly:
        return handler.send_json(200, {"num_cores": 2, "memory_capacity": 8 * 1024 ** 3})
    return handler.send_body(404, "404 page not found\n", "text/plain; charset=utf-8")


def main(argv=None):
    p = argparse.ArgumentParser(description="Simulated kubelet (tests only).")
    p.add_argument("--node", default="node-1")
    p.add_argument("--mode", choices=MODES, required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--readonly-port", type=int, default=None)
    p.add_argument("--configz", required=True, help='JSON file {"kubeletconfig": {...}}')
    p.add_argument("--state-dir", required=True)
    p.add_argument("--pods", help="JSON PodList or array of pods served on /pods")
    p.add_argument("--cert-style", choices=("self-signed", "cluster-ca"),
                   help="default: what the configz implies")
    p.add_argument("--identities", help="identities.json (default: the simulator's)")
    p.add_argument("--tokens", help='JSON {"TOKEN": "identity"} accepted as bearer tokens')
    args = p.parse_args(argv)
    try:
        with open(args.configz) as f:
            configz = json.load(f)
        pods = []
        if args.pods:
            with open(args.pods) as f:
                data = json.load(f)
            pods = data.get("items", []) if isinstance(data, dict) else data
        tokens = None
        if args.tokens:
            with open(args.tokens) as f:
                tokens = json.load(f)
        os.makedirs(args.state_dir, exist_ok=True)
        cfg = configz.get("kubeletconfig", {})
        style = args.cert_style or cert_style(cfg)
        pki = sim_certs.make_pki(os.path.join(args.state_dir, "pki"), {args.node: style})
        authority = Authority(args.identities, "off", tokens=tokens or {})
        cert, key = pki["kubelet:" + args.node]
        kl = Kubelet(args.node, args.mode, configz, pods, authority, cert, key, client_ca=pki["ca"][0])
        port, ro = kl.start(args.port, args.readonly_port)
    except (OSError, ValueError, RuntimeError, ssl.SSLError) as e:
        print("kubelet_sim: %s" % e, file=sys.stderr)
        return 2
    ready = {"node": args.node, "port": port, "readonly_port": ro, "mode": args.mode,
             "pid": os.getpid(), "cert": style, "ca": pki["ca"][0]}
    path = os.path.join(args.state_dir, "kubelet-%s.json" % args.node)
    with open(path + ".tmp", "w") as f:
        json.dump(ready, f, indent=2)
    os.replace(path + ".tmp", path)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    kl.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
