"""The resource types the simulated API server knows: discovery data and Table printers.

Column names, types, formats and priorities follow kube-apiserver's printers
(pkg/printers/internalversion); descriptions are short and our own.
"""
import datetime

RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
CREATE = ["create"]


class Resource:
    def __init__(self, group, version, kind, plural, namespaced, short=(), categories=(),
                 verbs=RW, subresources=(), printer=None, served=True):
        self.group, self.version, self.kind, self.plural = group, version, kind, plural
        self.namespaced = namespaced
        self.short = list(short)
        self.categories = list(categories)
        self.verbs = list(verbs)
        self.subresources = list(subresources)  # (name, kind, verbs)
        self.printer = printer or default_printer
        self.served = served  # False: create-only review APIs, never listed

    @property
    def api_version(self):
        return self.group + "/" + self.version if self.group else self.version

    @property
    def singular(self):
        return self.kind.lower()

    @property
    def list_kind(self):
        return self.kind + "List"

    def discovery_entries(self):
        out = [{"name": self.plural, "singularName": self.singular, "namespaced": self.namespaced,
                "kind": self.kind, "verbs": self.verbs}]
        if self.short:
            out[0]["shortNames"] = self.short
        if self.categories:
            out[0]["categories"] = self.categories
        for name, kind, verbs in self.subresources:
            out.append({"name": self.plural + "/" + name, "singularName": "",
                        "namespaced": self.namespaced, "kind": kind, "verbs": verbs})
        return out


# ------------------------------------------------------------------ table helpers

NAME_COL = {"name": "Name", "type": "string", "format": "name", "priority": 0,
            "description": "Name of the object, unique within its namespace."}


def col(name, type_="string", priority=0, description="", fmt=""):
    return {"name": name, "type": type_, "format": fmt, "priority": priority,
            "description": description or name + " column."}


def parse_time(ts):
    try:
        return datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    except (TypeError, ValueError):
        return None


