#!/usr/bin/env python3
"""Benchmark of collection against the cluster simulator (not a ctest test).

Generates a big cluster (gen_cluster.py), starts the simulator on it with a fixed server cost per
list page (a fault adding --latency-ms to every list request, ARCHITECTURE.md's ~40 ms) and
kube-apiserver's gzip threshold (128 KiB), then measures with /usr/bin/time -v (wall time and
peak RSS):

  - `rampart inventory -o json` for each --chunk-sizes value (the default chunk size is chosen
    from this);
  - `kubectl get KINDS -A -o json` of the same kinds (secrets excluded: kubectl would ask for
    values, which the simulator refuses);
  - a raw download of the same lists, page by page, with curl (curl_pages.sh), sequentially.

  bench/run.py [--scale 0.2] [--latency-ms 40] [--chunk-sizes 250,500,1000,2000]
               [--rampart build/rampart] [--skip-kubectl] [--out bench/results.md]

Prints a Markdown table (and writes it to --out).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from simlib import start_sim  # noqa: E402

# What is compared: every list rampart makes, kubectl's names for them, and their paths.
LISTS = [
    ("namespaces", "/api/v1/namespaces"),
    ("pods", "/api/v1/pods"),
    ("serviceaccounts", "/api/v1/serviceaccounts"),
    ("roles.rbac.authorization.k8s.io", "/apis/rbac.authorization.k8s.io/v1/roles"),
    ("clusterroles.rbac.authorization.k8s.io", "/apis/rbac.authorization.k8s.io/v1/clusterroles"),
    ("rolebindings.rbac.authorization.k8s.io", "/apis/rbac.authorization.k8s.io/v1/rolebindings"),
    ("clusterrolebindings.rbac.authorization.k8s.io", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"),
    ("networkpolicies.networking.k8s.io", "/apis/networking.k8s.io/v1/networkpolicies"),
    ("nodes", "/api/v1/nodes"),
    ("validatingwebhookconfigurations.admissionregistration.k8s.io",
     "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations"),
    ("mutatingwebhookconfigurations.admissionregistration.k8s.io",
     "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"),
    ("daemonsets.apps", "/apis/apps/v1/daemonsets"),
    ("deployments.apps", "/apis/apps/v1/deployments"),
    ("customresourcedefinitions.apiextensions.k8s.io", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"),
]

# Every list request, cluster-wide or per namespace; not discovery, not the node proxy.
LIST_PATH_RE = (r"^/api/v1/[a-z]+$|^/api/v1/namespaces/[^/]+/[a-z]+$|"
                r"^/apis/[^/]+/[^/]+/[a-z]+$|^/apis/[^/]+/[^/]+/namespaces/[^/]+/[a-z]+$")


def timed(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs cmd under /usr/bin/time -v: (seconds, peak RSS in MiB, returncode, stderr tail)."""
    full = ["/usr/bin/time", "-v"] + cmd
    start = time.monotonic()
    proc = subprocess.run(full, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env)
    wall = time.monotonic() - start
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    tail = "\n".join(l for l in proc.stderr.splitlines() if not l.startswith("\t"))[-400:]
    return wall, (int(rss.group(1)) / 1024 if rss else float("nan")), proc.returncode, tail


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.2)
    ap.add_argument("--latency-ms", type=int, default=40)
    ap.add_argument("--chunk-sizes", default="250,500,1000,2000")
    ap.add_argument("--rampart", default=os.path.join(ROOT, "build", "rampart"))
    ap.add_argument("--skip-kubectl", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is kept")
    ap.add_argument("--out", default=None, help="also write the table here")
    args = ap.parse_args()
    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("bench: /usr/bin/time is missing (Debian package 'time')")

    work = tempfile.mkdtemp(prefix="rampart-bench-")
    cluster = os.path.join(work, "cluster")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_cluster.py"), "--out", cluster,
                    "--scale", str(args.scale)], check=True)
    rows = []
    os.makedirs(os.path.join(work, "sim"))
    try:
        with start_sim(cluster, state_dir=os.path.join(work, "sim"), gzip_min_bytes=131072, no_kubelets=True) as sim:
            if args.latency_ms:
                sim.faults({"path": LIST_PATH_RE, "latency_ms": args.latency_ms})
            kubeconfig = sim.kubeconfig("token")

            def measure(label, cmd, env=None, note=""):
                best = None
                for _ in range(args.repeat):
                    sim.stats(reset=True)
                    wall, rss, rc, tail = timed(cmd, env=env)
                    if rc != 0:
                        sys.exit("bench: %s failed (%d):\n%s" % (label, rc, tail))
                    stats = sim.stats()
                    result = (wall, rss, stats["requests"], stats["bytes_sent"])
                    if best is None or result[0] < best[0]:
                        best = result
                rows.append((label, best[0], best[1], best[2], best[3] / 2**20, note))
                sys.stderr.write("bench: %-40s %7.2f s %8.1f MiB %6d requests\n" % (label, best[0], best[1], best[2]))

            for chunk in [int(c) for c in args.chunk_sizes.split(",") if c]:
                measure("rampart inventory --chunk-size %d" % chunk,
                        [args.rampart, "inventory", "--kubeconfig", kubeconfig, "-o", "json",
                         "--chunk-size", str(chunk)])
            if not args.skip_kubectl and shutil.which("kubectl"):
                kinds = ",".join(k for k, _ in LISTS)
                measure("kubectl get -A -o json (no secrets)",
                        ["kubectl", "--kubeconfig", kubeconfig, "--cache-dir", os.path.join(work, "kcache"),
                         "--request-timeout=600s", "get", kinds, "-A", "-o", "json"])
            env = dict(os.environ, SERVER=sim.server, CA=sim.ca, TOKEN=sim.token("token"), LIMIT="500")
            measure("curl, raw pages of 500 (no secrets)",
                    ["bash", os.path.join(HERE, "curl_pages.sh")] + [p for _, p in LISTS], env=env,
                    note="download only, no parsing")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    sizes = {k: int(v * args.scale) for k, v in
             {"namespaces": 2000, "pods": 100000, "secrets": 50000, "roles": 20000, "bindings": 40000}.items()}
    lines = ["Cluster: scale %.2f (%s), %d ms per list page." % (args.scale, ", ".join(
        "%d %s" % (v, k) for k, v in sizes.items()), args.latency_ms), "",
        "| command | wall s | peak RSS MiB | requests | MiB sent | note |",
        "|---|---:|---:|---:|---:|---|"]
    for label, wall, rss, requests, mib, note in rows:
        lines.append("| %s | %.2f | %.1f | %d | %.1f | %s |" % (label, wall, rss, requests, mib, note))
    table = "\n".join(lines) + "\n"
    sys.stdout.write(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table)


if __name__ == "__main__":
    main()
