"""The simulated kube-apiserver: routing, authorization, content negotiation, lists.

See tests/sim/README.md for what is served. Request attributes follow
k8s.io/apiserver/pkg/endpoints/request (RequestInfoFactory); answers follow kube-apiserver.
"""
import datetime
import http.client
import json
import socket
import ssl
import threading
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import sim_status as st
from sim_cluster import (ContinueError, ContinueExpired, SelectorError, decode_continue, dumps,
                         encode_continue, page, parse_field_selector, parse_label_selector)
from sim_faults import Faults, Stats
from sim_http import SimHandler
from sim_proto import decode_review
from sim_resources import (BY_PATH, aggregated_discovery, api_group_list, group_versions,
                           resource_list)

NAMESPACE_SUBRESOURCES = {"status", "finalize"}
WRITE_VERBS = {"create", "update", "patch", "delete", "deletecollection"}
META_GROUP = "meta.k8s.io"
SECRET_REFUSAL = ("the simulator refuses to serve secret values: ask for metadata only "
                  "(Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, or "
                  "as=Table with includeObject=None or Metadata)")


class JsonLines:
    """An append-only JSON-lines file, one line per record, flushed at once."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.file = open(path, "a", buffering=1)

    def write(self, record):
        line = json.dumps(record, separators=(",", ":"), sort_keys=True)
        with self.lock:
            self.file.write(line + "\n")


class RequestInfo:
    """What kube-apiserver's RequestInfoFactory derives from a request."""

    def __init__(self, method, path, query):
        self.path = path
        self.resource_request = False
        self.group = self.version = self.namespace = self.resource = self.name = self.subresource = ""
        self.rest = []  # path parts after a subresource (nodes/NAME/proxy/<rest>)
        self.api_prefix = False
        parts = [p for p in path.split("/") if p]
        verb_of = {"GET": "get", "HEAD": "get", "POST": "post", "PUT": "put", "PATCH": "patch",
                   "DELETE": "delete"}
        self.verb = verb_of.get(method, method.lower())
        if parts[:1] == ["api"] and len(parts) >= 2:
            self.group, self.version, cur = "", parts[1], parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            self.group, self.version, cur = parts[1], parts[2], parts[3:]
        else:
            return
        self.api_prefix = True
        if not cur:
            return
        self.resource_request = True
        if cur[0] == "namespaces" and len(cur) > 1:
            self.namespace = cur[1]
            if len(cur) > 2 and cur[2] not in NAMESPACE_SUBRESOURCES:
                cur = cur[2:]
        self.resource = cur[0]
        if len(cur) >= 2:
            self.name = cur[1]
        if len(cur) >= 3:
            self.subresource = cur[2]
            self.rest = cur[3:]
        watch = (query.get("watch") or [""])[-1] in ("1", "true", "True")
        if method in ("GET", "HEAD"):
            self.verb = "get" if self.name else ("watch" if watch else "list")
        elif method == "POST":
            self.verb = "create"
        elif method == "PUT":
            self.verb = "update"
        elif method == "PATCH":
            self.verb = "patch"
        elif method == "DELETE":
            self.verb = "delete" if self.name else "deletecollection"

    def attrs(self):
        if self.resource_request:
            return {"verb": self.verb, "group": self.group, "resource": self.resource,
                    "subresource": self.subresource, "namespace": self.namespace, "name": self.name}
        return {"verb": self.verb, "path": self.path}


class Representation:
    def __init__(self, kind, version="v1", include="Metadata"):
        self.kind, self.version, self.include = kind, version, include  # kind: full | meta | table

    @property
    def content_type(self):
        if self.kind == "full":
            return "application/json"
        as_ = "Table" if self.kind == "table" else "PartialObjectMetadataList"
        return "application/json;as=%s;v=%s;g=%s" % (as_, self.version, META_GROUP)


def negotiate(accept, is_list):
    """Picks what to serve from an Accept header; None means 406."""
    if not accept or not accept.strip():
        return Representation("full")
    for media in accept.split(","):
        fields = [f.strip() for f in media.split(";")]
        mtype = fields[0].lower()
        params = {}
        for f in fields[1:]:
            k, _, v = f.partition("=")
            params[k.strip()] = v.strip()
        if mtype not in ("application/json", "application/*", "*/*"):
            continue  # protobuf, yaml, CBOR: not served by the simulator
        as_ = params.get("as")
        if not as_:
            return Representation("full")
        if params.get("g") != META_GROUP or params.get("v") not in ("v1", "v1beta1"):
            continue
        if as_ == "Table":
            return Representation("table", params["v"])
        if as_ == ("PartialObjectMetadataList" if is_list else "PartialObjectMetadata"):
            return Representation("meta", params["v"])
    return None


