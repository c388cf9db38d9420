"""rampart probe against stub kubelets (anonymous allowed / webhook-denied / off, read-only port),
a stub API server, scheduler, kube-proxy and legacy port. The stubs record every request, so
the tests also prove what rampart sends: GETs on the documented paths only, never a write,
never /run, /exec, /attach or /portForward, no Authorization header unless given a token."""
import json
import os
import unittest

from probe_servers import Certs, ServersTestCase, StubHttpServer, findings, probe_json, result, run_rampart

ENV_SECRET = "hunter2-pod-env-value-5d1e"
POD_LIST = json.dumps({
    "kind": "PodList", "apiVersion": "v1", "metadata": {},
    "items": [{"metadata": {"name": "web-0", "namespace": "shop"},
               "spec": {"containers": [{"name": "web", "env": [{"name": "DB_PASSWORD", "value": ENV_SECRET}]}]}}],
})


def status(code, reason, message):
    return json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                       "message": message, "reason": reason, "code": code})


def kubelet_routes(mode):
    pods = {
        "anonymous-allow": (200, "application/json", POD_LIST),
        # The kubelet's webhook authorizer denies system:anonymous with this text.
        "anonymous-webhook": (403, "text/plain",
                              "Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)"),
        "anonymous-off": (401, "text/plain", "Unauthorized"),
    }[mode]
    denied = pods if mode != "anonymous-allow" else (200, "text/plain", "# HELP x\nx 1\n")
    return {"/pods": pods, "/healthz": (200, "text/plain", "ok"), "/metrics": denied}


ANONYMOUS_403 = status(403, "Forbidden", 'forbidden: User "system:anonymous" cannot get path "/api"')


