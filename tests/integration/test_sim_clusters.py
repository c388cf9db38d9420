"""The simulated clusters are consistent, and say what testdata/clusters/README.md says they say.

Reads the JSON directly (no server): references resolve, every Secret holds the canary, the
demo cluster has its documented mistakes and the hardened cluster meets the pass conditions of
the automatable CIS controls that depend on its data alone.
"""
import base64
import json
import os
import sys
import unittest

from simlib import CLUSTERS, SOURCE_DIR

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "sim"))
from sim_cluster import Cluster  # noqa: E402

CANARY = "CANARY-4c1d9e"
SYSTEM_NS = {"kube-system", "kube-public", "kube-node-lease"}


def load(name):
    c = Cluster(os.path.join(CLUSTERS, name))
    c.finish()
    return c


def objs(c, plural, ns=None):
    return [e.obj for e in c.objects(plural) if ns is None or e.ns == ns]


def mirror(pod):
    return "kubernetes.io/config.mirror" in pod["metadata"].get("annotations", {})


def containers(pod):
    spec = pod["spec"]
    return spec.get("initContainers", []) + spec["containers"] + spec.get("ephemeralContainers", [])


def flags(c, component):
    return c.component_flags(component)


def is_bootstrap(o):
    return o["metadata"].get("annotations", {}).get("rbac.authorization.kubernetes.io/autoupdate") == "true"


class BothClusters(unittest.TestCase):
    def test_references_resolve(self):
        for name in ("demo", "hardened"):
            c = load(name)
            with self.subTest(cluster=name):
                uids = {e.obj["metadata"]["uid"]: e.obj for p in c.sorted for e in c.sorted[p]}
                for plural in c.sorted:
                    for e in c.sorted[plural]:
                        for ref in e.obj["metadata"].get("ownerReferences", []):
                            owner = uids.get(ref["uid"])
                            self.assertIsNotNone(owner, "%s %s: owner %s missing" % (plural, e.key, ref["name"]))
                            self.assertEqual((owner["kind"], owner["metadata"]["name"]), (ref["kind"], ref["name"]))
                sas = {(o["metadata"]["namespace"], o["metadata"]["name"]) for o in objs(c, "serviceaccounts")}
                secrets = {(o["metadata"]["namespace"], o["metadata"]["name"]) for o in objs(c, "secrets")}
                cms = {(o["metadata"]["namespace"], o["metadata"]["name"]) for o in objs(c, "configmaps")}
                for pod in objs(c, "pods"):
                    ns = pod["metadata"]["namespace"]
                    if not mirror(pod):
                        self.assertIn((ns, pod["spec"]["serviceAccountName"]), sas, pod["metadata"]["name"])
                    self.assertIn(pod["spec"]["nodeName"], c.nodes())
                    for v in pod["spec"].get("volumes", []):
                        if "secret" in v:
                            self.assertIn((ns, v["secret"]["secretName"]), secrets)
                        if "configMap" in v:
                            self.assertIn((ns, v["configMap"]["name"]), cms)
                    for ct in containers(pod):
                        for env in ct.get("env", []):
                            ref = env.get("valueFrom", {}).get("secretKeyRef")
                            if ref:
                                self.assertIn((ns, ref["name"]), secrets)
                roles = {(o["metadata"]["namespace"], o["metadata"]["name"]) for o in objs(c, "roles")}
                croles = {o["metadata"]["name"] for o in objs(c, "clusterroles")}
                for b in objs(c, "rolebindings") + objs(c, "clusterrolebindings"):
                    ref = b["roleRef"]
                    if ref["kind"] == "Role":
                        self.assertIn((b["metadata"]["namespace"], ref["name"]), roles)
                    else:
                        self.assertIn(ref["name"], croles, b["metadata"]["name"])

    def test_every_secret_holds_the_canary_in_its_values(self):
        for name in ("demo", "hardened"):
            for s in objs(load(name), "secrets"):
                values = " ".join(base64.b64decode(v).decode() for v in s.get("data", {}).values())
                self.assertIn(CANARY, values, "%s/%s" % (s["metadata"]["namespace"], s["metadata"]["name"]))

    def test_kubelet_modes_match_configz(self):
        sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "sim"))
        import kubelet_sim
        for name in ("demo", "hardened"):
            c = load(name)
            for node, spec in c.nodes().items():
                self.assertEqual(kubelet_sim.mode_of(c.kubelet_configs[node]["kubeletconfig"]), spec["kubelet"]["mode"])


