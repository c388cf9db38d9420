"""Loading a cluster directory (testdata/clusters/NAME) into an in-memory object store.

A cluster directory holds cluster.json (cluster-level settings, see tests/sim/README.md) and
any number of other *.json files, each one object, a {"kind": "List", "items": [...]} or a
JSON array of objects. Every object must be of a kind the simulator serves. Missing uid,
creationTimestamp and resourceVersion are filled in deterministically.
"""
import base64
import glob
import json
import os
import re
import time
import uuid

import sim_scale
from sim_resources import BY_KIND

COMPACT = (",", ":")


class ClusterError(Exception):
    pass


def dumps(obj):
    return json.dumps(obj, separators=COMPACT).encode()


class Entry:
    """One stored object with its encodings cached (lists are served by joining them)."""

    __slots__ = ("obj", "ns", "name", "key", "_item", "_full", "_meta")

    def __init__(self, obj):
        self.obj = obj
        md = obj["metadata"]
        self.ns = md.get("namespace", "")
        self.name = md["name"]
        self.key = self.ns + "/" + self.name if self.ns else self.name
        self._item = self._full = self._meta = None

    @property
    def labels(self):
        return self.obj["metadata"].get("labels") or {}

    @property
    def print_obj(self):
        """The object Table printers read."""
        return self.obj

    def item_json(self):
        """As an item of a typed list: built-in kinds carry no kind/apiVersion there."""
        if self._item is None:
            self._item = dumps({k: v for k, v in self.obj.items() if k not in ("kind", "apiVersion")})
        return self._item

    def full_json(self):
        if self._full is None:
            self._full = dumps(self.obj)
        return self._full

    def meta_obj(self):
        return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                "metadata": self.obj["metadata"]}

    def meta_json(self):
        if self._meta is None:
            self._meta = dumps(self.meta_obj())
        return self._meta


def _read_objects(path):
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ClusterError("%s: %s" % (path, e))
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and data.get("kind") == "List" or (
            isinstance(data, dict) and str(data.get("kind", "")).endswith("List") and "items" in data):
        return data.get("items") or []
    if isinstance(data, dict):
        return [data]
    raise ClusterError("%s: expected an object, a List or an array" % path)


