"""P-7 TLS analysis and the hostile cases, with openssl s_server and raw sockets:
a server accepting TLS 1.0 and weak suites, one accepting only TLS 1.3, a certificate expiring
in under 30 days, a TLS 1.2 server demanding a client certificate, a closed port, a port that
accepts and never answers, and servers that send garbage."""
import shutil
import unittest

from probe_servers import (Certs, RawServer, ServersTestCase, SServer, closed_port, findings,
                           probe_json, result, run_rampart)


@unittest.skipUnless(shutil.which("openssl"), "openssl CLI not installed")
class TlsProbeTest(ServersTestCase):
    @classmethod
    def start_servers(cls):
        cls.certs = Certs(cls.tmp.path)
        long_cert, long_key = cls.certs.issue("long-lived", 400, key="rsa")
        short_cert, short_key = cls.certs.issue("short-lived", 10)
        # Every version down to TLS 1.0 and every suite OpenSSL has, at security level 0.
        cls.old = cls.track(SServer(cls.tmp.path, long_cert, long_key, "-cipher", "ALL:@SECLEVEL=0"))
        cls.tls13 = cls.track(SServer(cls.tmp.path, short_cert, short_key, "-tls1_3"))
        cls.mtls12 = cls.track(SServer(cls.tmp.path, long_cert, long_key, "-tls1_2", "-Verify", "1",
                                       "-CAfile", cls.certs.ca_cert))

    def test_old_versions_and_weak_suites(self):
        url = f"tls://127.0.0.1:{self.old.port}"
        report, _, _ = probe_json(url)
        r = result(report, url, "P-7")
        scan = r["tls_scan"]
        self.assertTrue(scan["complete"], scan)
        self.assertEqual(scan["versions"], {"TLSv1": True, "TLSv1.1": True, "TLSv1.2": True, "TLSv1.3": True})
        names = {s["name"]: s["strength"] for s in scan["tls12_suites"]}
        self.assertEqual(names.get("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), "strong")
        self.assertEqual(names.get("TLS_RSA_WITH_AES_128_CBC_SHA"), "weak")
        self.assertEqual(names.get("TLS_DH_anon_WITH_AES_128_GCM_SHA256"), "insecure")
        # An RSA certificate: no ECDSA suite can be accepted.
        self.assertFalse([n for n in names if "_ECDSA_" in n])
        self.assertEqual(sorted(scan["tls13_suites"]),
                         ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])
        leaf = r["tls"]["chain"][0]
        self.assertEqual(leaf["subject"], "CN=long-lived")
        self.assertEqual(leaf["issuer"], "CN=rampart-test-ca")
        self.assertEqual((leaf["key_type"], leaf["key_bits"]), ("RSA", 2048))
        self.assertIn(leaf["days_to_expiry"], (398, 399, 400))
        self.assertFalse(leaf["self_signed"])
        f = findings(report, url)
        self.assertEqual(f["RMP-110"], ("FAIL", "medium"))
        self.assertEqual(f["RMP-111"], ("FAIL", "high"))  # anonymous and NULL suites
        self.assertEqual(f["RMP-112"][0], "PASS")

    def test_tls13_only_and_expiring_certificate(self):
        url = f"tls://127.0.0.1:{self.tls13.port}"
        report, _, _ = probe_json(url)
        r = result(report, url, "P-7")
        self.assertEqual(r["tls"]["version"], "TLSv1.3")
        scan = r["tls_scan"]
        self.assertEqual(scan["versions"], {"TLSv1": False, "TLSv1.1": False, "TLSv1.2": False, "TLSv1.3": True})
        self.assertEqual(scan["tls12_suites"], [])
        self.assertEqual(scan["tls12_suites_tried"], 0)
        leaf = r["tls"]["chain"][0]
        self.assertIn(leaf["days_to_expiry"], (9, 10))
        self.assertEqual(leaf["key_type"], "EC")
        f = findings(report, url)
        self.assertEqual(f["RMP-110"][0], "PASS")
        self.assertEqual(f["RMP-111"][0], "PASS")
        self.assertEqual(f["RMP-112"], ("FAIL", "medium"))

    def test_tls12_client_certificate_demand_fails_the_handshake(self):
        url = f"etcd://127.0.0.1:{self.mtls12.port}"
        report, _, _ = probe_json(url)
        p5 = result(report, url, "P-5")
        self.assertEqual(p5["classification"], "client-cert-required")
        self.assertFalse(p5["tls"]["handshake_ok"])
        self.assertTrue(p5["tls"]["client_cert_requested"])
        self.assertEqual(p5["tls"]["client_ca_names"], ["CN=rampart-test-ca"])
        self.assertEqual(p5["tls"]["chain"][0]["subject"], "CN=long-lived")
        # A server that asks for a certificate has accepted version and suite: the scan counts it.
        scan = result(report, url, "P-7")["tls_scan"]
        self.assertEqual(scan["versions"]["TLSv1.2"], True)
        self.assertEqual(scan["versions"]["TLSv1.3"], False)
        self.assertTrue(scan["tls12_suites"])
        self.assertEqual(findings(report, url)["RMP-105"][0], "PASS")

    def test_closed_port(self):
        port = closed_port()
        # A repeatable flag takes one value: the positional target after it stays a target.
        report, _, seconds = probe_json("--kubelet", f"127.0.0.1:{port}", f"etcd://127.0.0.1:{port}")
        for r in report["probes"]["results"]:
            self.assertEqual(r["reachability"], "closed")
            self.assertEqual(r["classification"], "no-connection")
        # Only the first probe of each target runs against a closed port.
        self.assertEqual([r["probe"] for r in report["probes"]["results"]], ["P-1", "P-4"])
        f = findings(report, f"kubelet://127.0.0.1:{port}")
        self.assertEqual(f, {"RMP-102": ("PASS", "critical"), "RMP-103": ("PASS", "medium")})
        self.assertLess(seconds, 10)

    def test_silent_port_times_out_on_time(self):
        silent = RawServer("silent")
        try:
            url = f"kubelet://127.0.0.1:{silent.port}"
            etcd = f"etcd://127.0.0.1:{silent.port}"
            report, _, seconds = probe_json(url, etcd, "--probe-timeout", "2",
                                            "--probe-connect-timeout", "1")
        finally:
            silent.close()
        p1 = result(report, url, "P-1")
        self.assertEqual(p1["reachability"], "open")
        self.assertEqual(p1["classification"], "no-answer")
        self.assertGreaterEqual(p1["elapsed_ms"], 1900)
        self.assertLess(p1["elapsed_ms"], 4000)
        self.assertTrue(p1["tls"]["timed_out"])
        for probe in ("P-4", "P-5"):
            r = result(report, etcd, probe)
            self.assertEqual(r["classification"], "no-answer")
            self.assertLess(r["elapsed_ms"], 4000)
        # Targets run in parallel; the etcd target's two probes run one after the other.
        self.assertLess(seconds, 10)
        self.assertEqual(findings(report, url)["RMP-102"][0], "ERROR")

    def test_garbage_servers(self):
        payloads = {
            "binary": bytes(range(256)) * 64,
            "huge-header": b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * (1 << 20),
            "endless-body": b"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n" + b"z" * (1 << 20),
            "tls-alert": b"\x15\x03\x03\x00\x02\x02\x28",
        }
        servers = {name: RawServer("garbage", data) for name, data in payloads.items()}
        try:
            args = []
            for name, s in servers.items():
                args += [f"kubelet://127.0.0.1:{s.port}", f"kubelet-readonly://127.0.0.1:{s.port}",
                         f"etcd://127.0.0.1:{s.port}", f"https://127.0.0.1:{s.port}"]
            report, raw, seconds = probe_json(*args, "--probe-timeout", "5")
        finally:
            for s in servers.values():
                s.close()
        self.assertLess(seconds, 30)
        self.assertLess(len(raw), 400_000)  # bounded: 4 MB of garbage went in
        by_server = {name: f"127.0.0.1:{s.port}" for name, s in servers.items()}
        ro = lambda name: result(report, f"kubelet-readonly://{by_server[name]}", "P-3")
        self.assertEqual(ro("binary")["classification"], "not-http")
        self.assertIn("not an HTTP response", ro("binary")["exchanges"][0]["error"])
        self.assertEqual(ro("huge-header")["exchanges"][0]["error"], "header section longer than 16384 bytes")
        endless = ro("endless-body")["exchanges"][0]
        self.assertEqual(endless["status"], 200)
        self.assertTrue(endless["body_truncated"])
        self.assertLessEqual(endless["body_bytes"], 16 * 1024 + 16384)
        self.assertLessEqual(len(endless["body_excerpt"]), 200)
        self.assertEqual(result(report, f"etcd://{by_server['tls-alert']}", "P-4")["classification"],
                         "tls-listener")
        for name in ("binary", "huge-header"):
            self.assertEqual(result(report, f"kubelet://{by_server[name]}", "P-1")["classification"],
                             "tls-failed")
            self.assertEqual(result(report, f"apiserver://{by_server[name]}", "P-6")["classification"],
                             "tls-failed")
        # Garbage never passes anything.
        for f in report["findings"]:
            if f["id"] in ("RMP-102", "RMP-103", "RMP-108", "RMP-109"):
                self.assertEqual(f["status"], "ERROR", f)

    def test_bad_input_is_one_line_and_exit_1(self):
        cases = [
            (["probe"], "rampart: no targets: give TARGET URLs"),
            (["probe", "10.0.0.1:10250"], "rampart: 10.0.0.1:10250: a target needs a scheme"),
            (["probe", "ftp://x"], "rampart: ftp://x: unknown target kind \"ftp\""),
            (["probe", "kubelet://h:70000"], "rampart: kubelet://h:70000: invalid port"),
            (["probe", "--kubelet", "bad host"], "rampart: bad host: --kubelet: invalid character in host"),
            (["probe", "tls://h", "--probe-timeout", "0"], "rampart: --probe-timeout must be between 0.1 and 600 seconds"),
            (["probe", "tls://h", "--probe-concurrency", "0"], "rampart: --probe-concurrency must be between 1 and 256"),
            (["probe", "tls://h", "--probe-token-file", "/nonexistent/token"],
             "rampart: /nonexistent/token: cannot read the probe token file"),
            (["probe", "tls://h", "--output", "yaml"], "rampart: --output: yaml not in {text,json}"),
            (["probe", "--inventory", "/nonexistent/inv.json"],
             "rampart: /nonexistent/inv.json: cannot read the inventory file"),
            (["probe", "--inventory", __file__], f"rampart: {__file__}: the inventory file is not JSON"),
        ]
        for args, expected in cases:
            code, out, err, _ = run_rampart(*args)
            self.assertEqual(code, 1, args)
            self.assertEqual(out, "", args)
            self.assertEqual(err.count("\n"), 1, (args, err))
            self.assertTrue(err.startswith(expected), (args, err))


if __name__ == "__main__":
    unittest.main()
