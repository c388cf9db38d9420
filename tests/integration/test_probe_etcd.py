"""rampart probe against a real etcd in three shapes: plaintext, TLS without client-cert-auth,
TLS with client-cert-auth. A key with a known value is written first; neither may appear
anywhere in rampart's output, and the range rampart sends must be the count-only one."""
import base64
import shutil
import unittest

from probe_servers import Certs, Etcd, ServersTestCase, findings, probe_json, result

KEY = "rampart-test/secret-key-7f3a"
VALUE = "s3cret-VALUE-do-not-leak-91c2"
COUNT_ONLY = '{"key":"AA==","range_end":"AA==","count_only":true}'


def forbidden_strings():
    """The key and value as text and in the base64 form etcd's gateway would use."""
    out = []
    for s in (KEY, VALUE):
        out += [s, base64.b64encode(s.encode()).decode().rstrip("=")]
    out.append("secret-key-7f3a")
    out.append("do-not-leak")
    return out


@unittest.skipUnless(shutil.which("etcd") and shutil.which("etcdctl"), "etcd-server not installed")
class EtcdProbeTest(ServersTestCase):
    @classmethod
    def start_servers(cls):
        cls.certs = Certs(cls.tmp.path)
        for shape in ("plaintext", "tls", "mtls"):
            etcd = cls.track(Etcd(cls.tmp.path, shape, cls.certs))
            etcd.etcdctl("put", KEY, VALUE)
            setattr(cls, shape, etcd)

    def probe(self, etcd, *extra):
        client = f"etcd://127.0.0.1:{etcd.client_port}"
        peer = f"etcd-peer://127.0.0.1:{etcd.peer_port}"
        report, raw, _ = probe_json(client, peer, *extra)
        for s in forbidden_strings():
            self.assertNotIn(s, raw, f"{s!r} leaked into rampart's output")
        return report, raw, client, peer

    def assert_count_only_range(self, r):
        posts = [e for e in r["exchanges"] if e["request"].startswith("POST ")]
        self.assertEqual(len(posts), 1)
        self.assertTrue(posts[0]["request"].startswith("POST /v3/kv/range HTTP/1.1\r\n"))
        self.assertEqual(posts[0]["request_body"], COUNT_ONLY)
        self.assertEqual(posts[0]["status"], 200)
        self.assertNotIn("kvs", posts[0]["body_excerpt"])
        self.assertEqual(r["etcd_range"], {"path": "/v3/kv/range", "outcome": "count", "count": 1})

    def test_plaintext(self):
        report, _, client, peer = self.probe(self.plaintext, "--no-tls-scan")
        p4 = result(report, client, "P-4")
        self.assertEqual(p4["classification"], "plaintext")
        self.assertIn('"etcdserver"', p4["exchanges"][0]["body_excerpt"])
        self.assert_count_only_range(p4)
        # P-5 does not run once plaintext is proven.
        self.assertEqual([r["probe"] for r in report["probes"]["results"] if r["target"]["url"] == client],
                         ["P-4"])
        self.assertEqual(result(report, peer, "P-4")["classification"], "plaintext")
        self.assertNotIn("etcd_range", result(report, peer, "P-4"))  # never a range on the peer port
        self.assertEqual(findings(report, client),
                         {"RMP-104": ("FAIL", "critical"), "RMP-105": ("FAIL", "critical")})
        self.assertEqual(findings(report, peer), {"RMP-106": ("FAIL", "high")})

    def test_tls_without_client_cert_auth(self):
        report, _, client, peer = self.probe(self.tls)
        self.assertEqual(result(report, client, "P-4")["classification"], "tls-listener")
        p5 = result(report, client, "P-5")
        self.assertEqual(p5["classification"], "client-cert-not-required")
        self.assertTrue(p5["tls"]["handshake_ok"])
        self.assertEqual(p5["tls"]["chain"][0]["subject"], "CN=etcd-tls")
        self.assertEqual(p5["tls"]["chain"][0]["sans"], ["IP:127.0.0.1", "DNS:localhost"])
        self.assert_count_only_range(p5)
        self.assertEqual(result(report, peer, "P-5")["classification"], "client-cert-not-required")
        f = findings(report, client)
        self.assertEqual(f["RMP-104"], ("PASS", "critical"))
        self.assertEqual(f["RMP-105"], ("FAIL", "critical"))
        self.assertEqual(f["RMP-107"][0], "PASS")
        self.assertEqual(f["RMP-110"][0], "PASS")  # etcd 3.4 refuses TLS 1.0 and 1.1
        self.assertEqual(findings(report, peer)["RMP-106"], ("FAIL", "high"))
        scan = result(report, client, "P-7")["tls_scan"]
        self.assertTrue(scan["complete"])
        self.assertEqual(scan["versions"], {"TLSv1": False, "TLSv1.1": False, "TLSv1.2": True,
                                            "TLSv1.3": True})
        self.assertIn("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", [s["name"] for s in scan["tls12_suites"]])

    def test_tls_with_client_cert_auth(self):
        report, _, client, peer = self.probe(self.mtls, "--no-tls-scan")
        self.assertEqual(result(report, client, "P-4")["classification"], "tls-listener")
        p5 = result(report, client, "P-5")
        self.assertEqual(p5["classification"], "client-cert-required")
        self.assertNotIn("etcd_range", p5)
        self.assertFalse(any(e["request"].startswith("POST") for e in p5["exchanges"]))
        tls = p5["tls"]
        # Go's TLS 1.3 server lets the handshake finish and refuses the missing certificate
        # with an alert on the first read: rampart must see that alert.
        self.assertEqual(tls["version"], "TLSv1.3")
        self.assertTrue(tls["handshake_ok"])
        self.assertTrue(tls["client_cert_requested"])
        self.assertIn(tls["alert_received"]["code"], (42, 116))
        self.assertEqual(tls["client_ca_names"], ["CN=rampart-test-ca"])
        self.assertEqual(result(report, peer, "P-5")["classification"], "client-cert-required")
        f = findings(report, client)
        self.assertEqual(f["RMP-104"][0], "PASS")
        self.assertEqual(f["RMP-105"][0], "PASS")
        self.assertEqual(findings(report, peer)["RMP-106"][0], "PASS")

    def test_explicit_etcd_flag(self):
        url = self.plaintext.client_url
        report, _, _ = probe_json("--etcd", url, "--no-tls-scan")
        r = report["probes"]["results"][0]
        self.assertEqual(r["target"]["source"], "--etcd")
        self.assertEqual(r["classification"], "plaintext")


if __name__ == "__main__":
    unittest.main()
