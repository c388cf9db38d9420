"""The simulator behaves like kube-apiserver and kubelets where rampart depends on it:
negotiation, pagination and expiry, faults, gzip, anonymous modes, kubelet modes, the secure
ports of control-plane components bound beyond loopback."""
import contextlib
import gzip
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

from simlib import KUBELET_SIM, SIM, SOURCE_DIR, start_sim

META_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
TABLE = "application/json;as=Table;g=meta.k8s.io;v=v1"


def names(items):
    return [(i["metadata"].get("namespace", ""), i["metadata"]["name"]) for i in items]


class SimTestCase(unittest.TestCase):
    sim_options = {}

    @classmethod
    def setUpClass(cls):
        cls.stack = contextlib.ExitStack()
        cls.sim = cls.stack.enter_context(start_sim("demo", **cls.sim_options))

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def get(self, path, identity="token", accept="application/json", headers=None):
        h = {"Accept": accept}
        h.update(headers or {})
        status, hdrs, body = self.sim.request(path, identity, headers=h)
        return status, hdrs, body

    def get_json(self, path, identity="token", accept="application/json"):
        status, hdrs, body = self.get(path, identity, accept)
        return status, json.loads(body)

    def list_all(self, path, identity="token", accept="application/json", limit=3):
        items, token, pages = [], "", 0
        while True:
            sep = "&" if "?" in path else "?"
            q = "%slimit=%d" % (sep, limit) + ("&continue=" + urllib.parse.quote(token) if token else "")
            status, body = self.get_json(path + q, identity, accept)
            self.assertEqual(status, 200, body)
            items += body.get("items", body.get("rows", []))
            pages += 1
            token = body["metadata"].get("continue", "")
            if not token:
                return items, pages


