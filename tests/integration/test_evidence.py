"""`rampart evidence verify` on bundles built here from docs/evidence.md alone.

The bundles are made with Python's hashlib and signed with the openssl CLI, the way an
independent tool (or an auditor re-creating one) would, so these tests pin the documented
format as well as the verifier. Each tampering must be caught with its own line and exit 1.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

RAMPART = os.environ.get("RAMPART_BIN", "rampart")

# How each key is made and how it signs, as docs/evidence.md gives them.
KEYGEN = {
    "ed25519": ["-algorithm", "ed25519"],
    "p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "p384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
}
SIGN = {
    "ed25519": ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", "KEY", "-in", "IN", "-out", "OUT"],
    "p256": ["openssl", "dgst", "-sha256", "-sign", "KEY", "-out", "OUT", "IN"],
    "p384": ["openssl", "dgst", "-sha384", "-sign", "KEY", "-out", "OUT", "IN"],
    "rsa": ["openssl", "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32",
            "-sign", "KEY", "-out", "OUT", "IN"],
}
ALGORITHM = {"ed25519": "ed25519", "p256": "ecdsa-p256-sha256", "p384": "ecdsa-p384-sha384",
             "rsa": "rsa-pss-sha256", "other": "ed25519"}

# "other" is a second Ed25519 key: somebody else's.
ALGORITHM_KEY = {name: name for name in KEYGEN} | {"other": "ed25519"}

FILES = {
    "report.json": b'{"checks": []}\n',
    "rampart.prom": b"rampart_checks_total 0\n",
    "detail/5.1.1.txt": b"PASS\n",
}


def run(*args):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60)


class EvidenceVerify(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys_dir = tempfile.mkdtemp(prefix="rampart-keys-")
        cls.keys = {}
        for name, opts in list(KEYGEN.items()) + [("other", KEYGEN["ed25519"])]:
            key = os.path.join(cls.keys_dir, name + ".pem")
            pub = os.path.join(cls.keys_dir, name + ".pub.pem")
            subprocess.run(["openssl", "genpkey", *opts, "-out", key], check=True, capture_output=True)
            subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub], check=True, capture_output=True)
            cls.keys[name] = (key, pub)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.keys_dir, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rampart-evidence-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def fingerprint(self, name):
        der = subprocess.run(["openssl", "pkey", "-pubin", "-in", self.keys[name][1], "-outform", "DER"],
                             check=True, capture_output=True).stdout
        return hashlib.sha256(der).hexdigest()

    def make_bundle(self, alg=None, contents=None):
        """A bundle per docs/evidence.md: files, manifest.pub.pem, manifest.json, signature."""
        bundle = os.path.join(self.tmp, "bundle")
        for rel, data in (contents or FILES).items():
            path = os.path.join(bundle, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
        if alg:
            shutil.copy(self.keys[alg][1], os.path.join(bundle, "manifest.pub.pem"))
        files = []
        for root, _, names in os.walk(bundle):
            for n in names:
                path = os.path.join(root, n)
                rel = os.path.relpath(path, bundle)
                with open(path, "rb") as f:
                    data = f.read()
                files.append({"path": rel, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        files.sort(key=lambda e: e["path"].encode())
        manifest = {
            "format": "rampart-evidence/v1",
            "scanner": {"name": "rampart", "version": "0.1.0"},
            "catalog_version": "test",
            "cluster": {"server": "https://127.0.0.1:6443", "context": "test", "server_version": "v1.32.4",
                        "platform": "linux/amd64", "kube_system_uid": "uid"},
            "started_at": "2025-06-01T12:00:00Z",
            "finished_at": "2025-06-01T12:01:00Z",
            "command_line": ["rampart", "scan"],
            "hash_algorithm": "sha256",
            "files": files,
            "signature": {"algorithm": ALGORITHM[alg], "public_key_sha256": self.fingerprint(alg),
                          "file": "manifest.json.sig", "public_key_file": "manifest.pub.pem"} if alg else None,
        }
        with open(os.path.join(bundle, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=2)
        if alg:
            self.sign(bundle, alg)
        return bundle

    def sign(self, bundle, alg):
        cmd = [{"KEY": self.keys[alg][0], "IN": os.path.join(bundle, "manifest.json"),
                "OUT": os.path.join(bundle, "manifest.json.sig")}.get(a, a) for a in SIGN[ALGORITHM_KEY[alg]]]
        subprocess.run(cmd, check=True, capture_output=True)

    def verify(self, bundle, key=None):
        args = [RAMPART, "evidence", "verify", bundle]
        if key:
            args += ["--pubkey", self.keys[key][1]]
        return run(*args)

    def lines(self, result):
        return result.stdout.splitlines()

    def assertFails(self, result, *expected_lines):
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        out = self.lines(result)
        for line in expected_lines:
            self.assertIn(line, out)
        self.assertTrue(out[-1].startswith("FAILED: "), out)

    def test_every_algorithm_verifies_with_the_trusted_key(self):
        for alg in KEYGEN:
            with self.subTest(alg=alg):
                bundle = self.make_bundle(alg)
                r = self.verify(bundle, alg)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertEqual(self.lines(r), [
                    f"OK: 4 files match manifest.json; signature valid ({ALGORITHM[alg]}, "
                    f"key sha256:{self.fingerprint(alg)})"])
                self.assertEqual(r.stderr, "")
                shutil.rmtree(bundle)

    def test_tampered_file(self):
        bundle = self.make_bundle("p256")
        with open(os.path.join(bundle, "report.json"), "ab") as f:
            f.write(b" ")
        r = self.verify(bundle, "p256")
        self.assertFails(r)
        self.assertEqual(len(self.lines(r)), 2)
        self.assertRegex(self.lines(r)[0], r"^changed: report\.json \(sha256 [0-9a-f]{12}…, manifest says "
                                           r"[0-9a-f]{12}…; 16 bytes, manifest says 15\)$")
        self.assertEqual(self.lines(r)[-1], "FAILED: 1 problem: 1 changed, 0 added, 0 missing; signature valid")

    def test_added_and_removed_files(self):
        bundle = self.make_bundle("rsa")
        os.remove(os.path.join(bundle, "rampart.prom"))
        with open(os.path.join(bundle, "detail", "notes.txt"), "w") as f:
            f.write("added later\n")
        r = self.verify(bundle, "rsa")
        self.assertFails(r)
        self.assertEqual(self.lines(r), ["added: detail/notes.txt", "missing: rampart.prom",
                                         "FAILED: 2 problems: 0 changed, 1 added, 1 missing; signature valid"])

    def test_tampered_manifest(self):
        bundle = self.make_bundle("p384")
        path = os.path.join(bundle, "manifest.json")
        with open(path) as f:
            manifest = json.load(f)
        manifest["cluster"]["server"] = "https://somewhere-else:6443"
        with open(path, "w") as f:
            json.dump(manifest, f, indent=2)
        r = self.verify(bundle, "p384")
        self.assertFails(r)
        self.assertTrue(self.lines(r)[0].startswith("bad signature: manifest.json.sig does not verify"), r.stdout)
        self.assertEqual(self.lines(r)[-1], "FAILED: 1 problem: 0 changed, 0 added, 0 missing; signature INVALID")

    def test_tampered_signature(self):
        bundle = self.make_bundle("ed25519")
        path = os.path.join(bundle, "manifest.json.sig")
        with open(path, "rb") as f:
            sig = bytearray(f.read())
        sig[10] ^= 0xFF
        with open(path, "wb") as f:
            f.write(sig)
        self.assertFails(self.verify(bundle, "ed25519"))
        self.assertFails(self.verify(bundle))  # the bundle's own key does not save it either

    def test_removed_signature(self):
        bundle = self.make_bundle("ed25519")
        os.remove(os.path.join(bundle, "manifest.json.sig"))
        r = self.verify(bundle, "ed25519")
        self.assertFails(r)
        self.assertTrue(self.lines(r)[0].startswith("missing: manifest.json.sig (the manifest says key sha256:"))

    def test_wrong_public_key(self):
        bundle = self.make_bundle("ed25519")
        for wrong in ("other", "p256", "rsa"):
            with self.subTest(key=wrong):
                r = self.verify(bundle, wrong)
                self.assertFails(r)
                self.assertIn(f"with key sha256:{self.fingerprint(wrong)}", r.stdout)

    def test_re_signed_bundle_passes_only_without_a_trusted_key(self):
        # Someone forges a report and re-signs everything with a key of their own.
        bundle = self.make_bundle("other", dict(FILES, **{"report.json": b'{"checks": ["all green"]}\n'}))
        untrusted = self.verify(bundle)
        self.assertEqual(untrusted.returncode, 0)
        self.assertIn("warning: the signature was checked with the bundle's own manifest.pub.pem, which proves "
                      "nothing about who made the bundle", untrusted.stdout)
        self.assertTrue(self.lines(untrusted)[-1].startswith("OK (not authenticated): "))
        self.assertFails(self.verify(bundle, "ed25519"))

    def test_unsigned_bundle(self):
        bundle = self.make_bundle()
        r = self.verify(bundle)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertTrue(self.lines(r)[0].startswith("warning: the bundle is not signed"))
        self.assertEqual(self.lines(r)[-1],
                         "OK (not authenticated): 3 files match manifest.json; the bundle is not signed")
        self.assertFails(self.verify(bundle, "ed25519"),
                         "missing: manifest.json.sig (the bundle is not signed, but --pubkey was given)")

    def test_bad_input_is_one_line_and_exit_1(self):
        cases = [
            ([RAMPART, "evidence", "verify", os.path.join(self.tmp, "nope")],
             f"rampart: {os.path.join(self.tmp, 'nope')}: not a directory (expected an evidence bundle)"),
            ([RAMPART, "evidence", "verify", self.tmp, "--pubkey", self.keys["ed25519"][0]],
             f"rampart: {self.keys['ed25519'][0]}: not a PEM public key (expected BEGIN PUBLIC KEY)"),
            ([RAMPART, "evidence", "verify", self.tmp, "--pubkey", "/nonexistent.pem"],
             "rampart: /nonexistent.pem: cannot read the key file"),
        ]
        for args, line in cases:
            with self.subTest(args=args):
                r = run(*args)
                self.assertEqual(r.returncode, 1)
                self.assertEqual(r.stdout, "")
                self.assertEqual(r.stderr.splitlines(), [line])
        r = run(RAMPART, "evidence", "verify")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)


if __name__ == "__main__":
    unittest.main()