def aggregated_version(accept):
    """"v2" or "v2beta1" when the first JSON entry of Accept asks for aggregated discovery."""
    for media in (accept or "").split(","):
        fields = [f.strip() for f in media.split(";")]
        if fields[0].lower() not in ("application/json", "application/*", "*/*"):
            continue
        params = dict(f.partition("=")[::2] for f in fields[1:])
        if params.get("as") == "APIGroupDiscoveryList" and params.get("g") == "apidiscovery.k8s.io" \
                and params.get("v") in ("v2", "v2beta1"):
            return params["v"]
        if not params.get("as"):
            return None
    return None


class ApiApp:
    """Shared state of one simulated API server."""

    def __init__(self, cluster, authority, state_dir, kubelets, kubelet_client_cert,
                 continue_ttl=300.0, gzip_min_bytes=0, allow_secret_values=False):
        self.cluster = cluster
        self.auth = authority
        self.kubelets = kubelets  # node -> {"port", "readonly_port", "mode"}
        self.continue_ttl = continue_ttl
        self.gzip_min_bytes = gzip_min_bytes
        self.allow_secret_values = allow_secret_values
        self.faults = Faults()
        self.stats = Stats()
        self.requests_log = JsonLines(state_dir + "/requests.jsonl")
        self.violations_log = JsonLines(state_dir + "/secret-violations.jsonl")
        self.kubelet_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.kubelet_ctx.check_hostname = False
        self.kubelet_ctx.verify_mode = ssl.CERT_NONE  # kubeadm sets no --kubelet-certificate-authority
        self.kubelet_ctx.load_cert_chain(*kubelet_client_cert)
        self.profiling = self._apiserver_profiling()
        self.configz_from_data = {}  # node -> configz, answered without a kubelet (--no-kubelets)

    def _apiserver_profiling(self):
        """--profiling of the kube-apiserver mirror pod (absent = true, the compiled default)."""
        flags = self.cluster.component_flags("kube-apiserver") or {}
        return flags.get("profiling", "true").lower() in ("", "1", "t", "true")


class Ctx:
    """Per-request facts for the log line."""

    def __init__(self):
        self.identity = ""
        self.user = ""
        self.status = 0
        self.bytes = 0
        self.encoding = None
        self.faults = []
        self.violation = False
        self.truncate = False
        self.expire_continue = False


