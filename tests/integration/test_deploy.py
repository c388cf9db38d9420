"""deploy/: every manifest parses, the scanner pod is hardened, RBAC is least privilege, and the
image's runtime packages carry every library the built binary needs.

The image is not built here (that takes root and minutes: scripts/image-smoke builds it with
buildah and runs it); the Dockerfile is checked as text and against the real binary's
shared-library needs. Manifests are parsed by kubectl itself, offline
(`kubectl kustomize` and `kubectl annotate --local -o json`); there is no API server to validate
them against a schema, so the fields that matter are checked one by one below.

The ClusterRoles are compared with `rampart auth role -o json`, which the binary derives from the
collector's own list of API calls: deploy/ grants exactly what the collector requests, no more.
rampart's own checks run on the CronJob's pod (test_deploy_self_scan.py).
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

SOURCE = os.environ.get("RAMPART_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(SOURCE, "deploy")
RAMPART = os.environ.get("RAMPART_BIN", "rampart")

SCANNER_UID = 65532
NAMESPACE = "rampart"
SCANNER_SA = {"kind": "ServiceAccount", "name": "rampart", "namespace": NAMESPACE}

READ_VERBS = {"get", "list", "watch"}
# Each optional permission: its own ClusterRole and file.
OPTIONAL = {
    "rampart-optional-secrets-metadata": ("rbac-optional-secrets.yaml", ("", "secrets")),
    "rampart-optional-nodes-proxy": ("rbac-optional-nodes-proxy.yaml", ("", "nodes/proxy")),
}
NAMESPACED_KINDS = {"ServiceAccount", "CronJob", "PersistentVolumeClaim", "NetworkPolicy", "Role", "RoleBinding"}
# In debian:bookworm-slim already (apt depends on them).
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}
TEST_ONLY_PACKAGES = {"catch2"}


def rampart_role():
    """The rules the collector needs, from the binary: {"required": [...], "optional": [...]}."""
    out = subprocess.run([RAMPART, "auth", "role", "-o", "json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def rampart_reads(part="required"):
    """(apiGroup, resource) -> verbs the collector requests."""
    return expand_rules(rampart_role()[part])


def parse_objects(text):
    """Concatenated JSON documents (kubectl's -o json for several objects) to a list."""
    decoder, objects, i = json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return objects
        obj, i = decoder.raw_decode(text, i)
        objects.extend(obj["items"] if obj.get("kind") == "List" else [obj])


def kubectl(*args, stdin=None):
    r = subprocess.run(["kubectl", *args], input=stdin, capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, KUBECONFIG=os.devnull))
    if r.returncode != 0:
        raise AssertionError(f"kubectl {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout


def load(path_or_stdin, stdin=None):
    """Objects of a manifest file (or of YAML on stdin with '-'), parsed by kubectl offline."""
    out = kubectl("annotate", "--local", "-f", path_or_stdin, "-o", "json", "rampart.dev/parsed=true", stdin=stdin)
    objects = parse_objects(out)
    for o in objects:  # the annotation was only the vehicle for parsing
        o["metadata"]["annotations"].pop("rampart.dev/parsed")
        if not o["metadata"]["annotations"]:
            del o["metadata"]["annotations"]
    return objects


def render(tmp, opt_in=(), digest=None):
    """deploy/ as whoever installs it applies it: a copy whose kustomization has the optional
    permissions in `opt_in` (file names) uncommented and, with `digest`, the image pinned by it
    (both as docs/cronjob.md tells), rendered by `kubectl kustomize`."""
    copy = os.path.join(tmp, "deploy")
    shutil.copytree(DEPLOY, copy, dirs_exist_ok=True)
    path = os.path.join(copy, "kustomization.yaml")
    with open(path) as f:
        text = f.read()
    for file in opt_in:
        text, n = re.subn(rf"^(\s*)# - {re.escape(file)}", rf"\1- {file}", text, flags=re.M)
        assert n == 1, f"{file} is not an optional line of deploy/kustomization.yaml"
    if digest:
        text, n = re.subn(r'^(\s*)newTag: .*$', rf"\1digest: {digest}", text, flags=re.M)
        assert n == 1, "no newTag in deploy/kustomization.yaml"
    with open(path, "w") as f:
        f.write(text)
    return load("-", stdin=kubectl("kustomize", copy))


def expand_rules(rules, names=False):
    """(apiGroup, resource) -> verbs; with names=True the key also holds the rule's resourceNames
    (a grant narrowed to named objects is a different grant)."""
    grants = {}
    for rule in rules:
        for group in rule.get("apiGroups", []):
            for resource in rule.get("resources", []):
                key = (group, resource, tuple(rule.get("resourceNames", []))) if names else (group, resource)
                grants.setdefault(key, set()).update(rule.get("verbs", []))
    return grants


@unittest.skipUnless(shutil.which("kubectl"), "kubectl is not installed")
class Manifests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with tempfile.TemporaryDirectory(prefix="rampart-deploy-") as tmp:
            cls.default = load("-", stdin=kubectl("kustomize", DEPLOY))
            cls.objects = render(tmp, opt_in=[file for file, _ in OPTIONAL.values()])
        cls.by_kind = {}
        for o in cls.objects:
            cls.by_kind.setdefault(o["kind"], {})[o["metadata"]["name"]] = o

    def get(self, kind, name):
        self.assertIn(name, self.by_kind.get(kind, {}), f"{kind}/{name} missing from deploy/")
        return self.by_kind[kind][name]

    def cronjob_pod_spec(self):
        return self.get("CronJob", "rampart-scan")["spec"]["jobTemplate"]["spec"]["template"]["spec"]

    def test_every_manifest_parses_and_is_in_the_kustomization(self):
        with open(os.path.join(DEPLOY, "kustomization.yaml")) as f:
            listed = set(re.findall(r"^\s*(?:# )?-\s+(\S+\.yaml)", f.read(), re.M))
        files = {n for n in os.listdir(DEPLOY) if n.endswith(".yaml") and n != "kustomization.yaml"}
        self.assertEqual(files, listed)
        total = 0
        for name in sorted(files):
            with self.subTest(file=name):
                objects = load(os.path.join(DEPLOY, name))
                self.assertTrue(objects)
                total += len(objects)
        self.assertEqual(total, len(self.objects))

    def test_namespaced_objects_live_in_the_rampart_namespace(self):
        for o in self.objects:
            with self.subTest(kind=o["kind"], name=o["metadata"]["name"]):
                if o["kind"] in NAMESPACED_KINDS:
                    self.assertEqual(o["metadata"].get("namespace"), NAMESPACE)
                else:
                    self.assertNotIn("namespace", o["metadata"])

    def test_namespace_enforces_restricted_pod_security(self):
        labels = self.get("Namespace", NAMESPACE)["metadata"]["labels"]
        for mode in ("enforce", "warn", "audit"):
            self.assertEqual(labels[f"pod-security.kubernetes.io/{mode}"], "restricted")

    def test_reader_role_is_what_rampart_reads(self):
        role = self.get("ClusterRole", "rampart-reader")
        for rule in role["rules"]:
            self.assertNotIn("nonResourceURLs", rule)
            for field in ("apiGroups", "resources", "verbs"):
                self.assertNotIn("*", rule[field], rule)
        self.assertEqual(expand_rules(role["rules"], names=True), expand_rules(rampart_role()["required"], names=True))
        # The only named grant: get on ConfigMap kube-proxy (4.3.1 reads its config.conf).
        named = {k: v for k, v in expand_rules(role["rules"], names=True).items() if k[2]}
        self.assertEqual(named, {("", "configmaps", ("kube-proxy",)): {"get"}})
        self.assertNotIn("aggregationRule", role)

    def test_verbs_are_read_only(self):
        for name, role in self.by_kind["ClusterRole"].items():
            for (group, resource), verbs in expand_rules(role["rules"]).items():
                with self.subTest(role=name, resource=f"{group}/{resource}"):
                    self.assertLessEqual(verbs, READ_VERBS)
        self.assertNotIn("Role", self.by_kind)  # nothing namespaced grants more on the side

    def test_optional_permissions_are_separate_and_marked(self):
        optional = rampart_reads("optional")
        self.assertEqual(set(optional), {key for _, key in OPTIONAL.values()})
        for name, (file, key) in OPTIONAL.items():
            with self.subTest(role=name):
                role = self.get("ClusterRole", name)
                self.assertEqual(expand_rules(role["rules"]), {key: optional[key]})
                self.assertEqual(role["metadata"]["labels"]["rampart.dev/optional"], "true")
                self.assertEqual(self.get("ClusterRoleBinding", name)["roleRef"]["name"], name)
                with open(os.path.join(DEPLOY, file)) as f:
                    self.assertTrue(f.read().startswith("# OPTIONAL: "))
                # Everything in the file is about this one permission.
                self.assertEqual({o["metadata"]["name"] for o in load(os.path.join(DEPLOY, file))}, {name})
        with open(os.path.join(DEPLOY, "kustomization.yaml")) as f:
            text = f.read()
        for _, (file, _) in OPTIONAL.items():  # off by default, one "# " away from on
            self.assertRegex(text, rf"\n\s*# - {re.escape(file)}\s+# OPTIONAL:")
        default_roles = {o["metadata"]["name"] for o in self.default if o["kind"] in ("ClusterRole", "ClusterRoleBinding")}
        self.assertEqual(default_roles & set(OPTIONAL), set())
        self.assertEqual(len(self.objects) - len(self.default), 2 * len(OPTIONAL))
        for role in self.by_kind["ClusterRole"].values():
            self.assertFalse({("", "secrets"), ("", "nodes/proxy")} & set(expand_rules(role["rules"]))
                             and role["metadata"]["name"] not in OPTIONAL, role["metadata"]["name"])

    def test_bindings_bind_only_the_scanner_to_our_roles(self):
        roles = set(self.by_kind["ClusterRole"])
        bound = set()
        for name, binding in self.by_kind["ClusterRoleBinding"].items():
            with self.subTest(binding=name):
                self.assertEqual(binding["subjects"], [SCANNER_SA])
                self.assertEqual(binding["roleRef"]["kind"], "ClusterRole")
                self.assertIn(binding["roleRef"]["name"], roles)
                bound.add(binding["roleRef"]["name"])
        self.assertEqual(bound, roles)

    def test_service_account_mounts_no_token_by_default(self):
        sa = self.get("ServiceAccount", "rampart")
        self.assertIs(sa["automountServiceAccountToken"], False)
        spec = self.cronjob_pod_spec()
        self.assertEqual(spec["serviceAccountName"], "rampart")
        self.assertIs(spec["automountServiceAccountToken"], True)

    def test_cronjob_pod_is_hardened(self):
        spec = self.cronjob_pod_spec()
        pod_sc = spec["securityContext"]
        self.assertIs(pod_sc["runAsNonRoot"], True)
        self.assertEqual(pod_sc["runAsUser"], SCANNER_UID)
        self.assertEqual(pod_sc["seccompProfile"], {"type": "RuntimeDefault"})
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            self.assertFalse(spec.get(key, False), key)
        self.assertEqual(spec["restartPolicy"], "Never")
        self.assertEqual([c["name"] for c in spec["containers"]], ["rampart"])
        self.assertNotIn("initContainers", spec)
        c = spec["containers"][0]
        sc = c["securityContext"]
        self.assertIs(sc["runAsNonRoot"], True)
        self.assertEqual(sc["runAsUser"], SCANNER_UID)
        self.assertIs(sc["readOnlyRootFilesystem"], True)
        self.assertIs(sc["allowPrivilegeEscalation"], False)
        self.assertIs(sc.get("privileged", False), False)
        self.assertEqual(sc["capabilities"], {"drop": ["ALL"]})
        self.assertEqual(sc["seccompProfile"], {"type": "RuntimeDefault"})
        for kind in ("requests", "limits"):
            self.assertLessEqual({"cpu", "memory"}, set(c["resources"][kind]), kind)
        self.assertNotIn("ports", c)
        volumes = {v["name"]: v for v in spec["volumes"]}
        for v in volumes.values():
            self.assertNotIn("hostPath", v)
        mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
        self.assertEqual(volumes[mounts["/reports"]]["persistentVolumeClaim"]["claimName"], "rampart-reports")
        self.get("PersistentVolumeClaim", "rampart-reports")
        self.assertIn("emptyDir", volumes[mounts["/tmp"]])
        # The signing key: group-readable for fsGroup 65532 only (secret files belong to root).
        key_volume = volumes[mounts["/etc/rampart/sign-key"]]
        self.assertEqual(key_volume["secret"]["defaultMode"], 0o440)
        self.assertEqual(pod_sc["fsGroup"], SCANNER_UID)

    def test_cronjob_runs_without_a_shell(self):
        spec = self.cronjob_pod_spec()
        c = spec["containers"][0]
        self.assertNotIn("command", c)  # the image's ENTRYPOINT is rampart itself
        args = c["args"]
        self.assertEqual(args[0], "scan")
        self.assertNotIn("sh", args)
        self.assertIn("--in-cluster", args)
        outputs = [args[i + 1] for i, a in enumerate(args) if a == "--output"]
        self.assertEqual(outputs, ["json=/reports/report.json", "prometheus=/reports/rampart.prom"])
        evidence = args[args.index("--evidence-dir") + 1]
        self.assertEqual(evidence, "/reports/evidence/$(POD_NAME)")
        self.assertIn(args[args.index("--fail-on") + 1], {"critical", "high", "medium", "low", "info"})
        # Every $(VAR) is one Kubernetes expands itself: an env var of the container.
        env = {e["name"]: e for e in c["env"]}
        for var in re.findall(r"\$\((\w+)\)", " ".join(args)):
            self.assertIn(var, env)
        self.assertEqual(env["POD_NAME"]["valueFrom"]["fieldRef"]["fieldPath"], "metadata.name")
        key_path = args[args.index("--sign-key") + 1]
        mounts = [m["mountPath"] for m in c["volumeMounts"]]
        self.assertTrue(any(key_path.startswith(m + "/") for m in mounts), key_path)
        self.assertTrue(all(m.startswith("/reports") for m in
                            [o.split("=", 1)[1] for o in outputs] + [evidence]))

    def test_cronjob_failure_policy_matches_the_exit_codes(self):
        cj = self.get("CronJob", "rampart-scan")["spec"]
        self.assertEqual(cj["concurrencyPolicy"], "Forbid")
        job = cj["jobTemplate"]["spec"]
        rules = job["podFailurePolicy"]["rules"]
        fail_job = [r for r in rules if r["action"] == "FailJob"]
        self.assertEqual(fail_job[0]["onExitCodes"], {"containerName": "rampart", "operator": "In", "values": [2]})
        self.assertGreater(job["backoffLimit"], 0)  # exit 1 (could not run) is retried
        self.assertIn("activeDeadlineSeconds", job)

    def test_image_is_set_by_kustomize(self):
        with open(os.path.join(DEPLOY, "kustomization.yaml")) as f:
            text = f.read()
        name = re.search(r"newName:\s*(\S+)", text).group(1)
        tag = re.search(r"newTag:\s*\"?([^\"\s]+)", text).group(1)
        self.assertEqual(self.cronjob_pod_spec()["containers"][0]["image"], f"{name}:{tag}")

    def test_network_policies_deny_all_but_the_api_server(self):
        policies = self.by_kind["NetworkPolicy"]
        deny = policies["default-deny-all"]["spec"]
        self.assertEqual(deny["podSelector"], {})
        self.assertEqual(sorted(deny["policyTypes"]), ["Egress", "Ingress"])
        self.assertNotIn("ingress", deny)
        self.assertNotIn("egress", deny)
        allow = policies["rampart-egress-apiserver"]["spec"]
        self.assertEqual(allow["policyTypes"], ["Egress"])
        pod_labels = self.get("CronJob", "rampart-scan")["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
        for k, v in allow["podSelector"]["matchLabels"].items():
            self.assertEqual(pod_labels.get(k), v)
        ports = {(p["protocol"], p["port"]) for rule in allow["egress"] for p in rule["ports"]}
        self.assertEqual(ports, {("TCP", 443), ("TCP", 6443)})
        self.assertEqual(set(policies), {"default-deny-all", "rampart-egress-apiserver"})


def dockerfile_stages():
    """[(FROM line, [instructions with continuations joined])] of deploy/Dockerfile."""
    with open(os.path.join(DEPLOY, "Dockerfile")) as f:
        text = re.sub(r"\\\n", " ", f.read())
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            stages.append((line, []))
        else:
            stages[-1][1].append(line)
    return stages


def apt_packages(instructions):
    packages = set()
    for ins in instructions:
        for m in re.finditer(r"apt-get install ([^&]*)", ins):
            packages.update(p for p in m.group(1).split() if not p.startswith("-"))
    return packages


class Dockerfile(unittest.TestCase):
    def test_two_stages_on_bookworm(self):
        stages = dockerfile_stages()
        self.assertEqual([s[0] for s in stages], ["FROM debian:bookworm AS build", "FROM debian:bookworm-slim"])

    def test_runtime_runs_rampart_as_non_root(self):
        runtime = dockerfile_stages()[-1][1]
        self.assertIn(f"USER {SCANNER_UID}:{SCANNER_UID}", runtime)
        entry = [i for i in runtime if i.startswith("ENTRYPOINT ")]
        self.assertEqual(entry, ['ENTRYPOINT ["/usr/local/bin/rampart"]'])  # exec form: no shell
        self.assertIn("COPY --from=build /build/rampart /usr/local/bin/rampart", runtime)

    def test_build_stage_installs_the_dev_packages_of_scripts_deps(self):
        with open(os.path.join(SOURCE, "scripts", "deps")) as f:
            deps = re.search(r"RAMPART_PACKAGES=\(([^)]*)\)", f.read()).group(1).split()
        wanted = {p for p in deps if p.endswith("-dev")} - TEST_ONLY_PACKAGES
        self.assertLessEqual(wanted, apt_packages(dockerfile_stages()[0][1]))

    @unittest.skipUnless(shutil.which("readelf") and shutil.which("dpkg"), "needs readelf and dpkg")
    def test_runtime_packages_provide_every_library_the_binary_needs(self):
        runtime = apt_packages(dockerfile_stages()[-1][1])
        self.assertTrue(runtime)
        self.assertNotIn("", runtime)
        self.assertFalse({p for p in runtime if p.endswith("-dev")}, "no -dev packages at runtime")
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]",
                            subprocess.run(["readelf", "-d", RAMPART], capture_output=True, text=True,
                                           check=True).stdout)
        self.assertTrue(needed)
        resolved = dict(re.findall(r"^\s*(\S+) => (\S+)", subprocess.run(
            ["ldd", RAMPART], capture_output=True, text=True, check=True).stdout, re.M))
        for lib in needed:
            with self.subTest(lib=lib):
                owner = subprocess.run(["dpkg", "-S", os.path.realpath(resolved[lib])], capture_output=True,
                                       text=True)
                if owner.returncode != 0:  # usrmerge: dpkg may know the /lib path only
                    owner = subprocess.run(["dpkg", "-S", resolved[lib]], capture_output=True, text=True)
                self.assertEqual(owner.returncode, 0, owner.stderr)
                package = owner.stdout.split(":")[0]
                self.assertIn(package, runtime | BASE_IMAGE_PACKAGES)


if __name__ == "__main__":
    unittest.main()