class Demo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = load("demo")

    def test_documented_mistakes_are_present(self):
        c = self.c
        api = flags(c, "kube-apiserver")
        self.assertNotIn("anonymous-auth", api)
        self.assertIn("token-auth-file", api)
        self.assertNotIn("audit-log-path", api)
        self.assertEqual(flags(c, "kube-scheduler")["bind-address"], "0.0.0.0")
        self.assertEqual(flags(c, "kube-controller-manager")["feature-gates"], "RotateKubeletServerCertificate=false")
        etcd = flags(c, "etcd")
        self.assertEqual((etcd["client-cert-auth"], etcd["trusted-ca-file"]), ("true", "/etc/kubernetes/pki/ca.crt"))
        self.assertNotIn("peer-client-cert-auth", etcd)
        cp = c.kubelet_configs["cp-1"]["kubeletconfig"]
        self.assertEqual((cp["authorization"]["mode"], cp["readOnlyPort"]), ("AlwaysAllow", 10255))
        app = next(p for p in objs(c, "pods", "legacy") if p["metadata"]["name"].startswith("legacy-app-"))
        self.assertTrue(app["spec"]["hostNetwork"] and app["spec"]["containers"][0]["securityContext"]["privileged"])
        self.assertEqual(app["spec"]["volumes"][0]["hostPath"]["path"], "/")
        self.assertEqual(objs(c, "networkpolicies", "legacy"), [])
        admin_bindings = {b["metadata"]["name"] for b in objs(c, "clusterrolebindings")
                          if b["roleRef"]["name"] == "cluster-admin"}
        self.assertEqual(admin_bindings, {"cluster-admin", "kubeadm:cluster-admins", "ci-deployer-cluster-admin", "break-glass"})
        failing_webhooks = [w for v in objs(c, "validatingwebhookconfigurations") for w in v["webhooks"]
                            if w["failurePolicy"] == "Fail" and any("pods" in r["resources"] for r in w["rules"])]
        self.assertEqual(len(failing_webhooks), 1)

    def test_applied_secrets_carry_values_in_last_applied(self):
        applied = [s for s in objs(self.c, "secrets")
                   if "kubectl.kubernetes.io/last-applied-configuration" in s["metadata"].get("annotations", {})]
        self.assertGreaterEqual(len(applied), 5)
        for s in applied:
            self.assertIn(CANARY, s["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"])

    def test_bootstrap_rbac_is_marked(self):
        crb = {b["metadata"]["name"]: b for b in objs(self.c, "clusterrolebindings")}
        cr = {r["metadata"]["name"]: r for r in objs(self.c, "clusterroles")}
        self.assertTrue(is_bootstrap(crb["cluster-admin"]) and is_bootstrap(cr["cluster-admin"]))
        self.assertEqual(crb["cluster-admin"]["metadata"]["labels"], {"kubernetes.io/bootstrapping": "rbac-defaults"})
        self.assertEqual(cr["admin"]["aggregationRule"]["clusterRoleSelectors"],
                         [{"matchLabels": {"rbac.authorization.k8s.io/aggregate-to-admin": "true"}}])
        self.assertFalse(is_bootstrap(crb["ci-deployer-cluster-admin"]))


