"""rampart scan --context A --context B (and --all-contexts) against two live simulated clusters
and one unreachable API server: both clusters are scanned concurrently, each gets its own
report files and evidence bundle, the unreachable one is reported, the roll-up shows the scores
and shared failures, and the exit code is the worst. The simulators also record any request that
would have returned secret values; there must be none."""
import json
import os
import shutil
import socket
import tempfile
import unittest

from reportlib import load_report, run
from simlib import start_sim


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens here now: connecting is refused at once
    return port


class Contexts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="rampart-contexts-")
        cls.stack = []
        cls.sims = {}
        for name in ("demo", "hardened"):
            cm = start_sim(name, no_kubelets=True)
            cls.sims[name] = cm.__enter__()
            cls.stack.append(cm)
        clusters, users, contexts = [], [], []
        for name, sim in cls.sims.items():
            clusters.append({"name": name, "cluster": {"server": sim.server, "certificate-authority": sim.ca}})
            users.append({"name": name + "-user", "user": {"token": sim.token("token")}})
            contexts.append({"name": name, "context": {"cluster": name, "user": name + "-user"}})
        clusters.append({"name": "down", "cluster": {"server": "https://127.0.0.1:%d" % closed_port(),
                                                     "certificate-authority": cls.sims["demo"].ca}})
        contexts.append({"name": "down", "context": {"cluster": "down", "user": "demo-user"}})
        cls.kubeconfig = os.path.join(cls.tmp, "kubeconfig")
        with open(cls.kubeconfig, "w") as f:
            json.dump({"apiVersion": "v1", "kind": "Config", "clusters": clusters, "users": users,
                       "contexts": contexts, "current-context": "demo"}, f)

    @classmethod
    def tearDownClass(cls):
        for cm in reversed(cls.stack):
            cm.__exit__(None, None, None)
        shutil.rmtree(cls.tmp)

    def test_two_clusters_and_an_unreachable_one(self):
        out = os.path.join(self.tmp, "out")
        os.mkdir(out)
        evidence = os.path.join(self.tmp, "evidence")
        r = run("scan", "--kubeconfig", self.kubeconfig, "--context", "demo", "--context", "hardened,down", "--no-probes",
                "--connect-timeout", "5s", "--output", "json=" + os.path.join(out, "report.json"), "--output", "json",
                "--evidence-dir", evidence, timeout=300)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"rampart: cluster down: .*127\.0\.0\.1")
        roll = json.loads(r.stdout)
        self.assertEqual([(c["name"], c["scanned"]) for c in roll["clusters"]],
                         [("demo", True), ("hardened", True), ("down", False)])
        self.assertEqual(sorted(os.listdir(out)), ["report.demo.json", "report.hardened.json", "report.json"])
        with open(os.path.join(out, "report.json")) as f:
            self.assertEqual(json.load(f), roll, "the file named by --output json= holds the roll-up")
        self.assertEqual(sorted(os.listdir(evidence)), ["demo", "hardened"])
        demo = load_report(os.path.join(out, "report.demo.json"))
        hardened = load_report(os.path.join(out, "report.hardened.json"))
        self.assertEqual(demo["source"], "live")
        self.assertEqual(demo["cluster"]["server"], self.sims["demo"].server)
        self.assertEqual(hardened["cluster"]["server"], self.sims["hardened"].server)
        self.assertGreater(hardened["score"]["overall"], demo["score"]["overall"])
        fails = lambda rep: {c["id"] for c in rep["checks"] if c["status"] == "FAIL"}
        self.assertEqual({s["id"] for s in roll["shared_failures"]}, fails(demo) & fails(hardened))
        for name, sim in self.sims.items():
            self.assertEqual(sim.secret_violations(), [], name)
        v = run("evidence", "verify", os.path.join(evidence, "demo"))
        self.assertEqual(v.returncode, 0, v.stdout)

    def test_all_contexts_text_roll_up(self):
        r = run("scan", "--kubeconfig", self.kubeconfig, "--all-contexts", "--no-probes", "--connect-timeout", "5s",
                "--checks", "1.2.1,5.1.1", timeout=300)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("== Clusters", r.stdout)
        self.assertRegex(r.stdout, r"\n  demo +\S+ +\S+ +\d+ FAIL")
        self.assertRegex(r.stdout, r"\n  down +NOT SCANNED: ")
        self.assertIn("== Failures shared by several clusters", r.stdout)

    def test_one_context_is_an_ordinary_scan(self):
        r = run("scan", "--kubeconfig", self.kubeconfig, "--context", "hardened", "--no-probes", "--output", "json", timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["schema_version"], 1)  # a report, not a roll-up


if __name__ == "__main__":
    unittest.main()
