#!/usr/bin/env python3
"""Writes a big simulated cluster for the benchmark: the demo cluster (control plane, kubelets,
RBAC) plus generated namespaces full of pods, secrets, service accounts, roles, bindings,
network policies and deployments, shaped like a real kube-apiserver serves them (a pod is about
6.7 KB, half of it managedFields).

  gen_cluster.py --out DIR [--scale 0.2]

--scale 1.0 is ARCHITECTURE.md's big cluster: 100k pods, 2k namespaces, 50k secrets, 20k roles,
40k bindings. Python 3 standard library only.
"""
import argparse
import copy
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(os.path.dirname(HERE), "testdata", "clusters", "demo")

FULL = {"namespaces": 2000, "pods": 100000, "secrets": 50000, "roles": 20000, "bindings": 40000}


def fields_v1(obj):
    """A managedFields fieldsV1 set shaped like the object, as the API server records it."""
    if isinstance(obj, dict):
        return {"f:" + k: fields_v1(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return {'k:{"name":"%s"}' % (v.get("name") if isinstance(v, dict) else i): fields_v1(v)
                for i, v in enumerate(obj)}
    return {}


def demo_pod():
    with open(os.path.join(DEMO, "ns-shop.json")) as f:
        items = json.load(f)["items"]
    return next(i for i in items if i["kind"] == "Pod")


def make_pod(template, ns, i):
    pod = copy.deepcopy(template)
    meta = pod["metadata"]
    name = "app-%05d" % i
    pod["metadata"] = {"name": name, "namespace": ns, "creationTimestamp": meta["creationTimestamp"],
                       "labels": {"app.kubernetes.io/name": "app-%d" % (i % 50), "pod-template-hash": "5d8f7c9b4"},
                       "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "app-5d8f7c9b4",
                                            "uid": "00000000-0000-4000-8000-%012d" % i, "controller": True,
                                            "blockOwnerDeletion": True}]}
    pod["spec"]["serviceAccountName"] = pod["spec"]["serviceAccount"] = "default"
    pod["spec"]["volumes"] = [{"name": "tmp", "emptyDir": {}}]
    pod["spec"]["containers"][0]["volumeMounts"] = [{"name": "tmp", "mountPath": "/tmp"}]
    fields = fields_v1({"metadata": pod["metadata"], "spec": pod["spec"]})
    status_fields = fields_v1({"status": pod.get("status", {})})
    pod["metadata"]["managedFields"] = [
        {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
         "time": meta["creationTimestamp"], "fieldsType": "FieldsV1", "fieldsV1": fields},
        {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": meta["creationTimestamp"],
         "fieldsType": "FieldsV1", "fieldsV1": status_fields, "subresource": "status"}]
    return pod


def make_secret(ns, i):
    value = "generated-value-%d" % i
    applied = json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s-%05d" % i, "namespace": ns},
                          "stringData": {"password": value}, "type": "Opaque"}, separators=(",", ":"))
    return {"kind": "Secret", "apiVersion": "v1",
            "metadata": {"name": "s-%05d" % i, "namespace": ns,
                         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": applied + "\n"}},
            "type": "Opaque", "data": {"password": "Z2VuZXJhdGVk", "username": "YWRtaW4="}}


def make_role(ns, i):
    return {"kind": "Role", "apiVersion": "rbac.authorization.k8s.io/v1",
            "metadata": {"name": "role-%05d" % i, "namespace": ns},
            "rules": [{"verbs": ["get", "list", "watch"], "apiGroups": [""], "resources": ["configmaps", "pods"]},
                      {"verbs": ["get"], "apiGroups": ["apps"], "resources": ["deployments"]}]}


def make_binding(ns, i, roles_here):
    role = "role-%05d" % (i % roles_here) if roles_here else "view"
    return {"kind": "RoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
            "metadata": {"name": "rb-%05d" % i, "namespace": ns},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role" if roles_here else "ClusterRole",
                        "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": ns}]}


def spread(total, parts, index):
    """How many of `total` go to part `index` of `parts`, evenly."""
    return total // parts + (1 if index < total % parts else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="cluster directory to write (replaced)")
    ap.add_argument("--scale", type=float, default=0.2, help="fraction of the 100k-pod cluster (default 0.2)")
    args = ap.parse_args()
    sizes = {k: max(1, int(v * args.scale)) for k, v in FULL.items()}
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    shutil.copytree(DEMO, args.out)
    with open(os.path.join(args.out, "cluster.json")) as f:
        cluster = json.load(f)
    cluster["name"] = "bench"
    cluster["description"] = "demo plus generated namespaces: %s" % json.dumps(sizes)
    with open(os.path.join(args.out, "cluster.json"), "w") as f:
        json.dump(cluster, f, indent=1)

    template = demo_pod()
    namespaces = []
    n = sizes["namespaces"]
    for k in range(n):
        ns = "bench-%04d" % k
        namespaces.append({"kind": "Namespace", "apiVersion": "v1",
                           "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
                           "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        items = [{"kind": "ServiceAccount", "apiVersion": "v1", "metadata": {"name": "default", "namespace": ns}},
                 {"kind": "NetworkPolicy", "apiVersion": "networking.k8s.io/v1",
                  "metadata": {"name": "default-deny", "namespace": ns},
                  "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}]
        items += [make_pod(template, ns, i) for i in range(spread(sizes["pods"], n, k))]
        items += [make_secret(ns, i) for i in range(spread(sizes["secrets"], n, k))]
        roles_here = spread(sizes["roles"], n, k)
        items += [make_role(ns, i) for i in range(roles_here)]
        items += [make_binding(ns, i, roles_here) for i in range(spread(sizes["bindings"], n, k))]
        with open(os.path.join(args.out, "ns-%s.json" % ns), "w") as f:
            json.dump({"kind": "List", "items": items}, f, separators=(",", ":"))
    with open(os.path.join(args.out, "bench-namespaces.json"), "w") as f:
        json.dump({"kind": "List", "items": namespaces}, f, separators=(",", ":"))
    sys.stderr.write("gen_cluster: wrote %s: %s\n" % (args.out, json.dumps(sizes)))


if __name__ == "__main__":
    main()