class Hardened(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = load("hardened")

    def test_control_plane_flags_pass(self):
        api = flags(self.c, "kube-apiserver")
        for flag, value in {"anonymous-auth": "false", "authorization-mode": "Node,RBAC", "profiling": "false",
                            "audit-log-maxage": "30", "audit-log-maxbackup": "10", "audit-log-maxsize": "100",
                            "service-account-extend-token-expiration": "false"}.items():
            self.assertEqual(api.get(flag), value, flag)
        plugins = set(api["enable-admission-plugins"].split(","))
        self.assertLessEqual({"NodeRestriction", "DenyServiceExternalIPs", "EventRateLimit", "AlwaysPullImages",
                              "ImagePolicyWebhook"}, plugins)
        for flag in ("kubelet-certificate-authority", "encryption-provider-config", "audit-policy-file",
                     "tls-cipher-suites", "kubelet-client-certificate", "etcd-cafile", "client-ca-file"):
            self.assertTrue(api.get(flag), flag)
        self.assertNotIn("token-auth-file", api)
        kcm, sched, etcd = (flags(self.c, n) for n in ("kube-controller-manager", "kube-scheduler", "etcd"))
        self.assertEqual((kcm["profiling"], kcm["bind-address"], kcm["use-service-account-credentials"]),
                         ("false", "127.0.0.1", "true"))
        self.assertIn("terminated-pod-gc-threshold", kcm)
        self.assertEqual((sched["profiling"], sched["bind-address"]), ("false", "127.0.0.1"))
        self.assertEqual((etcd["client-cert-auth"], etcd["peer-client-cert-auth"]), ("true", "true"))
        self.assertNotEqual(etcd["trusted-ca-file"], api["client-ca-file"])

    def test_kubelets_pass(self):
        for node, doc in self.c.kubelet_configs.items():
            k = doc["kubeletconfig"]
            with self.subTest(node=node):
                self.assertFalse(k["authentication"]["anonymous"]["enabled"])
                self.assertEqual(k["authorization"]["mode"], "Webhook")
                self.assertTrue(k["authentication"]["x509"]["clientCAFile"])
                self.assertEqual(k.get("readOnlyPort", 0), 0)
                self.assertTrue(k["rotateCertificates"] and k["serverTLSBootstrap"] and k["seccompDefault"])
                self.assertGreater(k["podPidsLimit"], 0)
                self.assertTrue(k["tlsCipherSuites"])

    def test_workloads_pass(self):
        c = self.c
        user_ns = [n["metadata"]["name"] for n in objs(c, "namespaces") if n["metadata"]["name"] not in SYSTEM_NS]
        for ns in user_ns:
            labels = next(n for n in objs(c, "namespaces") if n["metadata"]["name"] == ns)["metadata"]["labels"]
            self.assertEqual(labels.get("pod-security.kubernetes.io/enforce"), "restricted", ns)
        for sa in objs(c, "serviceaccounts"):
            self.assertIs(sa.get("automountServiceAccountToken"), False, sa["metadata"])
        with_pods = {p["metadata"]["namespace"] for p in objs(c, "pods")}
        for ns in with_pods:
            self.assertTrue(objs(c, "networkpolicies", ns), ns)
        for pod in objs(c, "pods"):
            if mirror(pod):
                continue
            self.assertIs(pod["spec"].get("automountServiceAccountToken"), False, pod["metadata"]["name"])
            for ct in containers(pod):
                self.assertEqual(ct["imagePullPolicy"], "Always")
                self.assertFalse(any("secretKeyRef" in e.get("valueFrom", {}) for e in ct.get("env", [])))
                self.assertFalse(ct.get("envFrom"))
            if pod["metadata"]["namespace"] in SYSTEM_NS:
                continue
            psc = pod["spec"]["securityContext"]
            self.assertEqual(psc["seccompProfile"]["type"], "RuntimeDefault")
            self.assertTrue(psc["runAsNonRoot"])
            for ct in containers(pod):
                sc = ct["securityContext"]
                self.assertIs(sc["allowPrivilegeEscalation"], False)
                self.assertEqual(sc["capabilities"]["drop"], ["ALL"])
        default_ns = {(p, e.name) for p in ("pods", "secrets", "roles", "rolebindings") for e in c.objects(p) if e.ns == "default"}
        self.assertEqual(default_ns, set())

    def test_rbac_has_no_risky_grants_beyond_bootstrap(self):
        c = self.c
        for b in objs(c, "clusterrolebindings") + objs(c, "rolebindings"):
            if b["roleRef"]["name"] == "cluster-admin":
                self.assertTrue(is_bootstrap(b), b["metadata"]["name"])
        for r in objs(c, "clusterroles") + objs(c, "roles"):
            if is_bootstrap(r):
                continue
            for rule in r["rules"]:
                for key in ("verbs", "resources", "apiGroups"):
                    self.assertNotIn("*", rule.get(key, []), r["metadata"]["name"])
                self.assertNotIn("secrets", rule.get("resources", []), r["metadata"]["name"])
        self.assertEqual([x["metadata"]["name"] for x in objs(c, "certificatesigningrequests")], ["csr-7n4xq"])


if __name__ == "__main__":
    unittest.main()