class Cluster:
    """Settings and objects of one simulated cluster."""

    def __init__(self, directory):
        self.directory = os.path.abspath(directory)
        settings_path = os.path.join(self.directory, "cluster.json")
        if not os.path.isfile(settings_path):
            raise ClusterError("%s: no cluster.json (is this a cluster directory?)" % self.directory)
        with open(settings_path) as f:
            try:
                self.settings = json.load(f)
            except ValueError as e:
                raise ClusterError("%s: %s" % (settings_path, e))
        self.name = self.settings.get("name", os.path.basename(self.directory))
        self.created = self.settings.get("created", "2025-01-01T00:00:00Z")
        self.store = {}  # resource -> {key: Entry}
        self.sorted = {}  # resource -> [Entry] sorted by key
        self.templates = []  # sim_scale.Template: namespaces served as virtual copies
        self.rv = 1000
        seen_ns = set()
        pending = []
        for path in sorted(glob.glob(os.path.join(self.directory, "*.json"))):
            if os.path.basename(path) == "cluster.json":
                continue
            for obj in _read_objects(path):
                pending.append((path, obj))
        for path, obj in pending:
            res = self._resource_of(path, obj)
            if res.kind == "Namespace":
                seen_ns.add(obj["metadata"]["name"])
        for path, obj in pending:
            self._add(path, obj, seen_ns)
        self.kubelet_configs = {}
        for node, spec in self.nodes().items():
            cfg = spec.get("kubelet", {}).get("configz")
            if cfg:
                full = os.path.join(self.directory, cfg)
                try:
                    with open(full) as f:
                        self.kubelet_configs[node] = json.load(f)
                except (OSError, ValueError) as e:
                    raise ClusterError("%s: %s" % (full, e))
                if "kubeletconfig" not in self.kubelet_configs[node]:
                    raise ClusterError('%s: expected {"kubeletconfig": {...}}' % full)
        for node in self.nodes():
            if node not in self.store.get("nodes", {}):
                raise ClusterError("cluster.json names node %s, but no Node object has that name" % node)

    def _resource_of(self, path, obj):
        if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict) or \
                not obj["metadata"].get("name"):
            raise ClusterError("%s: every object needs kind, apiVersion and metadata.name" % path)
        res = BY_KIND.get((obj.get("apiVersion"), obj.get("kind")))
        if res is None or not res.served:
            raise ClusterError("%s: %s/%s %s is not a kind the simulator serves" % (
                path, obj.get("apiVersion"), obj.get("kind"), obj["metadata"]["name"]))
        return res

    def _add(self, path, obj, namespaces):
        res = self._resource_of(path, obj)
        md = obj["metadata"]  # objects come straight from json.load: no copy needed
        if res.namespaced:
            ns = md.get("namespace")
            if not ns:
                raise ClusterError("%s: %s %s needs metadata.namespace" % (path, res.kind, md["name"]))
            if ns not in namespaces:
                raise ClusterError("%s: %s %s/%s is in a namespace no Namespace object declares" % (
                    path, res.kind, ns, md["name"]))
        elif "namespace" in md:
            raise ClusterError("%s: %s %s is cluster-scoped but has a namespace" % (path, res.kind, md["name"]))
        md.setdefault("uid", str(uuid.uuid5(uuid.NAMESPACE_URL, "%s/%s/%s/%s/%s" % (
            self.name, obj["apiVersion"], obj["kind"], md.get("namespace", ""), md["name"]))))
        md.setdefault("creationTimestamp", self.created)
        self.rv += 1
        md.setdefault("resourceVersion", str(self.rv))
        bucket = self.store.setdefault(res.plural, {})
        entry = Entry(obj)
        if entry.key in bucket:
            raise ClusterError("%s: duplicate %s %s" % (path, res.kind, entry.key))
        bucket[entry.key] = entry

    def finish(self):
        """Call after rewriting objects: sorts and freezes the lists."""
        self.sorted = {plural: sorted(bucket.values(), key=lambda e: e.key)
                       for plural, bucket in self.store.items()}

    def nodes(self):
        return self.settings.get("nodes", {})

    def objects_unsorted(self, plural):
        """Before finish(): the stored entries of one resource, in no particular order."""
        return list(self.store.get(plural, {}).values())

    def add_scale(self, specs):
        """Serves virtual copies of namespaces: specs are (namespace, copies) pairs."""
        self.templates = [sim_scale.Template(self, ns, n) for ns, n in specs]

    def objects(self, plural, namespace=None):
        """Entries of a resource in key order (a sequence: with --scale, virtual copies are
        made as they are read), optionally only those of one namespace."""
        real = self.sorted.get(plural, [])
        if namespace is not None:
            for t in self.templates:
                i = t.owns(namespace)
                if i:
                    block = sim_scale.CopyBlock(t, plural, (i, i))
                    return [block.entry(k) for k in range(len(block))]
            return [e for e in real if e.ns == namespace]
        if not self.templates:
            return real
        return sim_scale.Merged(real, [sim_scale.CopyBlock(t, plural) for t in self.templates])

    def get(self, plural, namespace, name):
        key = namespace or name
        for t in self.templates:
            i = t.owns(key)
            if i:
                tmpl = self.get(plural, t.namespace if namespace else "", name if namespace else t.namespace)
                if tmpl is None:
                    return None
                block = sim_scale.CopyBlock(t, plural, (i, i))
                return block.entry(block.entries.index(tmpl))
        return self.store.get(plural, {}).get(namespace + "/" + name if namespace else name)

    def component_flags(self, component):
        """{flag: value} of a control-plane mirror pod's command and args (label
        component=NAME in kube-system; last value wins), or None without such a pod."""
        for entry in self.store.get("pods", {}).values():
            if entry.ns == "kube-system" and entry.labels.get("component") == component:
                containers = entry.obj.get("spec", {}).get("containers") or [{}]
                c = next((c for c in containers if c.get("name") == component), containers[0])
                flags = {}
                for arg in (c.get("command") or []) + (c.get("args") or []):
                    if arg.startswith("-"):
                        name, _, value = arg.lstrip("-").partition("=")
                        flags[name] = value
                return flags
        return None

    def version(self):
        v = self.settings.get("version", {})
        git = v.get("gitVersion", "v1.32.4")
        m = re.match(r"v(\d+)\.(\d+)", git)
        out = {"major": m.group(1) if m else "1", "minor": m.group(2) if m else "32",
               "gitVersion": git, "gitCommit": v.get("gitCommit", "59526cd4867447956156ae3a602fcbac10244b5c"),
               "gitTreeState": "clean", "buildDate": v.get("buildDate", "2025-04-22T16:03:42Z"),
               "goVersion": v.get("goVersion", "go1.23.8"), "compiler": "gc",
               "platform": v.get("platform", "linux/amd64")}
        return out


# ------------------------------------------------------------------ selectors

class SelectorError(Exception):
    pass


def _split_terms(text):
    terms, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            terms.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        terms.append(cur.strip())
    return terms


_SET_RE = re.compile(r"^([A-Za-z0-9./_-]+)\s+(in|notin)\s+\(([^)]*)\)$")
_EQ_RE = re.compile(r"^([A-Za-z0-9./_-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$")
_KEY_RE = re.compile(r"^(!?)\s*([A-Za-z0-9./_-]+)$")