class ApiHandler(SimHandler):
    server_version = "rampart-sim-apiserver"

    def do_GET(self):
        self.dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    @property
    def app(self):
        return self.server.app

    # ---------------------------------------------------------------- plumbing

    def reply(self, ctx, code, body, content_type="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = dumps(body)
        # what kube-apiserver adds to every answer
        headers = dict({"Audit-Id": str(uuid.uuid4()), "Cache-Control": "no-cache, private"}, **(headers or {}))
        n, enc = self.send_body(code, body, content_type, headers,
                                gzip_min_bytes=self.app.gzip_min_bytes, truncate=ctx.truncate)
        ctx.status, ctx.bytes, ctx.encoding = code, n, enc

    def reply_status(self, ctx, status_obj, headers=None):
        self.reply(ctx, status_obj["code"], status_obj, headers=headers)

    def dispatch(self):
        t0 = time.monotonic()
        # Always drain the body: an unread body would be parsed as the next request, and closing
        # a socket with unread input resets the connection before the client reads our answer.
        try:
            self.body = self.read_body()
        except ValueError:
            self.close_connection = True
            return self.send_json(413, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                        "status": "Failure", "message": "request entity too large",
                                        "reason": "RequestEntityTooLarge", "code": 413})
        url = urlsplit(self.path)
        path = url.path or "/"
        query = parse_qs(url.query, keep_blank_values=True)
        if path.startswith("/__sim/"):
            return self.control(path)
        ctx = Ctx()
        try:
            self.handle_api(ctx, path, query)
        finally:
            app = self.app
            app.requests_log.write({
                "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
                "method": self.command, "path": path, "query": url.query, "identity": ctx.identity,
                "user": ctx.user, "status": ctx.status, "accept": self.headers.get("Accept", ""),
                "encoding": ctx.encoding or "", "bytes": ctx.bytes, "faults": ctx.faults,
                "user_agent": self.headers.get("User-Agent", ""),
                "duration_ms": round((time.monotonic() - t0) * 1000, 2)})
            app.stats.record(self.command, path, ctx.identity, ctx.status, ctx.bytes,
                             bool(ctx.faults), ctx.violation)

    def handle_api(self, ctx, path, query):
        app = self.app
        user, _why = app.auth.authenticate(self.peer_certificate(), self.headers.get("Authorization"))
        if user is None:
            return self.reply_status(ctx, st.unauthorized())
        ctx.identity, ctx.user = user.identity, user.name
        info = RequestInfo(self.command, path, query)
        acts = app.faults.take(self.command, path, user.identity, bool((query.get("continue") or [""])[-1]))
        if acts:
            ctx.faults = acts.applied
            if acts.latency_ms:
                time.sleep(acts.latency_ms / 1000.0)
            if acts.close:
                ctx.status = 0
                return self.drop_connection()
            ctx.truncate = acts.truncate
            ctx.expire_continue = acts.expire_continue
            if acts.status:
                headers = {}
                if acts.status == 429 or acts.retry_after:
                    headers["Retry-After"] = acts.retry_after or 1
                return self.reply_status(ctx, st.for_code(acts.status, acts.message, acts.retry_after), headers)
        if not app.auth.allowed(user, info.attrs()):
            if info.resource_request:
                return self.reply_status(ctx, st.forbidden(
                    user.name, info.verb, info.group, info.resource, info.subresource,
                    info.namespace, info.name))
            return self.reply_status(ctx, st.forbidden(user.name, info.verb, path=path))
        if info.resource_request:
            return self.serve_resource(ctx, user, info, query)
        return self.serve_non_resource(ctx, info, path, query)

    # ---------------------------------------------------------------- non-resource paths

    def serve_non_resource(self, ctx, info, path, query):
        app = self.app
        if self.command not in ("GET", "HEAD"):
            return self.reply_status(ctx, st.status(405, "MethodNotAllowed",
                                                    "the server does not allow this method on the requested resource", {}))
        p = path.rstrip("/") or "/"
        if p == "/version":
            return self.reply(ctx, 200, json.dumps(app.cluster.version(), indent=2))
        for health in ("/healthz", "/livez", "/readyz"):
            if p == health or p.startswith(health + "/"):
                if "verbose" in query:
                    checks = ["ping", "log", "etcd", "poststarthook/start-apiserver-admission-initializer",
                              "poststarthook/rbac/bootstrap-roles"]
                    text = "".join("[+]%s ok\n" % c for c in checks) + "%s check passed\n" % health[1:]
                    return self.reply(ctx, 200, text, "text/plain; charset=utf-8")
                return self.reply(ctx, 200, "ok", "text/plain; charset=utf-8")
        if p in ("/api", "/apis"):
            agg = aggregated_version(self.headers.get("Accept"))
            if agg:
                return self.reply(ctx, 200, aggregated_discovery(p == "/api", agg),
                                  "application/json;g=apidiscovery.k8s.io;v=%s;as=APIGroupDiscoveryList" % agg)
        if p == "/api":
            return self.reply(ctx, 200, {"kind": "APIVersions", "versions": ["v1"],
                                         "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                                         "serverAddress": app.cluster.settings.get("advertiseAddress", "10.0.0.10:6443")}]})
        if p == "/apis":
            return self.reply(ctx, 200, api_group_list())
        if info.api_prefix:  # /api/v1, /apis/GROUP/VERSION
            rl = resource_list(info.group, info.version)
            if rl is not None:
                return self.reply(ctx, 200, rl)
        parts = [x for x in p.split("/") if x]
        if len(parts) == 2 and parts[0] == "apis" and parts[1] in group_versions():
            g = parts[1]
            vs = [{"groupVersion": g + "/" + v, "version": v} for v in group_versions()[g]]
            return self.reply(ctx, 200, {"kind": "APIGroup", "apiVersion": "v1", "name": g,
                                         "versions": vs, "preferredVersion": vs[0]})
        if p == "/debug/pprof":
            if app.profiling:
                html = ("<html><head><title>/debug/pprof/</title></head><body>/debug/pprof/<br>"
                        "<p>Set debug=1 as a query parameter to export in legacy text format</p>"
                        "Types of profiles available: allocs block cmdline goroutine heap mutex "
                        "profile threadcreate trace</body></html>")
                return self.reply(ctx, 200, html, "text/html; charset=utf-8")
        if p == "/metrics":
            text = ("# HELP apiserver_request_total Counter of apiserver requests.\n"
                    "# TYPE apiserver_request_total counter\n"
                    'apiserver_request_total{code="200",verb="LIST"} %d\n' % app.stats.total)
            return self.reply(ctx, 200, text, "text/plain; version=0.0.4; charset=utf-8")
        return self.reply(ctx, 404, "404 page not found\n", "text/plain; charset=utf-8")

    # ---------------------------------------------------------------- resources

    def serve_resource(self, ctx, user, info, query):
        if info.version not in group_versions().get(info.group, []):
            return self.reply(ctx, 404, "404 page not found\n", "text/plain; charset=utf-8")
        res = BY_PATH.get((info.group, info.version, info.resource))
        if res is None:
            return self.reply_status(ctx, st.resource_not_found())
        if not res.served:
            if info.verb == "create" and not info.name:
                return self.review(ctx, user, res)
            return self.reply_status(ctx, st.status(405, "MethodNotAllowed",
                                                    "the server does not allow this method on the requested resource", {}))
        if info.namespace and not res.namespaced and res.plural != "namespaces":
            return self.reply(ctx, 404, "404 page not found\n", "text/plain; charset=utf-8")
        if info.verb in WRITE_VERBS:
            return self.reply_status(ctx, st.method_not_supported(res.plural, res.group, info.verb))
        if info.subresource:
            if res.plural == "nodes" and info.subresource == "proxy":
                return self.node_proxy(ctx, info, query)
            return self.reply_status(ctx, st.resource_not_found())
        rep = negotiate(self.headers.get("Accept"), is_list=not info.name)
        if rep is None:
            return self.reply_status(ctx, st.not_acceptable(
                "only the following media types are accepted: application/json, "
                "application/json;as=Table;v=v1;g=meta.k8s.io, "
                "application/json;as=PartialObjectMetadata(List);v=v1;g=meta.k8s.io"))
        include = (query.get("includeObject") or ["Metadata"])[-1] or "Metadata"
        if include not in ("None", "Metadata", "Object"):
            include = "Metadata"
        rep.include = include
        if res.plural == "secrets" and (rep.kind == "full" or (rep.kind == "table" and include == "Object")):
            refused = self.secret_values_requested(ctx, info, rep)
            if refused:
                return
        if info.verb == "watch":
            return self.reply_status(ctx, st.bad_request("the simulator does not serve watch requests"))
        if info.name:
            return self.serve_get(ctx, res, info, rep)
        return self.serve_list(ctx, res, info, rep, query)

    def secret_values_requested(self, ctx, info, rep):
        """Records a request that asks for secret values; refuses it unless allowed."""
        app = self.app
        ctx.violation = True
        refuse = not app.allow_secret_values
        what = "full objects" if rep.kind == "full" else "Table with includeObject=Object"
        app.violations_log.write({
            "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
            "method": self.command, "path": info.path, "query": urlsplit(self.path).query,
            "identity": ctx.identity, "accept": self.headers.get("Accept", ""),
            "requested": what, "verb": info.verb, "served": not refuse,
            "status": 403 if refuse else 200})
        if refuse:
            msg = "%s is forbidden: %s" % ('secrets "%s"' % info.name if info.name else "secrets", SECRET_REFUSAL)
            self.reply_status(ctx, st.status(403, "Forbidden", msg, {"kind": "secrets", **({"name": info.name} if info.name else {})}))
        return refuse

    def serve_get(self, ctx, res, info, rep):
        ns = info.namespace if res.namespaced else ""
        entry = self.app.cluster.get(res.plural, ns, info.name)
        if entry is None:
            return self.reply_status(ctx, st.not_found(res.plural, res.group, info.name))
        if rep.kind == "full":
            return self.reply(ctx, 200, entry.full_json())
        if rep.kind == "meta":
            obj = entry.meta_obj()
            obj["apiVersion"] = META_GROUP + "/" + rep.version
            return self.reply(ctx, 200, dumps(obj),
                              "application/json;as=PartialObjectMetadata;v=%s;g=%s" % (rep.version, META_GROUP))
        meta = {"resourceVersion": entry.obj["metadata"].get("resourceVersion", "")}
        return self.reply(ctx, 200, self.table(res, [entry], rep, meta), rep.content_type)

    def serve_list(self, ctx, res, info, rep, query):
        app = self.app
        q = lambda k: (query.get(k) or [""])[-1]
        entries = app.cluster.objects(res.plural, info.namespace if res.namespaced and info.namespace else None)
        selected = bool(q("labelSelector") or q("fieldSelector"))
        try:
            if q("labelSelector"):
                match = parse_label_selector(q("labelSelector"))
                entries = [e for e in entries if match(e.labels)]
            if q("fieldSelector"):
                fmatch = parse_field_selector(q("fieldSelector"), res.plural)
                entries = [e for e in entries if fmatch(e)]
        except SelectorError as e:
            return self.reply_status(ctx, st.bad_request(str(e)))
        limit = 0
        if q("limit"):
            try:
                limit = int(q("limit"))
            except ValueError:
                return self.reply_status(ctx, st.bad_request('limit: Invalid value: "%s": must be an integer' % q("limit")))
        rv = app.cluster.rv
        scope = res.group + "/" + res.plural + "/" + (info.namespace if res.namespaced else "")
        start = ""
        token = q("continue")
        if token:
            try:
                start, token_rv = decode_continue(token, scope, app.continue_ttl)
            except ContinueError as e:
                return self.reply_status(ctx, st.bad_request(str(e)))
            except ContinueExpired as e:
                return self.reply_status(ctx, st.expired(e.token))
            if ctx.expire_continue:
                return self.reply_status(ctx, st.expired(encode_continue(scope, start, -1)))
            if token_rv > 0:
                rv = token_rv
        elif q("resourceVersion") == "0":
            limit = 0  # served from the watch cache: kube-apiserver 1.32 ignores limit there
        items, remaining = page(entries, start, limit)
        meta = {"resourceVersion": str(rv)}
        if remaining > 0:
            meta["continue"] = encode_continue(scope, items[-1].key, rv)
            if not selected:
                meta["remainingItemCount"] = remaining
        if rep.kind == "table":
            return self.reply(ctx, 200, self.table(res, items, rep, meta), rep.content_type)
        if rep.kind == "meta":
            head = {"kind": "PartialObjectMetadataList", "apiVersion": META_GROUP + "/" + rep.version}
            blobs = [e.meta_json() for e in items]
            if rep.version != "v1":
                blobs = [b.replace(b'"apiVersion":"meta.k8s.io/v1"', b'"apiVersion":"meta.k8s.io/' + rep.version.encode() + b'"', 1) for b in blobs]
        else:
            head = {"kind": res.list_kind, "apiVersion": res.api_version}
            blobs = [e.item_json() for e in items]
        body = (dumps(head)[:-1] + b',"metadata":' + dumps(meta) + b',"items":[' + b",".join(blobs) + b"]}")
        return self.reply(ctx, 200, body, rep.content_type)

    def table(self, res, items, rep, meta):
        """A Table as bytes: rows join cached encodings instead of re-serialising objects."""
        cols, row_of = res.printer()
        now = datetime.datetime.now(datetime.timezone.utc)
        rows = []
        for e in items:
            cells = dumps(row_of(e.print_obj, now))
            if rep.include == "None":
                obj = b"null"
            elif rep.include == "Object":
                obj = e.full_json()
            else:
                obj = e.meta_json()
                if rep.version != "v1":
                    obj = obj.replace(b'"apiVersion":"meta.k8s.io/v1"', b'"apiVersion":"meta.k8s.io/' + rep.version.encode() + b'"', 1)
            rows.append(b'{"cells":' + cells + b',"object":' + obj + b"}")
        head = {"kind": "Table", "apiVersion": META_GROUP + "/" + rep.version, "metadata": meta,
                "columnDefinitions": cols}
        return dumps(head)[:-1] + b',"rows":[' + b",".join(rows) + b"]}"

    # ---------------------------------------------------------------- reviews

    def review(self, ctx, user, res):
        try:
            raw = self.body
            if "protobuf" in (self.headers.get("Content-Type") or ""):
                body = decode_review(raw)[2]
            else:
                body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ValueError("expected an object")
        except ValueError as e:
            return self.reply_status(ctx, st.bad_request("the body of the request was in an unknown format: %s" % e))
        spec = body.get("spec") or {}
        head = {"kind": res.kind, "apiVersion": res.api_version, "metadata": {"creationTimestamp": None}}
        auth = self.app.auth
        if res.plural == "selfsubjectaccessreviews":
            ra, nra = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
            if ra:
                attrs = {"verb": ra.get("verb", ""), "group": ra.get("group", ""), "resource": ra.get("resource", ""),
                         "subresource": ra.get("subresource", ""), "namespace": ra.get("namespace", ""),
                         "name": ra.get("name", "")}
            elif nra:
                attrs = {"verb": nra.get("verb", ""), "path": nra.get("path", "")}
            else:
                return self.reply_status(ctx, st.status(422, "Invalid", "SelfSubjectAccessReview is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified", {"kind": "SelfSubjectAccessReview", "group": "authorization.k8s.io"}))
            allowed = auth.allowed(user, attrs)
            status = {"allowed": allowed}
            if allowed:
                status["reason"] = 'allowed by the simulator\'s rules for identity "%s"' % user.identity
            return self.reply(ctx, 201, {**head, "spec": spec, "status": status})
        if res.plural == "selfsubjectrulesreviews":
            rr, nrr = auth.rules_review(user)
            return self.reply(ctx, 201, {**head, "spec": {"namespace": spec.get("namespace", "")},
                                         "status": {"resourceRules": rr, "nonResourceRules": nrr,
                                                    "incomplete": False}})
        if res.plural == "selfsubjectreviews":
            return self.reply(ctx, 201, {**head, "status": {"userInfo": {"username": user.name,
                                                                         "groups": user.groups}}})
        return self.reply_status(ctx, st.method_not_supported(res.plural, res.group, "create"))

    # ---------------------------------------------------------------- node proxy

    def node_proxy(self, ctx, info, query):
        app = self.app
        if app.cluster.get("nodes", "", info.name) is None:
            return self.reply_status(ctx, st.not_found("nodes", "", info.name))
        if self.command not in ("GET", "HEAD"):
            return self.reply_status(ctx, st.method_not_supported("nodes", "", info.verb))
        kl = app.kubelets.get(info.name) or {}
        port = kl.get("port")
        target = "/" + "/".join(info.rest) + ("/" if self.path.split("?")[0].endswith("/") and info.rest else "")
        qs = urlsplit(self.path).query
        if not port and info.name in app.configz_from_data and target == "/configz":
            return self.reply(ctx, 200, dumps(app.configz_from_data[info.name]))
        if not port:
            return self.reply_status(ctx, st.service_unavailable(
                "error trying to reach service: node %s has no kubelet endpoint" % info.name))
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=app.kubelet_ctx)
        try:
            conn.request("GET", target + ("?" + qs if qs else ""), headers={"Accept": self.headers.get("Accept", "*/*")})
            resp = conn.getresponse()
            body = resp.read()
            ctype = resp.getheader("Content-Type", "application/octet-stream")
            return self.reply(ctx, resp.status, body, ctype)
        except ConnectionRefusedError:
            why = "dial tcp 127.0.0.1:%d: connect: connection refused" % port
        except (socket.timeout, TimeoutError):
            why = "dial tcp 127.0.0.1:%d: i/o timeout" % port
        except (OSError, http.client.HTTPException) as e:
            why = "dial tcp 127.0.0.1:%d: %s" % (port, e)
        finally:
            conn.close()
        return self.reply_status(ctx, st.service_unavailable("error trying to reach service: " + why))

    # ---------------------------------------------------------------- /__sim control

    def control(self, path):
        app = self.app
        ctx = Ctx()
        try:
            if path == "/__sim/stats":
                if self.command == "DELETE":
                    app.stats.reset()
                return self.reply(ctx, 200, app.stats.snapshot())
            if path == "/__sim/faults":
                if self.command == "DELETE":
                    app.faults.clear()
                elif self.command == "POST":
                    spec = json.loads(self.body or b"{}")
                    if isinstance(spec, dict) and spec.get("clear"):
                        app.faults.clear()
                        spec = spec.get("faults", [])
                    elif isinstance(spec, dict) and "faults" in spec:
                        spec = spec["faults"]
                    elif isinstance(spec, dict):
                        spec = [spec]
                    if not isinstance(spec, list) or not all(isinstance(s, dict) for s in spec):
                        raise ValueError("expected a fault object, a list of them or {\"faults\": [...]}")
                    app.faults.add(spec)
                return self.reply(ctx, 200, {"faults": app.faults.list()})
        except (ValueError, TypeError) as e:  # json.JSONDecodeError is a ValueError; bad regex too
            return self.reply(ctx, 400, {"error": str(e)})
        except Exception as e:  # re.error and friends: report, never kill the thread
            return self.reply(ctx, 400, {"error": "%s: %s" % (type(e).__name__, e)})
        return self.reply(ctx, 404, {"error": "unknown simulator control path " + path})
