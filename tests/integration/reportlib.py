"""Helpers for the report-format tests: run rampart, build inventories from the simulator's
cluster descriptions, and validate every JSON report a test produces against the schema (and OSCAL
documents against NIST's official OSCAL schema).

Python 3 standard library only.
"""
import glob
import json
import os
import subprocess

from jsonschema_lite import validate

BIN = os.environ["RAMPART_BIN"]
SRC = os.environ["RAMPART_SOURCE_DIR"]
KUBEADM_DEMO = os.path.join(SRC, "testdata", "inventories", "kubeadm-demo.json")
KUBEADM_COLLECTED = ("networkpolicies,mutatingwebhookconfigurations,customresourcedefinitions,"
                     "validatingadmissionpolicies,validatingadmissionpolicybindings,certificatesigningrequests,services")

with open(os.path.join(SRC, "docs", "report.schema.json")) as _f:
    REPORT_SCHEMA = json.load(_f)
# NIST's official OSCAL 1.1.2 schema (all models); an assessment-results document must match it
# as a whole. Provenance: testdata/oscal/README.md.
with open(os.path.join(SRC, "testdata", "oscal", "oscal_complete_schema-1.1.2.json")) as _f:
    OSCAL_SCHEMA = json.load(_f)


def run(*args, timeout=120, **kwargs):
    """Runs rampart with no stdin; returns the CompletedProcess (text)."""
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kwargs)


def load_report(path):
    """Reads a JSON report and validates it against docs/report.schema.json."""
    with open(path) as f:
        doc = json.load(f)
    validate(REPORT_SCHEMA, doc)
    return doc


def cluster_inventory(cluster, path):
    """Writes an inventory file for testdata/clusters/CLUSTER exactly as the simulator would
    serve it (objects as a server returns them, Secrets with their data and last-applied
    annotations), plus its kubelet configz and server version. Returns the cluster.json dict."""
    d = os.path.join(SRC, "testdata", "clusters", cluster)
    with open(os.path.join(d, "cluster.json")) as f:
        meta = json.load(f)
    docs = []
    for f in sorted(glob.glob(os.path.join(d, "*.json"))):
        if os.path.basename(f) == "cluster.json":
            continue
        with open(f) as fh:
            docs.append(fh.read())
    for node, spec in sorted(meta.get("nodes", {}).items()):
        configz = spec.get("kubelet", {}).get("configz")
        if not configz:
            continue
        with open(os.path.join(d, configz)) as fh:
            body = json.load(fh)
        docs.append(json.dumps({"apiVersion": "rampart.dev/v1", "kind": "KubeletConfigz", "metadata": {"name": node}, **body}))
    v = meta["version"]
    docs.append(json.dumps({"apiVersion": "rampart.dev/v1", "kind": "ServerVersion", "gitVersion": v["gitVersion"],
                            "platform": v.get("platform", ""), "server": "https://" + meta.get("advertiseAddress", "127.0.0.1:6443"),
                            "context": cluster}))
    with open(path, "w") as f:
        f.write("\n".join(docs))
    return meta
