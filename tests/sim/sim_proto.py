"""Just enough Kubernetes protobuf to read the review objects kubectl POSTs.

kubectl sends SelfSubjectAccessReview / SelfSubjectRulesReview / SelfSubjectReview bodies as
application/vnd.kubernetes.protobuf: the magic "k8s\\0" followed by a runtime.Unknown
{typeMeta{apiVersion=1, kind=2}=1, raw=2, contentEncoding=3, contentType=4} whose raw is the
object's own message. Field numbers are those of k8s.io/api/authorization/v1/generated.proto.
The simulator answers in JSON (every client that sends protobuf also accepts JSON).
"""

MAGIC = b"k8s\x00"


class ProtoError(ValueError):
    pass


def _varint(data, i):
    shift = result = 0
    while True:
        if i >= len(data):
            raise ProtoError("truncated varint")
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7
        if shift > 63:
            raise ProtoError("varint too long")


def fields(data):
    """field number -> [values]; length-delimited values stay bytes, varints are ints."""
    out = {}
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, i = _varint(data, i)
        elif wire == 2:
            n, i = _varint(data, i)
            if i + n > len(data):
                raise ProtoError("truncated field")
            val, i = data[i:i + n], i + n
        elif wire == 1:
            val, i = data[i:i + 8], i + 8
        elif wire == 5:
            val, i = data[i:i + 4], i + 4
        else:
            raise ProtoError("unsupported wire type %d" % wire)
        out.setdefault(num, []).append(val)
    return out


def _str(fs, num):
    vals = fs.get(num)
    return vals[-1].decode() if vals else ""


def _msg(fs, num):
    vals = fs.get(num)
    return fields(vals[-1]) if vals else None


def decode_review(body):
    """Returns (apiVersion, kind, JSON-shaped object with its spec) of a protobuf review."""
    if not body.startswith(MAGIC):
        raise ProtoError("not a Kubernetes protobuf body (missing k8s magic)")
    unknown = fields(body[len(MAGIC):])
    tm = _msg(unknown, 1) or {}
    api_version, kind = _str(tm, 1), _str(tm, 2)
    obj = fields(unknown[2][-1]) if 2 in unknown else {}
    spec_fs = _msg(obj, 2) or {}
    spec = {}
    if kind == "SelfSubjectRulesReview":
        spec["namespace"] = _str(spec_fs, 1)
    elif kind == "SelfSubjectAccessReview":
        ra = _msg(spec_fs, 1)
        nra = _msg(spec_fs, 2)
        if ra is not None:
            spec["resourceAttributes"] = {k: _str(ra, n) for n, k in enumerate(
                ("namespace", "verb", "group", "version", "resource", "subresource", "name"), 1) if _str(ra, n)}
        if nra is not None:
            spec["nonResourceAttributes"] = {k: _str(nra, n) for n, k in enumerate(("path", "verb"), 1) if _str(nra, n)}
    return api_version, kind, {"apiVersion": api_version, "kind": kind, "spec": spec}
