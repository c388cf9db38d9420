"""Authentication and authorization for the simulators, driven by identities.json.

Authentication follows kube-apiserver: a verified client certificate (CN = user, O = groups)
first, then a bearer token; a request with neither is anonymous when anonymous access is on.
A bad token is 401 even when anonymous access is on. Authorization evaluates RBAC-style
rules (pkg/apis/rbac/v1/evaluation_helpers.go semantics); system:masters may do anything.
"""
import base64
import json
import os
import secrets

from sim_http import subject_of

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_IDENTITIES = os.path.join(HERE, "identities.json")
ANONYMOUS_MODES = ("off", "forbidden", "allowed", "read")


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def service_account_token(user):
    """A token shaped like the kubelet's projected service-account tokens (a JWT whose `sub` is
    system:serviceaccount:NS:NAME). The signature is random bytes: the simulator authenticates
    tokens by value, and clients must never trust the claims for anything but a name."""
    _, _, ns, name = user.split(":", 3)
    header = {"alg": "RS256", "kid": "sim"}
    claims = {"aud": ["https://kubernetes.default.svc.cluster.local"], "iss": "https://kubernetes.default.svc.cluster.local",
              "sub": user, "exp": 4102444800, "iat": 1735689600, "nbf": 1735689600,
              "kubernetes.io": {"namespace": ns, "serviceaccount": {"name": name, "uid": secrets.token_hex(8)}}}
    return ".".join(_b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)) + \
        "." + _b64url(secrets.token_bytes(64))


class User:
    def __init__(self, name, groups, identity, rules):
        self.name = name
        self.groups = list(groups)
        self.identity = identity  # the identities.json key, or "system:anonymous"
        self.rules = rules

    @property
    def superuser(self):
        return "system:masters" in self.groups


def _has(values, wanted):
    return "*" in values or wanted in values


def rule_allows(rule, attrs):
    """One PolicyRule against request attributes (verb, group, resource, subresource, name, path)."""
    if not _has(rule.get("verbs", []), attrs["verb"]):
        return False
    if attrs.get("resource"):
        if "apiGroups" not in rule or not _has(rule["apiGroups"], attrs.get("group", "")):
            return False
        res, sub = attrs["resource"], attrs.get("subresource", "")
        combined = res + "/" + sub if sub else res
        ok = False
        for r in rule.get("resources", []):
            if r == "*" or r == combined or (sub and r == "*/" + sub):
                ok = True
                break
        if not ok:
            return False
        names = rule.get("resourceNames") or []
        return not names or attrs.get("name", "") in names
    path = attrs.get("path", "")
    for u in rule.get("nonResourceURLs", []):
        if u == "*" or u == path or (u.endswith("*") and path.startswith(u[:-1])):
            return True
    return False


class Authority:
    """Knows the identities, their tokens and their rules."""

    def __init__(self, identities_file=None, anonymous="off", tokens=None):
        with open(identities_file or DEFAULT_IDENTITIES) as f:
            data = json.load(f)
        if anonymous not in ANONYMOUS_MODES:
            raise ValueError("anonymous mode must be one of " + ", ".join(ANONYMOUS_MODES))
        self.identities = data["identities"]
        self.authenticated_rules = data.get("authenticated_rules", [])
        self.anonymous_rules = data.get("anonymous", {})
        self.anonymous = anonymous
        # token -> identity; random per start unless given (kubelet_sim standalone reads them)
        if tokens is None:
            tokens = {secrets.token_urlsafe(32): name for name, ident in self.identities.items()
                      if ident.get("credential") in ("token", "exec")}
            tokens.update({service_account_token(ident["user"]): name for name, ident in self.identities.items()
                           if ident.get("credential") == "serviceaccount"})
        self.tokens = dict(tokens)

    def token_of(self, identity):
        for tok, name in self.tokens.items():
            if name == identity:
                return tok
        return None

    def _user(self, identity):
        ident = self.identities[identity]
        return User(ident["user"], ident.get("groups", []) + ["system:authenticated"], identity,
                    ident.get("rules", []) + self.authenticated_rules)

    def authenticate(self, peercert, authorization):
        """Returns (User, None) or (None, reason) for a 401."""
        if peercert:
            cn, orgs = subject_of(peercert)
            for name, ident in self.identities.items():
                if ident.get("credential") == "client-certificate" and ident["user"] == cn:
                    return self._user(name), None
            return User(cn, orgs + ["system:authenticated"], "cert:" + cn, list(self.authenticated_rules)), None
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() == "bearer" and value.strip() in self.tokens:
                return self._user(self.tokens[value.strip()]), None
            return None, "invalid bearer token" if scheme.lower() == "bearer" else "unsupported authorization scheme"
        if self.anonymous == "off":
            return None, "no credentials"
        return User("system:anonymous", ["system:unauthenticated"], "system:anonymous",
                    list(self.anonymous_rules.get(self.anonymous, []))), None

    def allowed(self, user, attrs):
        if user.superuser:
            return True
        return any(rule_allows(r, attrs) for r in user.rules)

    def rules_review(self, user):
        """(resourceRules, nonResourceRules) as SelfSubjectRulesReview reports them."""
        if user.superuser:
            return ([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                    [{"verbs": ["*"], "nonResourceURLs": ["*"]}])
        res, nonres = [], []
        for r in user.rules:
            if r.get("nonResourceURLs"):
                nonres.append({"verbs": r["verbs"], "nonResourceURLs": r["nonResourceURLs"]})
            else:
                out = {"verbs": r["verbs"], "apiGroups": r.get("apiGroups", []),
                       "resources": r.get("resources", [])}
                if r.get("resourceNames"):
                    out["resourceNames"] = r["resourceNames"]
                res.append(out)
        return res, nonres
