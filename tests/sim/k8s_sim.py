#!/usr/bin/env python3
"""A simulated Kubernetes cluster for tests: an HTTPS kube-apiserver on 127.0.0.1 serving a
cluster described in testdata/clusters/NAME, plus one simulated kubelet per node.

  k8s_sim.py --cluster testdata/clusters/demo --state-dir DIR [--port 0] [--no-kubelets]
             [--anonymous {off,forbidden,allowed,read}]

Writes into DIR: pki/ (ca.crt is also copied to DIR/ca.crt), one kubeconfig per identity,
requests.jsonl, secret-violations.jsonl and, last, ready.json. SIGTERM or SIGINT stops it.
Documented in tests/sim/README.md.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import component_sim  # noqa: E402
import kubelet_sim  # noqa: E402
import sim_certs  # noqa: E402
from sim_api import ApiApp, ApiHandler  # noqa: E402
from sim_auth import ANONYMOUS_MODES, Authority  # noqa: E402
from sim_cluster import Cluster, ClusterError  # noqa: E402
from sim_http import SimServer, go_tls_settings, server_context  # noqa: E402
from sim_scale import parse_scale  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
LOOPBACK = "127.0.0.1"


# ------------------------------------------------------------------ kubeconfig files (YAML)

def _scalar(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(str(v))  # a JSON string is a valid YAML double-quoted scalar


def to_yaml(obj, indent=0):
    """Block-style YAML for dicts, lists and scalars, laid out as kubectl writes kubeconfigs."""
    pad = "  " * indent
    lines = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict) and v:
                lines.append("%s%s:" % (pad, k))
                lines.extend(to_yaml(v, indent + 1))
            elif isinstance(v, list) and v:
                lines.append("%s%s:" % (pad, k))
                lines.extend(to_yaml(v, indent))
            else:
                lines.append("%s%s: %s" % (pad, k, "{}" if v == {} else "[]" if v == [] else _scalar(v)))
    elif isinstance(obj, list):
        for item in obj:
            if isinstance(item, dict) and item:
                sub = to_yaml(item, indent + 1)
                sub[0] = pad + "- " + sub[0].lstrip()
                lines.extend(sub)
            else:
                lines.append("%s- %s" % (pad, _scalar(item)))
    return lines


def write_kubeconfig(path, cluster_name, server, ca, user_name, user, embed_ca=True):
    import base64
    if embed_ca:
        with open(ca, "rb") as f:
            cluster = {"certificate-authority-data": base64.b64encode(f.read()).decode(), "server": server}
    else:
        cluster = {"certificate-authority": ca, "server": server}
    ctx_name = "%s@%s" % (user_name, cluster_name)
    doc = {"apiVersion": "v1", "kind": "Config",
           "clusters": [{"cluster": cluster, "name": cluster_name}],
           "contexts": [{"context": {"cluster": cluster_name, "user": user_name}, "name": ctx_name}],
           "current-context": ctx_name, "preferences": {},
           "users": [{"name": user_name, "user": user}]}
    with open(path, "w") as f:
        f.write("\n".join(to_yaml(doc)) + "\n")
    os.chmod(path, 0o600)
    return path


def _b64file(path):
    import base64
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode()


def write_kubeconfigs(state, cluster_name, server, pki, authority):
    ca = os.path.join(state, "ca.crt")
    admin_crt, admin_key = pki["admin"]
    out = {}
    out["admin"] = write_kubeconfig(os.path.join(state, "admin.kubeconfig"), cluster_name, server, ca,
                                    "admin", {"client-certificate-data": _b64file(admin_crt),
                                              "client-key-data": _b64file(admin_key)})
    out["admin-files"] = write_kubeconfig(os.path.join(state, "admin-files.kubeconfig"), cluster_name,
                                          server, ca, "admin", {"client-certificate": admin_crt,
                                                                "client-key": admin_key}, embed_ca=False)
    for ident in ("token", "limited", "nosecrets"):
        out[ident] = write_kubeconfig(os.path.join(state, ident + ".kubeconfig"), cluster_name, server,
                                      ca, ident, {"token": authority.token_of(ident)},
                                      embed_ca=(ident != "token"))
    token_file = os.path.join(state, "token.token")
    with open(token_file, "w") as f:
        f.write(authority.token_of("token") + "\n")
    os.chmod(token_file, 0o600)
    out["token-file"] = write_kubeconfig(os.path.join(state, "token-file.kubeconfig"), cluster_name,
                                         server, ca, "token", {"tokenFile": token_file})
    exec_token = os.path.join(state, "exec.token")
    with open(exec_token, "w") as f:
        f.write(authority.token_of("exec") + "\n")
    os.chmod(exec_token, 0o600)
    out["exec"] = write_kubeconfig(os.path.join(state, "exec.kubeconfig"), cluster_name, server, ca, "exec", {
        "exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable,
                 "args": [os.path.join(HERE, "exec_credential.py"), "--token-file", exec_token],
                 "env": [{"name": "SIM_EXEC_LOG", "value": os.path.join(state, "exec-calls.log")}],
                 "interactiveMode": "Never", "provideClusterInfo": False}})
    out["anonymous"] = write_kubeconfig(os.path.join(state, "anonymous.kubeconfig"), cluster_name,
                                        server, ca, "anonymous", {})
    return out


def write_service_account_dirs(state, authority):
    """For each "serviceaccount" identity, what Kubernetes mounts into a pod running as it, at
    /var/run/secrets/kubernetes.io/serviceaccount: token, ca.crt and namespace."""
    out = {}
    for ident, spec in sorted(authority.identities.items()):
        if spec.get("credential") != "serviceaccount":
            continue
        root = os.path.join(state, "serviceaccounts", ident)
        os.makedirs(root, exist_ok=True)
        shutil.copyfile(os.path.join(state, "ca.crt"), os.path.join(root, "ca.crt"))
        for name, text in (("token", authority.token_of(ident)), ("namespace", spec["user"].split(":")[2])):
            with open(os.path.join(root, name), "w") as f:
                f.write(text)  # no newline, as the kubelet writes them
        os.chmod(os.path.join(root, "token"), 0o600)
        out[ident] = root
    return out


# ------------------------------------------------------------------ rewriting the cluster

def closed_port():
    """A loopback port nothing listens on (connections are refused)."""
    s = socket.socket()
    s.bind((LOOPBACK, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rewrite_nodes(cluster, kubelets):
    """Points every Node at its simulated kubelet: InternalIP 127.0.0.1, the kubelet's real port.
    Unreachable nodes report Ready=Unknown and carry the unreachable taints."""
    for entry in cluster.objects_unsorted("nodes"):
        node = entry.obj
        name = node["metadata"]["name"]
        kl = kubelets.get(name, {})
        status = node.setdefault("status", {})
        addrs = [a for a in status.get("addresses", []) if a.get("type") not in ("InternalIP", "ExternalIP")]
        status["addresses"] = [{"type": "InternalIP", "address": LOOPBACK}] + addrs
        status.setdefault("daemonEndpoints", {}).setdefault("kubeletEndpoint", {})["Port"] = kl.get("port") or 10250
        if kl.get("mode") == "unreachable":
            for c in status.get("conditions", []):
                if c.get("type") in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
                    c["status"] = "Unknown"
                    c["reason"] = "NodeStatusUnknown"
                    c["message"] = "Kubelet stopped posting node status."
            taints = node.setdefault("spec", {}).setdefault("taints", [])
            for effect in ("NoSchedule", "NoExecute"):
                taints.append({"key": "node.kubernetes.io/unreachable", "effect": effect,
                               "timeAdded": cluster.created})


def rewrite_pods(cluster):
    for entry in cluster.objects_unsorted("pods"):
        pod = entry.obj
        if not pod.get("spec", {}).get("nodeName"):
            continue
        status = pod.setdefault("status", {})
        old_ip = status.get("hostIP")
        status["hostIP"] = LOOPBACK
        status["hostIPs"] = [{"ip": LOOPBACK}]
        if pod["spec"].get("hostNetwork"):
            status["podIP"] = LOOPBACK
            status["podIPs"] = [{"ip": LOOPBACK}]
            # Host-network pods (the control-plane mirror pods) name their node's address in
            # their flags (etcd --listen-client-urls, --advertise-address...). The node now lives
            # at 127.0.0.1, so must they: a probe of a discovered URL then reaches loopback,
            # where nothing listens unless a test starts it, instead of whatever the machine's
            # network does with 10.0.0.x (a timeout on one machine, a proxy's 404 on another).
            if old_ip and old_ip != LOOPBACK:
                for c in pod["spec"].get("containers", []) + pod["spec"].get("initContainers", []):
                    for key in ("command", "args"):
                        if isinstance(c.get(key), list):
                            c[key] = [a.replace(old_ip, LOOPBACK) if isinstance(a, str) else a for a in c[key]]


def rewrite_api_endpoints(cluster, port):
    """default/kubernetes Endpoints and EndpointSlice name the simulator itself."""
    ep = cluster.get("endpoints", "default", "kubernetes")
    if ep:
        ep.obj["subsets"] = [{"addresses": [{"ip": LOOPBACK}],
                              "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}]
    sl = cluster.get("endpointslices", "default", "kubernetes")
    if sl:
        sl.obj["endpoints"] = [{"addresses": [LOOPBACK], "conditions": {"ready": True}}]
        sl.obj["ports"] = [{"name": "https", "port": port, "protocol": "TCP"}]


# ------------------------------------------------------------------ main

def parse_args(argv):
    p = argparse.ArgumentParser(description="Simulated Kubernetes API server and kubelets (tests only).")
    p.add_argument("--cluster", required=True,
                   help="cluster directory, or a name under testdata/clusters/")
    p.add_argument("--state-dir", required=True)
    p.add_argument("--port", type=int, default=0, help="API server port (0: a free port)")
    p.add_argument("--no-kubelets", action="store_true",
                   help="start no kubelets; nodes/NAME/proxy/configz is answered from the cluster data")
    p.add_argument("--anonymous", choices=ANONYMOUS_MODES,
                   help='anonymous requests (default: cluster.json "anonymous", else off)')
    p.add_argument("--continue-ttl", type=float, default=300.0,
                   help="seconds a continue token stays valid (default 300, like etcd compaction)")
    p.add_argument("--gzip-min-bytes", type=int, default=0,
                   help="gzip responses of at least this size when the client accepts gzip "
                        "(default 0: always; kube-apiserver uses 131072)")
    p.add_argument("--allow-secret-values-for-kubectl", action="store_true",
                   help="serve full Secrets (still recorded in secret-violations.jsonl); only for "
                        "kubectl cross-checks that cannot ask for metadata")
    p.add_argument("--unreachable-node", action="append", default=[],
                   help="start no kubelet for this node and report it unreachable (repeatable)")
    p.add_argument("--identities", help="identities file (default tests/sim/identities.json)")
    p.add_argument("--scale", action="append", default=[], metavar="NAMESPACE=COPIES",
                   help="also serve COPIES virtual copies of a namespace, named NAMESPACE-00001... "
                        "(repeatable; for large-cluster benchmarks)")
    return p.parse_args(argv)


def resolve_cluster(name):
    if os.path.isdir(name):
        return name
    candidate = os.path.join(REPO, "testdata", "clusters", name)
    return candidate if os.path.isdir(candidate) else name


class Simulator:
    def __init__(self, args):
        self.args = args
        self.kubelet_objs = []
        self.components = {}
        self.api = None

    def start(self):
        args = self.args
        state = os.path.abspath(args.state_dir)
        os.makedirs(state, exist_ok=True)
        for stale in ("ready.json", "requests.jsonl", "secret-violations.jsonl"):
            if os.path.exists(os.path.join(state, stale)):
                os.unlink(os.path.join(state, stale))
        cluster = Cluster(resolve_cluster(args.cluster))
        node_specs = cluster.nodes()
        for n in args.unreachable_node:
            if n not in node_specs:
                raise ClusterError("--unreachable-node %s: no such node in cluster.json" % n)
        plan = {}  # node -> (mode, cert style, reachable)
        for node, spec in node_specs.items():
            cfg = cluster.kubelet_configs.get(node, {}).get("kubeletconfig", {})
            mode = spec.get("kubelet", {}).get("mode") or kubelet_sim.mode_of(cfg)
            if mode not in kubelet_sim.MODES:
                raise ClusterError("node %s: kubelet mode %r is not one of %s" % (node, mode, ", ".join(kubelet_sim.MODES)))
            if cfg and kubelet_sim.mode_of(cfg) != mode:
                raise ClusterError("node %s: cluster.json says kubelet mode %s but its configz implies %s"
                                   % (node, mode, kubelet_sim.mode_of(cfg)))
            reachable = spec.get("reachable", True) and node not in args.unreachable_node
            plan[node] = (mode, kubelet_sim.cert_style(cfg), reachable)
        pki = sim_certs.make_pki(os.path.join(state, "pki"),
                                 {n: p[1] for n, p in plan.items() if p[2] and not args.no_kubelets})
        shutil.copyfile(pki["ca"][0], os.path.join(state, "ca.crt"))
        anonymous = args.anonymous or cluster.settings.get("anonymous", "off")
        authority = Authority(args.identities, anonymous)

        kubelets = {}
        version = cluster.version()["gitVersion"]
        for node, (mode, style, reachable) in plan.items():
            cfgdoc = cluster.kubelet_configs.get(node, {"kubeletconfig": {}})
            if not reachable:
                kubelets[node] = {"port": closed_port(), "readonly_port": None, "mode": "unreachable",
                                  "cert": None}
                continue
            if args.no_kubelets:
                kubelets[node] = {"port": None, "readonly_port": None, "mode": "none", "cert": None}
                continue
            pods = [e.obj for e in cluster.objects_unsorted("pods") if e.obj.get("spec", {}).get("nodeName") == node]
            cert, key = pki["kubelet:" + node]
            kl = kubelet_sim.Kubelet(node, mode, cfgdoc, pods, authority, cert, key,
                                     client_ca=pki["ca"][0], version=version)
            ro_wanted = int(cfgdoc["kubeletconfig"].get("readOnlyPort", 0) or 0) > 0
            port, ro = kl.start(0, 0 if ro_wanted else None)
            # configz reports the ports the simulated kubelet really listens on
            cfgdoc["kubeletconfig"]["port"] = port
            if ro:
                cfgdoc["kubeletconfig"]["readOnlyPort"] = ro
            self.kubelet_objs.append(kl)
            kubelets[node] = {"port": port, "readonly_port": ro, "mode": mode, "cert": style}
        rewrite_nodes(cluster, kubelets)
        rewrite_pods(cluster)
        down = {n for n, p in plan.items() if not p[2]}
        self.components = component_sim.start_endpoints(cluster, os.path.join(state, "pki"), down)

        app = ApiApp(cluster, authority, state, kubelets, pki["apiserver-kubelet-client"],
                     continue_ttl=args.continue_ttl, gzip_min_bytes=args.gzip_min_bytes,
                     allow_secret_values=args.allow_secret_values_for_kubectl)
        # TLS as the kube-apiserver mirror pod's --tls-cipher-suites/--tls-min-version say
        flags = cluster.component_flags("kube-apiserver") or {}
        suites = [x.strip() for x in flags.get("tls-cipher-suites", "").split(",") if x.strip()]
        ciphers, min_version = go_tls_settings(suites, flags.get("tls-min-version"))
        ctx = server_context(*pki["apiserver"], client_ca=pki["ca"][0], ciphers=ciphers,
                             min_version=min_version)
        self.api = SimServer(ApiHandler, ctx, port=args.port, app=app)
        rewrite_api_endpoints(cluster, self.api.port)
        if args.no_kubelets:
            app.configz_from_data = {n: c for n, c in cluster.kubelet_configs.items()}
        cluster.finish()
        cluster.add_scale(parse_scale(args.scale))
        server = "https://%s:%d" % (LOOPBACK, self.api.port)
        kubeconfigs = write_kubeconfigs(state, cluster.name, server, pki, authority)
        service_accounts = write_service_account_dirs(state, authority)
        ready = {
            "server": server, "pid": os.getpid(), "ca": os.path.join(state, "ca.crt"),
            "cluster": cluster.name, "cluster_dir": cluster.directory, "state_dir": state,
            "version": version, "anonymous": anonymous,
            "scale": {t.namespace: {"copies": t.copies, "first": t.first, "last": t.last} for t in cluster.templates},
            "kubeconfigs": kubeconfigs,
            "service_accounts": service_accounts,
            "tokens": {name: authority.token_of(name) for name in sorted(set(authority.tokens.values()))},
            "client_certs": {"admin": {"cert": pki["admin"][0], "key": pki["admin"][1]}},
            "kubelets": {n: {"port": k["port"], "readonly_port": k["readonly_port"], "mode": k["mode"],
                             "address": LOOPBACK, "cert": k["cert"]} for n, k in sorted(kubelets.items())},
            "components": {name: {"component": ep.component, "port": ep.port, "address": LOOPBACK}
                           for name, ep in sorted(self.components.items())},
            "logs": {"requests": os.path.join(state, "requests.jsonl"),
                     "secret_violations": os.path.join(state, "secret-violations.jsonl")},
        }
        path = os.path.join(state, "ready.json")
        with open(path + ".tmp", "w") as f:
            json.dump(ready, f, indent=2, sort_keys=True)
        os.replace(path + ".tmp", path)
        return ready

    def serve(self):
        self.api.serve_forever(poll_interval=0.2)

    def stop(self):
        if self.api:
            threading.Thread(target=self.api.shutdown, daemon=True).start()
        for kl in self.kubelet_objs:
            kl.stop()
        for ep in self.components.values():
            ep.stop()


def main(argv=None):
    args = parse_args(argv)
    sim = Simulator(args)
    try:
        ready = sim.start()
    except (ClusterError, OSError, RuntimeError, ValueError, KeyError, TypeError) as e:
        # bad data or environment: one line, no traceback (KeyError/TypeError: a malformed
        # identities file or cluster.json)
        print("k8s_sim: %s%s" % ("missing key " if isinstance(e, KeyError) else "", e), file=sys.stderr)
        sim.stop()
        return 2
    print("k8s_sim: cluster %s at %s; kubeconfigs and logs in %s" % (
        ready["cluster"], ready["server"], ready["state_dir"]), file=sys.stderr, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sim.stop())
    signal.signal(signal.SIGINT, lambda *_: sim.stop())
    sim.serve()
    # Skip tearing down a large object store object by object: the logs are line-buffered
    # and flushed, nothing else needs an orderly exit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