class ListsAndNegotiation(SimTestCase):
    sim_options = {"no_kubelets": True}

    def test_discovery_legacy_and_aggregated(self):
        status, body = self.get_json("/api")
        self.assertEqual((status, body["kind"], body["versions"]), (200, "APIVersions", ["v1"]))
        _, body = self.get_json("/apis/apps/v1")
        ds = next(r for r in body["resources"] if r["name"] == "daemonsets")
        self.assertEqual((ds["kind"], ds["namespaced"], ds["shortNames"]), ("DaemonSet", True, ["ds"]))
        agg = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
        status, hdrs, raw = self.get("/api", accept=agg)
        body = json.loads(raw)
        self.assertEqual((body["kind"], hdrs["Content-Type"]),
                         ("APIGroupDiscoveryList", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"))
        core = body["items"][0]
        self.assertEqual(core["metadata"]["name"], "")
        nodes = next(r for r in core["versions"][0]["resources"] if r["resource"] == "nodes")
        self.assertIn({"subresource": "proxy", "responseKind": {"group": "", "version": "v1", "kind": "NodeProxyOptions"},
                       "verbs": ["create", "delete", "get", "patch", "update"]}, nodes["subresources"])
        _, body = self.get_json("/apis", accept=agg)
        self.assertIn("rbac.authorization.k8s.io", [i["metadata"]["name"] for i in body["items"]])

    def test_full_list_items_carry_no_kind_but_a_get_does(self):
        status, body = self.get_json("/api/v1/namespaces/shop/pods")
        self.assertEqual((status, body["kind"], body["apiVersion"]), (200, "PodList", "v1"))
        self.assertTrue(body["items"])
        self.assertTrue(all("kind" not in i and "apiVersion" not in i for i in body["items"]))
        self.assertRegex(body["metadata"]["resourceVersion"], r"^\d+$")
        status, pod = self.get_json("/api/v1/namespaces/kube-system/pods/etcd-cp-1")
        self.assertEqual((status, pod["kind"], pod["apiVersion"]), (200, "Pod", "v1"))

    def test_partial_object_metadata_keeps_annotations_like_a_real_server(self):
        status, hdrs, raw = self.get("/api/v1/namespaces/shop/secrets", accept=META_LIST)
        body = json.loads(raw)
        self.assertEqual((status, body["kind"], body["apiVersion"]), (200, "PartialObjectMetadataList", "meta.k8s.io/v1"))
        self.assertEqual(hdrs["Content-Type"], "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io")
        item = {i["metadata"]["name"]: i for i in body["items"]}["db-credentials"]
        self.assertEqual(set(item), {"kind", "apiVersion", "metadata"})
        self.assertIn("kubectl.kubernetes.io/last-applied-configuration", item["metadata"]["annotations"])
        self.assertIn(b"CANARY-4c1d9e", raw)  # why clients must drop that annotation
        self.assertNotIn("data", item)

    def test_table_columns_and_include_object(self):
        status, t = self.get_json("/api/v1/secrets", accept=TABLE)
        self.assertEqual((status, t["kind"]), (200, "Table"))
        self.assertEqual([c["name"] for c in t["columnDefinitions"]], ["Name", "Type", "Data", "Age"])
        row = next(r for r in t["rows"] if r["cells"][0] == "db-credentials")
        self.assertEqual(row["cells"][1:3], ["Opaque", 2])
        self.assertEqual(row["object"]["kind"], "PartialObjectMetadata")
        self.assertEqual(row["object"]["metadata"]["namespace"], "shop")
        _, t = self.get_json("/api/v1/secrets?includeObject=None", accept=TABLE)
        self.assertTrue(all(r["object"] is None for r in t["rows"]))
        _, t = self.get_json("/api/v1/namespaces/kube-system/pods?includeObject=Object", accept=TABLE)
        self.assertEqual([c["name"] for c in t["columnDefinitions"] if c["priority"] == 0],
                         ["Name", "Ready", "Status", "Restarts", "Age"])
        self.assertEqual(t["rows"][0]["object"]["kind"], "Pod")

    def test_unacceptable_media_type_is_406(self):
        status, body = self.get_json("/api/v1/pods", accept="application/vnd.kubernetes.protobuf")
        self.assertEqual((status, body["reason"]), (406, "NotAcceptable"))
        status, _ = self.get_json("/api/v1/pods", accept="application/vnd.kubernetes.protobuf,application/json")
        self.assertEqual(status, 200)

    def test_pagination_matches_the_whole_list(self):
        _, whole = self.get_json("/api/v1/pods")
        items, pages = self.list_all("/api/v1/pods", limit=3)
        self.assertEqual(names(items), names(whole["items"]))
        self.assertEqual(pages, (len(whole["items"]) + 2) // 3)
        _, first = self.get_json("/api/v1/pods?limit=3")
        self.assertEqual(first["metadata"]["remainingItemCount"], len(whole["items"]) - 3)
        rows, _ = self.list_all("/api/v1/pods", accept=TABLE, limit=4)
        self.assertEqual([r["cells"][0] for r in rows], [n for _, n in names(whole["items"])])
        meta, _ = self.list_all("/api/v1/pods", accept=META_LIST, limit=5)
        self.assertEqual(names(meta), names(whole["items"]))

    def test_selectors(self):
        _, body = self.get_json("/api/v1/secrets?fieldSelector=type%3Dkubernetes.io/service-account-token", accept=META_LIST)
        self.assertEqual(sorted(n for _, n in names(body["items"]))[:1], ["ci-deployer-token"])
        _, body = self.get_json("/api/v1/namespaces/kube-system/pods?labelSelector=component%20in%20(etcd,kube-apiserver)")
        self.assertEqual(sorted(n for _, n in names(body["items"])), ["etcd-cp-1", "kube-apiserver-cp-1"])
        _, body = self.get_json("/api/v1/pods?labelSelector=tier%3Dcontrol-plane&limit=2")
        self.assertIn("continue", body["metadata"])
        self.assertNotIn("remainingItemCount", body["metadata"], "not with a selector, as on a real server")
        status, body = self.get_json("/api/v1/pods?fieldSelector=spec.bogus%3Dx")
        self.assertEqual((status, body["message"]), (400, "field label not supported: spec.bogus"))

    def test_bad_continue_tokens_are_400(self):
        _, body = self.get_json("/api/v1/pods?limit=2")
        token = urllib.parse.quote(body["metadata"]["continue"])
        status, body = self.get_json("/api/v1/secrets?limit=2&continue=" + token, accept=META_LIST)
        self.assertEqual(status, 400)
        self.assertTrue(body["message"].startswith("continue key is not valid"))
        status, _ = self.get_json("/api/v1/pods?limit=2&continue=garbage")
        self.assertEqual(status, 400)

    def test_expire_continue_fault_gives_410_with_a_usable_token(self):
        _, body = self.get_json("/api/v1/pods?limit=2")
        token = body["metadata"]["continue"]
        self.sim.faults({"path": "^/api/v1/pods$", "expire_continue": True, "count": 1})
        status, gone = self.get_json("/api/v1/pods?limit=2&continue=" + urllib.parse.quote(token))
        self.assertEqual((status, gone["kind"], gone["reason"], gone["code"]), (410, "Status", "Expired", 410))
        self.assertTrue(gone["message"].startswith("The provided continue parameter is too old"))
        status, body = self.get_json("/api/v1/pods?limit=2&continue=" + urllib.parse.quote(gone["metadata"]["continue"]))
        self.assertEqual(status, 200)
        status, _ = self.get_json("/api/v1/pods?limit=2&continue=" + urllib.parse.quote(token))
        self.assertEqual(status, 200, "the fault applied once")

    def test_not_found_and_unknown_resources(self):
        status, body = self.get_json("/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles/nope")
        self.assertEqual((status, body["message"], body["details"]),
                         (404, 'roles.rbac.authorization.k8s.io "nope" not found',
                          {"name": "nope", "group": "rbac.authorization.k8s.io", "kind": "roles"}))
        status, body = self.get_json("/api/v1/widgets")
        self.assertEqual((status, body["message"]), (404, "the server could not find the requested resource"))
        status, _, raw = self.get("/apis/nope.example.com/v1/things")
        self.assertEqual((status, raw), (404, b"404 page not found\n"))

    def test_reviews(self):
        review = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                  "spec": {"resourceAttributes": {"verb": "list", "resource": "secrets"}}}
        for identity, allowed in (("limited", False), ("nosecrets", False), ("token", True), ("admin", True)):
            status, _, raw = self.sim.request("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                                              identity, "POST", review)
            self.assertEqual((status, json.loads(raw)["status"]["allowed"]), (201, allowed), identity)
        status, _, raw = self.sim.request("/api/v1/namespaces/shop/pods", "admin", "POST", {"kind": "Pod"})
        self.assertEqual((status, json.loads(raw)["code"]), (405, 405))
        status, _, raw = self.sim.request("/api/v1/namespaces/shop/pods", "token", "POST", {"kind": "Pod"})
        self.assertEqual(json.loads(raw)["message"], 'pods is forbidden: User "token" cannot create resource "pods" in API group "" in the namespace "shop"')

    def test_secret_values_are_refused_and_recorded(self):
        before = len(self.sim.secret_violations())
        for path, accept in (("/api/v1/secrets", "application/json"),
                             ("/api/v1/secrets?includeObject=Object", TABLE),
                             ("/api/v1/namespaces/legacy/secrets?watch=1", "application/json")):
            status, _, raw = self.get(path, accept=accept)
            self.assertEqual(status, 403, path)
            self.assertNotIn(b"CANARY", raw)
        status, body = self.get_json("/api/v1/namespaces/shop/secrets/db-credentials",
                                     accept="application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1")
        self.assertEqual((status, body["kind"], body["metadata"]["name"]), (200, "PartialObjectMetadata", "db-credentials"))
        got = [(v["path"], v["requested"], v["served"]) for v in self.sim.secret_violations()[before:]]
        self.assertEqual(got, [("/api/v1/secrets", "full objects", False),
                               ("/api/v1/secrets", "Table with includeObject=Object", False),
                               ("/api/v1/namespaces/legacy/secrets", "full objects", False)])

    def test_configz_from_data_without_kubelets(self):
        status, body = self.get_json("/api/v1/nodes/cp-1/proxy/configz")
        self.assertEqual((status, body["kubeletconfig"]["readOnlyPort"]), (200, 10255))
        status, body = self.get_json("/api/v1/nodes/cp-1/proxy/pods")
        self.assertEqual((status, body["reason"]), (503, "ServiceUnavailable"))


class Faults(SimTestCase):
    sim_options = {"no_kubelets": True}

    def setUp(self):
        self.sim.clear_faults()

    def test_status_faults_count_down(self):
        self.sim.faults({"path": "^/api/v1/namespaces$", "status": 500, "count": 2})
        codes = [self.get("/api/v1/namespaces")[0] for _ in range(3)]
        self.assertEqual(codes, [500, 500, 200])
        self.assertEqual(self.sim.faults(), [])
        self.sim.faults({"path": "^/api/v1/nodes$", "status": 429, "retry_after": 3, "count": 1})
        status, hdrs, raw = self.get("/api/v1/nodes")
        self.assertEqual((status, hdrs["Retry-After"], json.loads(raw)["details"]["retryAfterSeconds"]), (429, "3", 3))

    def test_latency_and_identity_filter(self):
        self.sim.faults({"path": "^/version$", "latency_ms": 400, "identity": "limited"})
        t0 = time.monotonic()
        self.get("/version", "token")
        fast = time.monotonic() - t0
        t0 = time.monotonic()
        self.get("/version", "limited")
        self.assertGreaterEqual(time.monotonic() - t0, 0.4)
        self.assertLess(fast, 0.4)

    def test_truncate_and_close(self):
        self.sim.faults({"path": "^/api/v1/pods$", "truncate": True, "count": 1},
                        {"path": "^/api/v1/services$", "close": True, "count": 1})
        with self.assertRaises(http.client.IncompleteRead):
            self.get("/api/v1/pods")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.get("/api/v1/services")
        self.assertEqual(self.get("/api/v1/pods")[0], 200)

    def test_bad_fault_is_rejected(self):
        from simlib import SimError
        with self.assertRaises(SimError):
            self.sim.faults({"path": "(", "status": 500})
        with self.assertRaises(SimError):
            self.sim.faults({"pth": "x"})

    def test_stats(self):
        self.sim.stats(reset=True)
        self.get("/api/v1/namespaces", "token")
        self.get("/api/v1/secrets", "limited", accept=META_LIST)
        s = self.sim.stats()
        self.assertEqual(s["requests"], 2)
        self.assertEqual(s["by_status"], {"200": 1, "403": 1})
        self.assertEqual(s["by_identity"], {"token": 1, "limited": 1})


class TransportAndContinueExpiry(SimTestCase):
    sim_options = {"no_kubelets": True, "continue_ttl": 1, "anonymous": "off"}

    def connection(self):
        return http.client.HTTPSConnection(urllib.parse.urlsplit(self.sim.server).netloc,
                                           context=self.sim.ssl_context(), timeout=10)

    def test_gzip_and_keep_alive(self):
        conn = self.connection()
        auth = {"Authorization": "Bearer " + self.sim.token("token")}
        conn.request("GET", "/api/v1/pods", headers=dict(auth, **{"Accept-Encoding": "gzip"}))
        r = conn.getresponse()
        zipped = r.read()
        self.assertEqual(r.getheader("Content-Encoding"), "gzip")
        conn.request("GET", "/api/v1/pods", headers=auth)  # same connection
        r = conn.getresponse()
        plain = r.read()
        self.assertIsNone(r.getheader("Content-Encoding"))
        self.assertEqual(json.loads(gzip.decompress(zipped))["items"], json.loads(plain)["items"])
        conn.close()

    def test_continue_token_expires_after_ttl(self):
        _, body = self.get_json("/api/v1/pods?limit=2")
        time.sleep(1.2)
        status, gone = self.get_json("/api/v1/pods?limit=2&continue=" + urllib.parse.quote(body["metadata"]["continue"]))
        self.assertEqual((status, gone["reason"]), (410, "Expired"))

    def test_anonymous_off_is_401_even_for_healthz(self):
        self.assertEqual(self.sim.request("/healthz", None)[0], 401)
        status, _, raw = self.sim.request("/api", None, headers={"Authorization": "Basic YTpi"})
        self.assertEqual((status, json.loads(raw)["message"]), (401, "Unauthorized"))


class AnonymousModes(unittest.TestCase):
    def test_modes(self):
        expect = {  # path -> status per mode
            "forbidden": {"/healthz": 200, "/version": 200, "/api": 403, "/api/v1/namespaces": 403},
            "allowed": {"/healthz": 200, "/version": 200, "/api": 200, "/api/v1/namespaces": 403},
            "read": {"/healthz": 200, "/version": 200, "/api": 200, "/api/v1/namespaces": 200},
        }
        for mode, paths in expect.items():
            with self.subTest(mode=mode), start_sim("demo", anonymous=mode, no_kubelets=True) as sim:
                got = {p: sim.request(p, None)[0] for p in paths}
                self.assertEqual(got, paths)
                if mode == "allowed":
                    body = json.loads(sim.request("/api/v1/namespaces", None)[2])
                    self.assertEqual(body["message"], 'namespaces is forbidden: User "system:anonymous" cannot list '
                                                      'resource "namespaces" in API group "" at the cluster scope')


class Kubelets(SimTestCase):
    sim_options = {"unreachable_node": []}

    def kubelet(self, node, path, headers=None, cert=None):
        port = self.sim.kubelets[node]["port"]
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        if cert:
            ctx.load_cert_chain(*cert)
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        out = (r.status, r.read(), conn.sock.getpeercert(binary_form=True))
        conn.close()
        return out

    def test_anonymous_modes_of_the_demo_kubelets(self):
        status, body, _ = self.kubelet("cp-1", "/pods")
        pods = json.loads(body)
        self.assertEqual((status, pods["kind"]), (200, "PodList"))
        self.assertIn("kube-apiserver-cp-1", [p["metadata"]["name"] for p in pods["items"]])
        self.assertTrue(all(p["spec"]["nodeName"] == "cp-1" for p in pods["items"]))
        self.assertEqual(self.kubelet("worker-1", "/pods")[:2], (401, b"Unauthorized"))
        self.assertEqual(self.kubelet("worker-1", "/healthz")[0], 401)

    def test_credentialed_calls_to_the_webhook_kubelet(self):
        tok = lambda i: {"Authorization": "Bearer " + self.sim.token(i)}
        self.assertEqual(self.kubelet("worker-1", "/pods", tok("token"))[0], 200)
        status, body, _ = self.kubelet("worker-1", "/pods", tok("limited"))
        self.assertEqual((status, body), (403, b"Forbidden (user=limited, verb=get, resource=nodes, subresource=proxy)"))
        status, body, _ = self.kubelet("worker-1", "/metrics", tok("limited"))
        self.assertEqual(body, b"Forbidden (user=limited, verb=get, resource=nodes, subresource=metrics)")
        admin = self.sim.ready["client_certs"]["admin"]
        self.assertEqual(self.kubelet("worker-1", "/configz", cert=(admin["cert"], admin["key"]))[0], 200)

    def test_read_only_port_and_certificates(self):
        ro = self.sim.kubelets["cp-1"]["readonly_port"]
        conn = http.client.HTTPConnection("127.0.0.1", ro, timeout=10)
        conn.request("GET", "/pods")
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()
        self.assertIsNone(self.sim.kubelets["worker-1"]["readonly_port"])
        _, _, der = self.kubelet("cp-1", "/healthz")
        pem = ssl.DER_cert_to_PEM_cert(der)
        out = subprocess.run(["openssl", "x509", "-noout", "-subject", "-issuer"], input=pem,
                             capture_output=True, text=True).stdout
        self.assertRegex(out, r"subject=CN ?= ?cp-1@\d+\nissuer=CN ?= ?cp-1-ca@\d+")
        _, _, der = self.kubelet("worker-1", "/healthz")
        out = subprocess.run(["openssl", "x509", "-noout", "-subject", "-issuer"], input=ssl.DER_cert_to_PEM_cert(der),
                             capture_output=True, text=True).stdout
        self.assertRegex(out, r"CN ?= ?system:node:worker-1")

    def test_node_proxy_reaches_the_kubelet(self):
        status, body = self.get_json("/api/v1/nodes/cp-1/proxy/pods")
        self.assertEqual((status, body["kind"]), (200, "PodList"))
        status, _, raw = self.get("/api/v1/nodes/worker-1/proxy/healthz")
        self.assertEqual((status, raw), (200, b"ok"))


class ControlPlaneComponents(SimTestCase):
    """The demo's scheduler binds 0.0.0.0: served, its pod's --secure-port names the port. The
    controller-manager binds 127.0.0.1: not served (closed from the scanner's vantage point)."""

    def component(self, port, path):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
        conn.request("GET", path)
        r = conn.getresponse()
        out = (r.status, r.read(), conn.sock.getpeercert(binary_form=True))
        conn.close()
        return out

    def test_scheduler_reachable_controller_manager_not(self):
        self.assertEqual(list(self.sim.ready["components"]), ["kube-scheduler-cp-1"])
        port = self.sim.ready["components"]["kube-scheduler-cp-1"]["port"]
        status, pod = self.get_json("/api/v1/namespaces/kube-system/pods/kube-scheduler-cp-1")
        self.assertEqual(status, 200)
        command = pod["spec"]["containers"][0]["command"]
        self.assertIn("--secure-port=%d" % port, command)
        self.assertIn("--bind-address=0.0.0.0", command)
        status, body, der = self.component(port, "/healthz")
        self.assertEqual((status, body), (200, b"ok"))
        status, body, _ = self.component(port, "/metrics")
        self.assertEqual((status, json.loads(body)["message"]),
                         (403, 'forbidden: User "system:anonymous" cannot get path "/metrics"'))
        out = subprocess.run(["openssl", "x509", "-noout", "-subject", "-issuer"], input=ssl.DER_cert_to_PEM_cert(der),
                             capture_output=True, text=True).stdout
        self.assertRegex(out, r"subject=CN ?= ?localhost@\d+\nissuer=CN ?= ?localhost-ca@\d+")
        _, kcm = self.get_json("/api/v1/namespaces/kube-system/pods/kube-controller-manager-cp-1")
        self.assertFalse(any(a.startswith("--secure-port") for a in kcm["spec"]["containers"][0]["command"]))

    def test_hardened_components_bind_loopback(self):
        with start_sim("hardened", no_kubelets=True) as sim:
            self.assertEqual(sim.ready["components"], {})

    def test_a_down_node_serves_no_component(self):
        with start_sim("demo", unreachable_node=["cp-1"], no_kubelets=True) as sim:
            self.assertEqual(sim.ready["components"], {})


class Scale(SimTestCase):
    sim_options = {"no_kubelets": True, "scale": ["shop=40"]}

    def test_copies_are_served_in_key_order_with_their_own_uids(self):
        _, ns = self.get_json("/api/v1/namespaces")
        copies = [n for _, n in names(ns["items"]) if n.startswith("shop-")]
        self.assertEqual(copies, ["shop-%05d" % i for i in range(1, 41)])
        self.assertEqual(self.sim.ready["scale"], {"shop": {"copies": 40, "first": "shop-00001", "last": "shop-00040"}})
        items, _ = self.list_all("/api/v1/pods", accept=META_LIST, limit=7)
        keys = ["%s/%s" % k for k in names(items)]
        self.assertEqual(keys, sorted(keys))
        _, shop = self.get_json("/api/v1/namespaces/shop/pods")
        self.assertEqual(sum(k.startswith("shop-") for k in keys), 40 * len(shop["items"]))
        uids = [i["metadata"]["uid"] for i in items]
        self.assertEqual(len(set(uids)), len(uids))

    def test_a_copy_is_consistent(self):
        status, pods = self.get_json("/api/v1/namespaces/shop-00003/pods")
        self.assertEqual(status, 200)
        rs = {i["metadata"]["name"]: i["metadata"]["uid"] for i in
              self.get_json("/apis/apps/v1/namespaces/shop-00003/replicasets")[1]["items"]}
        for pod in pods["items"]:
            self.assertEqual(pod["metadata"]["namespace"], "shop-00003")
            for ref in pod["metadata"].get("ownerReferences", []):
                if ref["kind"] == "ReplicaSet":
                    self.assertEqual(ref["uid"], rs[ref["name"]])
        status, rb = self.get_json("/apis/rbac.authorization.k8s.io/v1/namespaces/shop-00003/rolebindings/web-config-reader")
        self.assertEqual((status, rb["subjects"][0]["namespace"]), (200, "shop-00003"))
        status, sec = self.get_json("/api/v1/namespaces/shop-00003/secrets/db-credentials",
                                    accept="application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1")
        applied = json.loads(sec["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"])
        self.assertEqual(applied["metadata"]["namespace"], "shop-00003")
        _, ns = self.get_json("/api/v1/namespaces?labelSelector=kubernetes.io/metadata.name%3Dshop-00040")
        self.assertEqual(names(ns["items"]), [("", "shop-00040")])
        _, t = self.get_json("/api/v1/namespaces/shop-00040/secrets?includeObject=None", accept=TABLE)
        self.assertEqual([r["cells"][:3] for r in t["rows"]], [["db-credentials", "Opaque", 2], ["web-tls", "kubernetes.io/tls", 2]])
        self.assertEqual(self.get("/api/v1/namespaces/shop-00041/pods/db-0")[0], 404)

    def test_bad_scale_is_one_line(self):
        with tempfile.TemporaryDirectory() as d:
            res = subprocess.run([sys.executable, SIM, "--cluster", "demo", "--state-dir", d, "--scale", "nope=3"],
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual((res.returncode, res.stderr), (2, "k8s_sim: --scale nope=3: no namespace nope in the cluster\n"))


class UnreachableNode(unittest.TestCase):
    def test_unreachable_node(self):
        with start_sim("demo", unreachable_node=["worker-1"]) as sim:
            status, _, raw = sim.request("/api/v1/nodes/worker-1/proxy/configz")
            body = json.loads(raw)
            port = sim.kubelets["worker-1"]["port"]
            self.assertEqual((status, body["reason"], body["message"]),
                             (503, "ServiceUnavailable",
                              "error trying to reach service: dial tcp 127.0.0.1:%d: connect: connection refused" % port))
            node = json.loads(sim.request("/api/v1/nodes/worker-1")[2])
            ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
            self.assertEqual(ready["status"], "Unknown")
            self.assertEqual(sim.kubelets["worker-1"]["mode"], "unreachable")
            self.assertEqual(sim.request("/api/v1/nodes/cp-1/proxy/configz")[0], 200)


class StandaloneAndErrors(unittest.TestCase):
    def test_standalone_webhook_kubelet(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "configz.json")
            with open(cfg, "w") as f:
                json.dump({"kubeletconfig": {"authentication": {"anonymous": {"enabled": True}},
                                             "authorization": {"mode": "Webhook"}}}, f)
            proc = subprocess.Popen([sys.executable, KUBELET_SIM, "--node", "n1", "--mode", "anonymous-webhook",
                                     "--configz", cfg, "--state-dir", d, "--readonly-port", "0"],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            try:
                ready = os.path.join(d, "kubelet-n1.json")
                deadline = time.monotonic() + 30
                while not os.path.exists(ready):
                    self.assertIsNone(proc.poll(), "kubelet_sim exited")
                    self.assertLess(time.monotonic(), deadline)
                    time.sleep(0.05)
                with open(ready) as f:
                    info = json.load(f)
                ctx = ssl._create_unverified_context()
                conn = http.client.HTTPSConnection("127.0.0.1", info["port"], context=ctx, timeout=10)
                conn.request("GET", "/pods")
                r = conn.getresponse()
                self.assertEqual((r.status, r.read()),
                                 (403, b"Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)"))
                conn.close()
                self.assertEqual(info["cert"], "self-signed")
                self.assertIsInstance(info["readonly_port"], int)
            finally:
                proc.terminate()
                proc.wait(timeout=10)
                proc.stdout.close()

    def test_bad_cluster_is_one_line_and_exit_2(self):
        with tempfile.TemporaryDirectory() as d:
            res = subprocess.run([sys.executable, SIM, "--cluster", os.path.join(d, "missing"), "--state-dir", d],
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(res.returncode, 2)
            self.assertRegex(res.stderr, r"^k8s_sim: .*no cluster\.json.*\n$")
            bad = os.path.join(d, "bad")
            os.makedirs(bad)
            with open(os.path.join(bad, "cluster.json"), "w") as f:
                f.write("{}")
            with open(os.path.join(bad, "x.json"), "w") as f:
                json.dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "nowhere"}}, f)
            res = subprocess.run([sys.executable, SIM, "--cluster", bad, "--state-dir", d],
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(res.returncode, 2)
            self.assertIn("in a namespace no Namespace object declares", res.stderr)
            self.assertEqual(len(res.stderr.splitlines()), 1)

    def test_exec_credential_plugin(self):
        with tempfile.TemporaryDirectory() as d:
            tok = os.path.join(d, "t")
            with open(tok, "w") as f:
                f.write("abc\n")
            env = dict(os.environ, KUBERNETES_EXEC_INFO=json.dumps({"apiVersion": "client.authentication.k8s.io/v1beta1",
                                                                   "kind": "ExecCredential", "spec": {}}))
            out = subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "tests", "sim", "exec_credential.py"),
                                  "--token-file", tok, "--ttl", "60"], env=env, capture_output=True, text=True, check=True)
            cred = json.loads(out.stdout)
            self.assertEqual((cred["apiVersion"], cred["kind"], cred["status"]["token"]),
                             ("client.authentication.k8s.io/v1beta1", "ExecCredential", "abc"))
            self.assertRegex(cred["status"]["expirationTimestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


if __name__ == "__main__":
    unittest.main()