def human_duration(seconds):
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration."""
    s = int(seconds)
    if s < 0:
        return "<invalid>"
    if s < 120:
        return "%ds" % s
    m = s // 60
    if m < 10:
        rem = s % 60
        return "%dm%ds" % (m, rem) if rem else "%dm" % m
    if m < 180:
        return "%dm" % m
    h = s // 3600
    if h < 8:
        rem = (s % 3600) // 60
        return "%dh%dm" % (h, rem) if rem else "%dh" % h
    if h < 48:
        return "%dh" % h
    if h < 192:
        rem = h % 24
        return "%dd%dh" % (h // 24, rem) if rem else "%dd" % (h // 24)
    if h < 24 * 365 * 2:
        return "%dd" % (h // 24)
    if h < 24 * 365 * 8:
        dy = (h // 24) % 365
        return "%dy%dd" % (h // 24 // 365, dy) if dy else "%dy" % (h // 24 // 365)
    return "%dy" % (h // 24 // 365)


def age(obj, now):
    t = parse_time(obj.get("metadata", {}).get("creationTimestamp"))
    if t is None:
        return "<unknown>"
    return human_duration((now - t).total_seconds())


def _none(v):
    return v if v not in (None, "", []) else "<none>"


def _containers(spec):
    cs = spec.get("containers") or []
    return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)


def _selector(sel):
    if not sel:
        return "<none>"
    parts = ["%s=%s" % kv for kv in sorted((sel.get("matchLabels") or {}).items())]
    for e in sel.get("matchExpressions") or []:
        op = e.get("operator", "")
        if op in ("In", "NotIn"):
            parts.append("%s %s (%s)" % (e.get("key"), op.lower(), ",".join(e.get("values") or [])))
        elif op == "Exists":
            parts.append(e.get("key", ""))
        else:
            parts.append("!" + e.get("key", ""))
    return ",".join(parts) or "<none>"


def default_printer():
    """The default table convertor (CRDs, resources without a printer): Name, Created At."""
    cols = [NAME_COL, col("Created At", "date", description="When the object was created.")]
    return cols, lambda o, now: [o["metadata"]["name"], o["metadata"].get("creationTimestamp")]


def simple(*cols_and_cells):
    """A printer from (column, cell function) pairs following Name; Age is appended."""
    cols = [NAME_COL] + [c for c, _ in cols_and_cells] + [col("Age")]

    def row(o, now):
        return [o["metadata"]["name"]] + [f(o) for _, f in cols_and_cells] + [age(o, now)]
    return lambda: (cols, row)


def _pod_row(o, now):
    spec, st = o.get("spec", {}), o.get("status", {})
    statuses = st.get("containerStatuses") or []
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(int(c.get("restartCount", 0)) for c in statuses)
    reason = st.get("reason") or st.get("phase") or "Unknown"
    for c in statuses:
        waiting = (c.get("state") or {}).get("waiting")
        if waiting and waiting.get("reason"):
            reason = waiting["reason"]
    gates = spec.get("readinessGates")
    return [o["metadata"]["name"], "%d/%d" % (ready, len(spec.get("containers") or [])), reason,
            str(restarts), age(o, now), _none(st.get("podIP")), _none(spec.get("nodeName")),
            _none(st.get("nominatedNodeName")),
            "<none>" if not gates else "%d/%d" % (0, len(gates))]


def pod_printer():
    return ([NAME_COL, col("Ready"), col("Status"), col("Restarts"), col("Age"),
             col("IP", priority=1), col("Node", priority=1), col("Nominated Node", priority=1),
             col("Readiness Gates", priority=1)], _pod_row)


def _node_row(o, now):
    st = o.get("status", {})
    conds = {c.get("type"): c.get("status") for c in st.get("conditions") or []}
    state = {"True": "Ready", "False": "NotReady"}.get(conds.get("Ready"), "Unknown")
    if o.get("spec", {}).get("unschedulable"):
        state += ",SchedulingDisabled"
    roles = sorted(k.split("/", 1)[1] for k in o["metadata"].get("labels", {})
                   if k.startswith("node-role.kubernetes.io/"))
    addrs = {a.get("type"): a.get("address") for a in st.get("addresses") or []}
    info = st.get("nodeInfo", {})
    return [o["metadata"]["name"], state, ",".join(roles) or "<none>", age(o, now),
            info.get("kubeletVersion", ""), _none(addrs.get("InternalIP")),
            _none(addrs.get("ExternalIP")), info.get("osImage", ""), info.get("kernelVersion", ""),
            info.get("containerRuntimeVersion", "")]


def node_printer():
    return ([NAME_COL, col("Status"), col("Roles"), col("Age"), col("Version"),
             col("Internal-IP", priority=1), col("External-IP", priority=1),
             col("OS-Image", priority=1), col("Kernel-Version", priority=1),
             col("Container-Runtime", priority=1)], _node_row)


def _subjects(o, kind):
    out = []
    for s in o.get("subjects") or []:
        if s.get("kind") == kind:
            out.append(s.get("namespace", "") + ":" + s["name"] if kind == "ServiceAccount" else s["name"])
    return ", ".join(out)


def binding_printer():
    cols = [NAME_COL, col("Role"), col("Age"), col("Users", priority=1),
            col("Groups", priority=1), col("ServiceAccounts", priority=1)]

    def row(o, now):
        ref = o.get("roleRef", {})
        return [o["metadata"]["name"], ref.get("kind", "") + "/" + ref.get("name", ""), age(o, now),
                _subjects(o, "User"), _subjects(o, "Group"), _subjects(o, "ServiceAccount")]
    return cols, row


def _svc_ports(o):
    ports = []
    for p in o.get("spec", {}).get("ports") or []:
        s = "%s/%s" % (p.get("port"), p.get("protocol", "TCP"))
        if p.get("nodePort"):
            s = "%s:%s/%s" % (p.get("port"), p["nodePort"], p.get("protocol", "TCP"))
        ports.append(s)
    return ",".join(ports) or "<none>"


def _svc_row(o, now):
    spec = o.get("spec", {})
    ext = ",".join(spec.get("externalIPs") or []) or "<none>"
    sel = spec.get("selector")
    return [o["metadata"]["name"], spec.get("type", "ClusterIP"), _none(spec.get("clusterIP")), ext,
            _svc_ports(o), age(o, now),
            ",".join("%s=%s" % kv for kv in sorted(sel.items())) if sel else "<none>"]


def svc_printer():
    return ([NAME_COL, col("Type"), col("Cluster-IP"), col("External-IP"), col("Port(s)"),
             col("Age"), col("Selector", priority=1)], _svc_row)


def _endpoints(o):
    out = []
    for sub in o.get("subsets") or []:
        for a in sub.get("addresses") or []:
            for p in sub.get("ports") or []:
                out.append("%s:%s" % (a.get("ip"), p.get("port")))
    if len(out) > 3:
        return ",".join(out[:3]) + " + %d more..." % (len(out) - 3)
    return ",".join(out) or "<none>"


def _ds_row(o, now):
    st, spec = o.get("status", {}), o.get("spec", {})
    pspec = spec.get("template", {}).get("spec", {})
    names, images = _containers(pspec)
    ns = pspec.get("nodeSelector")
    return [o["metadata"]["name"], st.get("desiredNumberScheduled", 0), st.get("currentNumberScheduled", 0),
            st.get("numberReady", 0), st.get("updatedNumberScheduled", 0), st.get("numberAvailable", 0),
            ",".join("%s=%s" % kv for kv in sorted(ns.items())) if ns else "<none>", age(o, now),
            names, images, _selector(spec.get("selector"))]


def ds_printer():
    return ([NAME_COL, col("Desired", "integer"), col("Current", "integer"), col("Ready", "integer"),
             col("Up-to-date", "integer"), col("Available", "integer"), col("Node Selector"),
             col("Age"), col("Containers", priority=1), col("Images", priority=1),
             col("Selector", priority=1)], _ds_row)


def _deploy_row(o, now):
    st, spec = o.get("status", {}), o.get("spec", {})
    names, images = _containers(spec.get("template", {}).get("spec", {}))
    return [o["metadata"]["name"], "%d/%d" % (st.get("readyReplicas", 0), spec.get("replicas", 1)),
            st.get("updatedReplicas", 0), st.get("availableReplicas", 0), age(o, now), names, images,
            _selector(spec.get("selector"))]


def deploy_printer():
    return ([NAME_COL, col("Ready"), col("Up-to-date", "integer"), col("Available", "integer"),
             col("Age"), col("Containers", priority=1), col("Images", priority=1),
             col("Selector", priority=1)], _deploy_row)


def _sts_row(o, now):
    st, spec = o.get("status", {}), o.get("spec", {})
    names, images = _containers(spec.get("template", {}).get("spec", {}))
    return [o["metadata"]["name"], "%d/%d" % (st.get("readyReplicas", 0), spec.get("replicas", 1)),
            age(o, now), names, images]


def sts_printer():
    return ([NAME_COL, col("Ready"), col("Age"), col("Containers", priority=1),
             col("Images", priority=1)], _sts_row)


def _rs_row(o, now):
    st, spec = o.get("status", {}), o.get("spec", {})
    names, images = _containers(spec.get("template", {}).get("spec", {}))
    return [o["metadata"]["name"], spec.get("replicas", 1), st.get("replicas", 0),
            st.get("readyReplicas", 0), age(o, now), names, images, _selector(spec.get("selector"))]


def rs_printer():
    return ([NAME_COL, col("Desired", "integer"), col("Current", "integer"), col("Ready", "integer"),
             col("Age"), col("Containers", priority=1), col("Images", priority=1),
             col("Selector", priority=1)], _rs_row)


def _event_row(o, now):
    inv = o.get("involvedObject", {})
    src = o.get("source", {})
    last = o.get("lastTimestamp") or o.get("eventTime") or o["metadata"].get("creationTimestamp")
    first = o.get("firstTimestamp") or last
    since = lambda ts: human_duration((now - parse_time(ts)).total_seconds()) if parse_time(ts) else "<unknown>"
    return [since(last), o.get("type", ""), o.get("reason", ""),
            "%s/%s" % (inv.get("kind", "").lower(), inv.get("name", "")), inv.get("fieldPath", ""),
            ", ".join(v for v in (src.get("component"), src.get("host")) if v), o.get("message", ""),
            since(first), o.get("count", 1), o["metadata"]["name"]]


def event_printer():
    return ([col("Last Seen"), col("Type"), col("Reason"), col("Object"),
             col("Subobject", priority=1), col("Source", priority=1), col("Message"),
             col("First Seen", priority=1), col("Count", "integer", priority=1),
             col("Name", priority=1)], _event_row)


def _csr_row(o, now):
    spec, st = o.get("spec", {}), o.get("status", {})
    conds = [c.get("type", "") for c in st.get("conditions") or []]
    if st.get("certificate") and "Approved" in conds:
        conds.append("Issued")
    dur = spec.get("expirationSeconds")
    return [o["metadata"]["name"], age(o, now), spec.get("signerName", ""), spec.get("username", ""),
            human_duration(dur) if dur else "<none>", ",".join(conds) or "Pending"]


def csr_printer():
    return ([NAME_COL, col("Age"), col("SignerName"), col("Requestor"), col("RequestedDuration"),
             col("Condition")], _csr_row)


def _ns_row(o, now):
    return [o["metadata"]["name"], o.get("status", {}).get("phase", "Active"), age(o, now)]


def ns_printer():
    return [NAME_COL, col("Status"), col("Age")], _ns_row


def _netpol_selector(o):
    sel = o.get("spec", {}).get("podSelector")
    s = _selector(sel)
    return s if s != "<none>" else "<none>"


def _count(field):
    return lambda o: len(o.get(field) or {})


def _webhooks(o):
    return len(o.get("webhooks") or [])


def _sa_secrets(o):
    return len(o.get("secrets") or [])


# ------------------------------------------------------------------ the registry

def _r(*args, **kw):
    return Resource(*args, **kw)


RESOURCES = [
    _r("", "v1", "Namespace", "namespaces", False, ["ns"], printer=ns_printer,
       verbs=["create", "delete", "get", "list", "patch", "update", "watch"],
       subresources=[("finalize", "Namespace", ["update"]), ("status", "Namespace", ["get", "patch", "update"])]),
    _r("", "v1", "Pod", "pods", True, ["po"], ["all"], printer=pod_printer,
       subresources=[("attach", "PodAttachOptions", ["create", "get"]), ("binding", "Binding", CREATE),
                     ("ephemeralcontainers", "Pod", ["get", "patch", "update"]),
                     ("eviction", "Eviction", CREATE), ("exec", "PodExecOptions", ["create", "get"]),
                     ("log", "Pod", ["get"]), ("portforward", "PodPortForwardOptions", ["create", "get"]),
                     ("proxy", "PodProxyOptions", ["create", "delete", "get", "patch", "update"]),
                     ("status", "Pod", ["get", "patch", "update"])]),
    _r("", "v1", "ServiceAccount", "serviceaccounts", True, ["sa"],
       printer=simple((col("Secrets", "integer"), _sa_secrets)),
       subresources=[("token", "TokenRequest", CREATE)]),
    _r("", "v1", "Secret", "secrets", True,
       printer=simple((col("Type"), lambda o: o.get("type", "Opaque")),
                      (col("Data", "integer"), _count("data")))),
    _r("", "v1", "Node", "nodes", False, ["no"], printer=node_printer,
       subresources=[("proxy", "NodeProxyOptions", ["create", "delete", "get", "patch", "update"]),
                     ("status", "Node", ["get", "patch", "update"])]),
    _r("", "v1", "ConfigMap", "configmaps", True, ["cm"],
       printer=simple((col("Data", "integer"), lambda o: len(o.get("data") or {}) + len(o.get("binaryData") or {})))),
    _r("", "v1", "Service", "services", True, ["svc"], ["all"], printer=svc_printer,
       subresources=[("proxy", "ServiceProxyOptions", ["create", "delete", "get", "patch", "update"]),
                     ("status", "Service", ["get", "patch", "update"])]),
    _r("", "v1", "Endpoints", "endpoints", True, ["ep"], printer=simple((col("Endpoints"), _endpoints))),
    _r("", "v1", "Event", "events", True, ["ev"], printer=event_printer),
    _r("apps", "v1", "DaemonSet", "daemonsets", True, ["ds"], ["all"], printer=ds_printer,
       subresources=[("status", "DaemonSet", ["get", "patch", "update"])]),
    _r("apps", "v1", "Deployment", "deployments", True, ["deploy"], ["all"], printer=deploy_printer,
       subresources=[("scale", "Scale", ["get", "patch", "update"]), ("status", "Deployment", ["get", "patch", "update"])]),
    _r("apps", "v1", "StatefulSet", "statefulsets", True, ["sts"], ["all"], printer=sts_printer,
       subresources=[("scale", "Scale", ["get", "patch", "update"]), ("status", "StatefulSet", ["get", "patch", "update"])]),
    _r("apps", "v1", "ReplicaSet", "replicasets", True, ["rs"], ["all"], printer=rs_printer,
       subresources=[("scale", "Scale", ["get", "patch", "update"]), ("status", "ReplicaSet", ["get", "patch", "update"])]),
    _r("batch", "v1", "Job", "jobs", True, [], ["all"]),
    _r("batch", "v1", "CronJob", "cronjobs", True, ["cj"], ["all"]),
    _r("rbac.authorization.k8s.io", "v1", "Role", "roles", True),
    _r("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", False),
    _r("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", True, printer=binding_printer),
    _r("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", False,
       printer=binding_printer),
    _r("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", True, ["netpol"],
       printer=simple((col("Pod-Selector"), _netpol_selector))),
    _r("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", True),
    _r("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration",
       "validatingwebhookconfigurations", False, categories=["api-extensions"],
       printer=simple((col("Webhooks", "integer"), _webhooks))),
    _r("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration",
       "mutatingwebhookconfigurations", False, categories=["api-extensions"],
       printer=simple((col("Webhooks", "integer"), _webhooks))),
    _r("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy",
       "validatingadmissionpolicies", False, categories=["api-extensions"],
       subresources=[("status", "ValidatingAdmissionPolicy", ["get", "patch", "update"])]),
    _r("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding",
       "validatingadmissionpolicybindings", False, categories=["api-extensions"]),
    _r("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", False,
       ["crd", "crds"], ["api-extensions"],
       subresources=[("status", "CustomResourceDefinition", ["get", "patch", "update"])]),
    _r("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", False,
       ["csr"], printer=csr_printer,
       subresources=[("approval", "CertificateSigningRequest", ["get", "patch", "update"]),
                     ("status", "CertificateSigningRequest", ["get", "patch", "update"])]),
    _r("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", False,
       verbs=CREATE, served=False),
    _r("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", False, verbs=CREATE, served=False),
    _r("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", True,
       verbs=CREATE, served=False),
    _r("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", False,
       verbs=CREATE, served=False),
    _r("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", False,
       verbs=CREATE, served=False),
    _r("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", False,
       verbs=CREATE, served=False),
]

BY_KIND = {(r.api_version, r.kind): r for r in RESOURCES}
BY_PATH = {(r.group, r.version, r.plural): r for r in RESOURCES}


def group_versions():
    """Group name -> [versions] in registry order; the core group is ""."""
    out = {}
    for r in RESOURCES:
        versions = out.setdefault(r.group, [])
        if r.version not in versions:
            versions.append(r.version)
    return out


def resource_list(group, version):
    rs = [r for r in RESOURCES if r.group == group and r.version == version]
    if not rs:
        return None
    entries = []
    for r in rs:
        entries.extend(r.discovery_entries())
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": group + "/" + version if group else version, "resources": entries}


def api_group_list():
    groups = []
    for g, versions in group_versions().items():
        if not g:
            continue
        vs = [{"groupVersion": g + "/" + v, "version": v} for v in versions]
        groups.append({"name": g, "versions": vs, "preferredVersion": vs[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def aggregated_discovery(core, version="v2"):
    """APIGroupDiscoveryList (apidiscovery.k8s.io/v2): /api (core) or /apis (named groups)."""
    items = []
    for g, versions in group_versions().items():
        if bool(g) == core:
            continue
        vers = []
        for v in versions:
            resources = []
            for r in (x for x in RESOURCES if x.group == g and x.version == v):
                entry = {"resource": r.plural,
                         "responseKind": {"group": g, "version": v, "kind": r.kind},
                         "scope": "Namespaced" if r.namespaced else "Cluster",
                         "singularResource": r.singular, "verbs": r.verbs}
                if r.short:
                    entry["shortNames"] = r.short
                if r.categories:
                    entry["categories"] = r.categories
                if r.subresources:
                    entry["subresources"] = [{"subresource": name, "responseKind": {"group": g, "version": v, "kind": kind},
                                              "verbs": verbs} for name, kind, verbs in r.subresources]
                resources.append(entry)
            vers.append({"version": v, "resources": resources, "freshness": "Current"})
        items.append({"metadata": {"name": g, "creationTimestamp": None}, "versions": vers})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/" + version,
            "metadata": {}, "items": items}
