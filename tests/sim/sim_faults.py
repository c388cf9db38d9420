"""Runtime fault injection (POST /__sim/faults) and request statistics (GET /__sim/stats).

A fault is a JSON object; every key but "path" is optional:
  path             regex searched in the request path (default: every path)
  method           only this HTTP method
  identity         only requests by this identity (identities.json key or "system:anonymous")
  count            how many matching requests it applies to (default: every one)
  latency_ms       sleep this long before answering
  status           answer with this code and a matching Status body (429 adds Retry-After)
  retry_after      seconds for Retry-After with status 429 (default 1)
  message          Status message for status faults
  truncate         send the real response but only half of its body, then close
  close            close the connection without answering
  expire_continue  a request carrying a continue token gets 410 Expired
A request consumes one count from every fault it matches (expire_continue faults match only
requests that carry a continue token).
"""
import re
import threading
from collections import Counter

KEYS = {"path", "method", "identity", "count", "latency_ms", "status", "retry_after", "message",
        "truncate", "close", "expire_continue"}


class Fault:
    def __init__(self, spec):
        unknown = set(spec) - KEYS
        if unknown:
            raise ValueError("unknown fault keys: " + ", ".join(sorted(unknown)))
        self.spec = dict(spec)
        self.regex = re.compile(spec.get("path", ""))
        self.remaining = spec.get("count")
        if self.remaining is not None and (not isinstance(self.remaining, int) or self.remaining < 1):
            raise ValueError("count must be a positive integer")
        if "status" in spec and not (isinstance(spec["status"], int) and 100 <= spec["status"] <= 599):
            raise ValueError("status must be an HTTP status code")
        self.hits = 0

    def matches(self, method, path, identity, has_continue):
        s = self.spec
        if s.get("method") and s["method"].upper() != method:
            return False
        if s.get("identity") and s["identity"] != identity:
            return False
        if s.get("expire_continue") and not has_continue:
            return False
        return bool(self.regex.search(path))

    def describe(self):
        d = dict(self.spec)
        d["remaining"] = self.remaining
        d["hits"] = self.hits
        return d


class Actions:
    """What the matching faults ask for one request."""

    def __init__(self):
        self.latency_ms = 0
        self.status = None
        self.retry_after = None
        self.message = None
        self.truncate = False
        self.close = False
        self.expire_continue = False
        self.applied = []

    def __bool__(self):
        return bool(self.applied)


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.faults = []

    def add(self, specs):
        new = [Fault(s) for s in specs]
        with self.lock:
            self.faults.extend(new)
        return len(new)

    def clear(self):
        with self.lock:
            self.faults = []

    def list(self):
        with self.lock:
            return [f.describe() for f in self.faults]

    def take(self, method, path, identity, has_continue):
        acts = Actions()
        with self.lock:
            for f in self.faults:
                if f.remaining == 0 or not f.matches(method, path, identity, has_continue):
                    continue
                if f.remaining is not None:
                    f.remaining -= 1
                f.hits += 1
                s = f.spec
                acts.applied.append(s.get("path", ""))
                acts.latency_ms += int(s.get("latency_ms", 0))
                if "status" in s and acts.status is None:
                    acts.status = s["status"]
                    acts.retry_after = s.get("retry_after")
                    acts.message = s.get("message")
                acts.truncate |= bool(s.get("truncate"))
                acts.close |= bool(s.get("close"))
                acts.expire_continue |= bool(s.get("expire_continue"))
            self.faults = [f for f in self.faults if f.remaining != 0]
        return acts


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.total = 0
            self.by_path = Counter()
            self.by_status = Counter()
            self.by_identity = Counter()
            self.by_method = Counter()
            self.bytes_sent = 0
            self.faults_applied = 0
            self.secret_violations = 0

    def record(self, method, path, identity, status, nbytes, faulted, violation):
        with self.lock:
            self.total += 1
            self.by_path[path] += 1
            self.by_status[str(status)] += 1
            self.by_identity[identity or "unauthenticated"] += 1
            self.by_method[method] += 1
            self.bytes_sent += nbytes
            self.faults_applied += 1 if faulted else 0
            self.secret_violations += 1 if violation else 0

    def snapshot(self):
        with self.lock:
            return {"requests": self.total, "by_path": dict(self.by_path),
                    "by_status": dict(self.by_status), "by_identity": dict(self.by_identity),
                    "by_method": dict(self.by_method), "bytes_sent": self.bytes_sent,
                    "faults_applied": self.faults_applied,
                    "secret_violations": self.secret_violations}