class KubeletProbeTest(ServersTestCase):
    @classmethod
    def start_servers(cls):
        cls.certs = Certs(cls.tmp.path)
        cls.cert, cls.key = cls.certs.issue("kubelet", 200)
        cls.kubelets = {mode: cls._stub(kubelet_routes(mode), tls=True)
                        for mode in ("anonymous-allow", "anonymous-webhook", "anonymous-off")}
        cls.readonly = cls._stub({"/pods": (200, "application/json", POD_LIST)}, tls=False)
        cls.apiserver = cls._stub({
            "/version": (200, "application/json", '{"major":"1","minor":"32","gitVersion":"v1.32.4"}'),
            "/api": (403, "application/json", ANONYMOUS_403),
            "/apis": (403, "application/json", ANONYMOUS_403),
            "/api/v1/namespaces?limit=1": (403, "application/json", ANONYMOUS_403),
            "/healthz": (200, "text/plain", "ok"), "/livez": (200, "text/plain", "ok"),
            "/readyz": (200, "text/plain", "ok"),
            "/debug/pprof/": (200, "text/html", "<html>profiles</html>"),
        }, tls=True)
        cls.scheduler = cls._stub({"/healthz": (200, "text/plain", "ok"),
                                   "/metrics": (403, "application/json", ANONYMOUS_403)}, tls=True)
        cls.kube_proxy = cls._stub({"/metrics": (200, "text/plain", "# HELP kubeproxy_x\n")}, tls=False)
        cls.legacy = cls._stub({"/version": (200, "application/json", '{"gitVersion":"v1.15.0"}')}, tls=False)

    @classmethod
    def _stub(cls, routes, tls):
        return cls.track(StubHttpServer(routes, cls.cert if tls else None, cls.key if tls else None))

    def setUp(self):
        # Each test looks only at the requests it caused.
        self.marks = {id(s): len(s.requests) for s in self.servers}

    def requests_since_setup(self, stub):
        return stub.requests[self.marks[id(stub)]:]

    def assert_only_reads(self, stub, allowed_paths, token=None):
        requests = self.requests_since_setup(stub)
        self.assertTrue(requests)
        for r in requests:
            self.assertEqual(r["method"], "GET", r)
            self.assertIn(r["path"], allowed_paths, r)
            for bad in ("/run", "/exec", "/attach", "/portForward", "/debug/pprof/profile"):
                self.assertFalse(r["path"].startswith(bad), r)
            self.assertEqual(r["headers"].get("Authorization"), f"Bearer {token}" if token else None)
            self.assertEqual(r["headers"].get("Connection"), "close")

    def test_kubelet_behaviours(self):
        urls = {mode: f"kubelet://127.0.0.1:{s.port}" for mode, s in self.kubelets.items()}
        ro = f"kubelet-readonly://127.0.0.1:{self.readonly.port}"
        report, raw, _ = probe_json(*urls.values(), ro, "--no-tls-scan")
        self.assertNotIn(ENV_SECRET, raw)

        allow = result(report, urls["anonymous-allow"], "P-1")
        self.assertEqual(allow["classification"], "anonymous-allowed")
        self.assertEqual([e["request"].split("\r\n")[0] for e in allow["exchanges"]],
                         ["GET /pods HTTP/1.1", "GET /healthz HTTP/1.1", "GET /metrics HTTP/1.1"])
        self.assertEqual([e["status"] for e in allow["exchanges"]], [200, 200, 200])
        self.assertTrue(allow["exchanges"][0]["body_excerpt"].startswith('{"kind": "PodList"'))
        self.assertEqual(allow["exchanges"][2]["body_excerpt"], "")  # metrics bodies are never kept
        self.assertEqual(allow["tls"]["chain"][0]["subject"], "CN=kubelet")
        self.assertEqual(findings(report, urls["anonymous-allow"]),
                         {"RMP-102": ("FAIL", "critical"), "RMP-103": ("FAIL", "medium"),
                          "RMP-112": ("PASS", "medium"), "RMP-113": ("PASS", "medium")})

        self.assertEqual(result(report, urls["anonymous-webhook"], "P-1")["classification"], "anonymous-forbidden")
        self.assertEqual(findings(report, urls["anonymous-webhook"])["RMP-102"][0], "PASS")
        self.assertEqual(findings(report, urls["anonymous-webhook"])["RMP-103"][0], "FAIL")

        off = result(report, urls["anonymous-off"], "P-1")
        self.assertEqual(off["classification"], "anonymous-off")
        self.assertIn({"name": "www-authenticate", "value": 'Basic realm="kubernetes-master"'},
                      off["exchanges"][0]["headers"])
        self.assertEqual(findings(report, urls["anonymous-off"])["RMP-103"][0], "PASS")

        p3 = result(report, ro, "P-3")
        self.assertEqual(p3["classification"], "read-only-open")
        self.assertEqual(findings(report, ro), {"RMP-101": ("FAIL", "high")})

        for s in self.kubelets.values():
            self.assert_only_reads(s, {"/pods", "/healthz", "/metrics"})
        self.assert_only_reads(self.readonly, {"/pods"})

    def test_apiserver_components_kube_proxy_legacy(self):
        api = f"https://127.0.0.1:{self.apiserver.port}"
        sched = f"scheduler://127.0.0.1:{self.scheduler.port}"
        proxy = f"kube-proxy://127.0.0.1:{self.kube_proxy.port}"
        legacy = f"legacy-apiserver://127.0.0.1:{self.legacy.port}"
        report, _, _ = probe_json(api, sched, proxy, legacy, "--no-tls-scan")
        api_url = f"apiserver://127.0.0.1:{self.apiserver.port}"
        p6 = result(report, api_url, "P-6")
        self.assertEqual(p6["classification"], "anonymous-discovery")
        self.assertEqual(len(p6["exchanges"]), 7)
        self.assertEqual(findings(report, api_url)["RMP-108"], ("FAIL", "medium"))
        self.assertEqual(findings(report, api_url)["RMP-109"][0], "PASS")
        self.assertNotIn("P-10", [r["probe"] for r in report["probes"]["results"]])  # no credential
        self.assert_only_reads(self.apiserver, {"/version", "/api", "/apis", "/api/v1/namespaces?limit=1",
                                                "/healthz", "/livez", "/readyz"})

        self.assertEqual(result(report, sched, "P-8")["classification"], "metrics-protected")
        self.assertEqual(findings(report, sched), {"RMP-114": ("FAIL", "medium"), "RMP-115": ("PASS", "medium"),
                                                   "RMP-112": ("PASS", "medium")})
        self.assertEqual(findings(report, proxy), {"RMP-116": ("FAIL", "low")})
        self.assertEqual(findings(report, legacy), {"RMP-118": ("FAIL", "critical")})

    def test_credentialed_probes_send_the_token_and_never_record_it(self):
        token = "probe-test-token-0123456789abcdef"
        path = os.path.join(self.tmp.path, "token")
        with open(path, "w") as f:
            f.write(token + "\n")
        kubelet = self.kubelets["anonymous-off"]
        api_url = f"apiserver://127.0.0.1:{self.apiserver.port}"
        report, raw, _ = probe_json(f"kubelet://127.0.0.1:{kubelet.port}", api_url, "--no-tls-scan",
                                    "--probe-token-file", path)
        self.assertNotIn(token, raw)
        p10 = result(report, api_url, "P-10")
        self.assertEqual(p10["classification"], "profiling-on")
        self.assertIn("Authorization: Bearer [REDACTED]\r\n", p10["exchanges"][0]["request"])
        self.assertEqual(findings(report, api_url)["RMP-117"], ("FAIL", "low"))
        p2 = result(report, f"kubelet://127.0.0.1:{kubelet.port}", "P-2")
        self.assertEqual(p2["classification"], "credential-rejected")  # the stub answers 401 to everyone
        sent = [r for r in self.requests_since_setup(kubelet) if "Authorization" in r["headers"]]
        self.assertEqual([r["path"] for r in sent], ["/pods"])
        self.assertEqual(sent[0]["headers"]["Authorization"], f"Bearer {token}")
        api_sent = [r for r in self.requests_since_setup(self.apiserver) if "Authorization" in r["headers"]]
        self.assertEqual([r["path"] for r in api_sent], ["/debug/pprof/"])

    def test_text_output(self):
        url = f"kubelet://127.0.0.1:{self.kubelets['anonymous-allow'].port}"
        code, out, err, _ = run_rampart("probe", url, "--no-tls-scan")
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["TARGET", "PROBE", "REACH", "RESULT", "SUMMARY"])
        self.assertTrue(lines[1].startswith(url))
        self.assertIn("anonymous-allowed", lines[1])
        self.assertIn(f"FAIL   RMP-102  critical {url}: GET /pods answered 200 to an anonymous caller", out)


if __name__ == "__main__":
    unittest.main()