def parse_label_selector(text):
    """Returns a predicate over a labels dict (labels.Parse semantics for =, ==, !=, in,
    notin, exists, !exists)."""
    reqs = []
    for term in _split_terms(text or ""):
        m = _SET_RE.match(term)
        if m:
            vals = {v.strip() for v in m.group(3).split(",") if v.strip()}
            key, op = m.group(1), m.group(2)
            reqs.append(lambda l, k=key, o=op, vs=vals: (l.get(k) in vs) if o == "in" else (l.get(k) not in vs))
            continue
        m = _EQ_RE.match(term)
        if m:
            key, op, val = m.groups()
            reqs.append(lambda l, k=key, o=op, v=val: (l.get(k) == v) if o != "!=" else (l.get(k) != v))
            continue
        m = _KEY_RE.match(term)
        if m:
            neg, key = m.groups()
            reqs.append(lambda l, k=key, n=neg: (k in l) != bool(n))
            continue
        raise SelectorError("unable to parse requirement: %s" % term)
    return lambda labels: all(r(labels) for r in reqs)


# field selectors every resource supports, plus the ones kube-apiserver adds per resource
FIELDS = {
    "*": {"metadata.name", "metadata.namespace"},
    "secrets": {"type"},
    "pods": {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
             "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"},
    "nodes": {"spec.unschedulable"},
    "namespaces": {"status.phase"},
    "events": {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
               "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
               "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"},
    "certificatesigningrequests": {"spec.signerName"},
    "replicasets": {"status.replicas"},
    "jobs": {"status.successful"},
}


def _field_value(obj, path):
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if cur is None:
        return "false" if path == "spec.hostNetwork" or path == "spec.unschedulable" else ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def _entry_field(entry, path):
    if path == "metadata.name":
        return entry.name
    if path == "metadata.namespace":
        return entry.ns
    return _field_value(entry.obj, path)


def parse_field_selector(text, plural):
    """Returns a predicate over an Entry (fields.ParseSelector semantics for =, ==, !=)."""
    reqs = []
    allowed = FIELDS["*"] | FIELDS.get(plural, set())
    for term in _split_terms(text or ""):
        m = re.match(r"^([A-Za-z0-9._]+)\s*(==|=|!=)\s*(.*)$", term)
        if not m:
            raise SelectorError("invalid selector: '%s'; can't understand '%s'" % (text, term))
        field, op, val = m.groups()
        if field not in allowed:
            raise SelectorError('field label not supported: %s' % field)
        reqs.append(lambda e, f=field, p=op, v=val: (_entry_field(e, f) == v) if p != "!=" else (_entry_field(e, f) != v))
    return lambda entry: all(r(entry) for r in reqs)


# ------------------------------------------------------------------ continue tokens

class ContinueError(Exception):
    pass


class ContinueExpired(Exception):
    def __init__(self, token):
        super().__init__("expired")
        self.token = token


def encode_continue(scope, start_after, rv):
    """An opaque token shaped like kube-apiserver's (base64url JSON with v, rv, start), plus the
    list it belongs to and when it was issued (our additions, for validation and expiry)."""
    payload = {"v": "meta.k8s.io/v1", "rv": rv, "start": start_after + "\x00", "scope": scope,
               "issued": round(time.time(), 3)}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=COMPACT).encode()).decode().rstrip("=")


def decode_continue(token, scope, ttl):
    """Returns (start_after, rv); raises ContinueError (400) or ContinueExpired (410)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        if payload.get("v") != "meta.k8s.io/v1" or not payload.get("start", "").endswith("\x00"):
            raise ValueError("unknown version")
    except (ValueError, TypeError, UnicodeDecodeError, AttributeError) as e:
        raise ContinueError("continue key is not valid: %s" % e)
    if payload.get("scope") != scope:
        raise ContinueError("continue key is not valid: it belongs to a different list")
    start = payload["start"][:-1]
    if ttl is not None and time.time() - float(payload.get("issued", 0)) > ttl:
        raise ContinueExpired(encode_continue(scope, start, -1))
    return start, int(payload.get("rv", -1))


def page(entries, start_after, limit):
    """(items, remaining) of entries sorted by key, after start_after, at most limit."""
    lo = 0
    if start_after:
        # binary search: entries are sorted by key
        hi = len(entries)
        while lo < hi:
            mid = (lo + hi) // 2
            if entries[mid].key <= start_after:
                lo = mid + 1
            else:
                hi = mid
    if limit and limit > 0:
        items = entries[lo:lo + limit]
    else:
        items = entries[lo:]
    return items, len(entries) - lo - len(items)
