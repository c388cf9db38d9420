"""A small JSON Schema validator (standard library only), enough for rampart's own schemas and for
NIST's official OSCAL 1.1.2 JSON schema (testdata/oscal/oscal_complete_schema-1.1.2.json).

Keywords it checks: type (a name or a list of names), enum, const, required, properties,
patternProperties, additionalProperties (false or a schema), items (a schema), minItems,
maxItems, minimum, maximum, pattern, format (date-time, uri, uri-reference, email),
contentEncoding (base64), allOf, anyOf, oneOf, not, and $ref to "#" (the root), to a JSON
pointer ("#/definitions/NAME", "#/$defs/NAME") or to a plain-name anchor declared with
"$id": "#NAME" (draft-07 style, as the OSCAL schema does). $schema, $id, $comment, $defs,
definitions, title, description and examples are annotations. Any other keyword, format or regex
construct is an error in the schema itself (SchemaError), so a schema cannot silently rely on
something this validator ignores.

Draft-07 ignores the siblings of "$ref"; later drafts apply them. This validator applies them,
and refuses (SchemaError) a draft-07 schema that puts assertions beside a "$ref", so the choice
never changes a verdict silently.

Patterns are ECMA-262 regular expressions, as JSON Schema says; they are translated for Python's
re: \\p{..}/\\P{..} become explicit classes of the Unicode general category (from unicodedata),
\\d \\w \\s and their negations get their ASCII/ECMA meaning (Python's are wider), "." does not
match line terminators, "$" matches only at the very end (Python's also matches before a final
newline) and (?<name>..) becomes (?P<name>..). Word boundaries, \\c escapes and the empty class
"[]" are refused.
"""
import base64
import datetime
import re
import unicodedata

ANNOTATIONS = {"$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "examples"}
ASSERTIONS = {
    "type", "enum", "const", "required", "properties", "patternProperties", "additionalProperties",
    "items", "minItems", "maxItems", "minimum", "maximum", "pattern", "format", "contentEncoding",
    "allOf", "anyOf", "oneOf", "not", "$ref",
}
KNOWN = ANNOTATIONS | ASSERTIONS
DRAFT_07 = "http://json-schema.org/draft-07/schema#"

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class SchemaError(Exception):
    """The schema uses something this validator does not implement."""


# ------------------------------------------------------------------ ECMA-262 patterns

_ECMA_SPACE = r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_ECMA_DOT = r"[^\n\r\u2028\u2029]"
_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_", "s": _ECMA_SPACE}
_category_cache = {}


def _category_ranges(name):
    """The code points of Unicode general category NAME ("L", "Lu", "N", ...) as the inside of
    a regex character class."""
    if name not in _category_cache:
        if not re.fullmatch(r"[A-Z][a-z]?", name):
            raise SchemaError("unsupported Unicode property \\p{%s}" % name)
        ranges, start, prev = [], None, None
        for cp in range(0x110000):
            if unicodedata.category(chr(cp)).startswith(name):
                if start is None:
                    start = cp
                prev = cp
            elif start is not None:
                ranges.append((start, prev))
                start = None
        if start is not None:
            ranges.append((start, prev))
        if not ranges:
            raise SchemaError("unknown Unicode category \\p{%s}" % name)
        esc = lambda cp: "\\U%08x" % cp
        _category_cache[name] = "".join(esc(a) if a == b else esc(a) + "-" + esc(b) for a, b in ranges)
    return _category_cache[name]


def translate_pattern(p):
    """An ECMA-262 pattern as an equivalent Python re pattern (see the module docstring)."""
    out, i, in_class = [], 0, False
    while i < len(p):
        c = p[i]
        if c == "\\":
            if i + 1 >= len(p):
                raise SchemaError("pattern ends with a backslash: %r" % p)
            n = p[i + 1]
            if n in "pP":
                m = re.match(r"\{([A-Za-z_]+)\}", p[i + 2:])
                if not m:
                    raise SchemaError("malformed \\%s in %r" % (n, p))
                ranges = _category_ranges(m.group(1))
                if n == "P" and in_class:
                    raise SchemaError("\\P{..} inside a character class is not supported: %r" % p)
                out.append(ranges if in_class else ("[%s%s]" % ("^" if n == "P" else "", ranges)))
                i += 2 + len(m.group(0))
                continue
            if n in _CLASS_ESCAPES:
                out.append(_CLASS_ESCAPES[n] if in_class else "[%s]" % _CLASS_ESCAPES[n])
            elif n in "DWS":
                if in_class:
                    raise SchemaError("\\%s inside a character class is not supported: %r" % (n, p))
                out.append("[^%s]" % _CLASS_ESCAPES[n.lower()])
            elif n in "bBc" or n == "u" and p[i + 2:i + 3] == "{":
                raise SchemaError("unsupported escape \\%s in %r" % (n, p))
            else:
                out.append(c + n)
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[":
                c = "\\["  # a literal in ECMA; Python reserves it for nested sets
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            if p[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if p[i + 1:i + 2] == "]":
                raise SchemaError("the empty class [] is not supported: %r" % p)
        elif c == ".":
            out.append(_ECMA_DOT)
        elif c == "$":
            out.append(r"\Z")
        elif c == "(" and p[i + 1:i + 3] == "?<" and p[i + 3:i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(c)
        i += 1
    if in_class:
        raise SchemaError("unterminated character class in %r" % p)
    return "".join(out)


# ------------------------------------------------------------------ formats

_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
                        r"([Zz]|[+-]([0-9]{2}):([0-9]{2}))")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_URI_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL = re.compile(r"%s(?:\.%s)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                    r"|\[[^\[\]\\\s]+\])" % (_ATOM, _ATOM))


def _is_date_time(v):
    """RFC 3339 date-time: the syntax, a real calendar date, hours < 24, minutes < 60, seconds
    <= 60 (a leap second) and an offset below 24 hours."""
    m = _DATE_TIME.fullmatch(v)
    if not m:
        return False
    try:
        datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    hh, mm, ss = int(m.group(4)), int(m.group(5)), int(m.group(6))
    if hh > 23 or mm > 59 or ss > 60:
        return False
    return m.group(9) is None or (int(m.group(9)) < 24 and int(m.group(10)) < 60)


def _uri_reference_syntax(v):
    """Every character allowed by RFC 3986 (percent escapes well formed), at most one "#" and no
    brackets in the fragment. Returns the scheme, "" for a relative reference, None if invalid."""
    if not _URI_CHARS.fullmatch(v) or v.count("#") > 1 or "[" in v.partition("#")[2] or "]" in v.partition("#")[2]:
        return None
    head = re.split(r"[/?#]", v, maxsplit=1)[0]
    if ":" not in head:
        return ""  # relative: a first path segment without a colon
    scheme = head.split(":", 1)[0]
    return scheme if _SCHEME.fullmatch(scheme) else None


FORMATS = {
    "date-time": _is_date_time,
    "uri": lambda v: bool(_uri_reference_syntax(v)),
    "uri-reference": lambda v: _uri_reference_syntax(v) is not None,
    "email": lambda v: bool(_EMAIL.fullmatch(v)),
}


def _is_base64(v):
    try:
        base64.b64decode(v, validate=True)
        return True
    except ValueError:
        return False


# ------------------------------------------------------------------ validator

class Validator:
    def __init__(self, schema):
        self.root = schema
        self._draft07 = isinstance(schema, dict) and schema.get("$schema") == DRAFT_07
        self._patterns = {}
        self._anchors = {}
        self._refs = []
        self._index(schema, "#")
        for where, ref in self._refs:
            try:
                self._resolve(ref)
            except SchemaError as e:
                raise SchemaError("%s: %s" % (where, e))

    def errors(self, instance):
        """Every violation as 'path: message', sorted; empty when the instance is valid."""
        out = []
        self._check(self.root, instance, "$", out)
        return sorted(out)

    # Walks the whole schema once, before any instance: records "$id": "#name" anchors and
    # refuses whatever this validator does not implement, even in branches an instance never
    # reaches, so no verdict depends on which parts a test happens to exercise.
    def _index(self, schema, where):
        if not isinstance(schema, dict):
            raise SchemaError(where + ": a schema must be an object")
        unknown = set(schema) - KNOWN
        if unknown:
            raise SchemaError(where + ": unsupported keywords " + ", ".join(sorted(unknown)))
        if "$ref" in schema:
            if self._draft07 and set(schema) & (ASSERTIONS - {"$ref"}):
                raise SchemaError(where + ": draft-07 ignores keywords beside $ref; this schema relies on them")
            self._refs.append((where, schema["$ref"]))
        names = schema.get("type", [])
        for n in names if isinstance(names, list) else [names]:
            if n not in TYPES:
                raise SchemaError(where + ": unknown type " + str(n))
        if "format" in schema and schema["format"] not in FORMATS:
            raise SchemaError(where + ": unsupported format " + str(schema["format"]))
        if "contentEncoding" in schema and schema["contentEncoding"] != "base64":
            raise SchemaError(where + ": unsupported contentEncoding " + str(schema["contentEncoding"]))
        for pat in [schema["pattern"]] if "pattern" in schema else []:
            self._pattern(pat)
        for pat in schema.get("patternProperties", {}):
            self._pattern(pat)
        sid = schema.get("$id")
        if sid is not None and schema is not self.root:
            if not isinstance(sid, str) or not sid.startswith("#") or sid == "#":
                raise SchemaError(where + ": only plain-name anchors (\"$id\": \"#name\") are supported below the root, got %r" % sid)
            if sid[1:] in self._anchors:
                raise SchemaError(where + ": duplicate anchor " + sid)
            self._anchors[sid[1:]] = schema
        for key in ("properties", "patternProperties", "definitions", "$defs"):
            for name, sub in schema.get(key, {}).items():
                self._index(sub, "%s/%s/%s" % (where, key, name))
        for key in ("additionalProperties", "items", "not"):
            sub = schema.get(key)
            if isinstance(sub, dict):
                self._index(sub, where + "/" + key)
            elif key == "items" and sub is not None:
                raise SchemaError(where + "/items: only a single schema is supported, not a list")
        for key in ("allOf", "anyOf", "oneOf"):
            if key in schema:
                if not isinstance(schema[key], list) or not schema[key]:
                    raise SchemaError("%s/%s: must be a non-empty array" % (where, key))
                for n, sub in enumerate(schema[key]):
                    self._index(sub, "%s/%s/%d" % (where, key, n))

    def _resolve(self, ref):
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise SchemaError("only references within the document are supported: %r" % (ref,))
        frag = ref[1:]
        if frag == "":
            return self.root
        if not frag.startswith("/"):
            if frag not in self._anchors:
                raise SchemaError("unresolved $ref " + ref)
            return self._anchors[frag]
        node = self.root
        for token in frag[1:].split("/"):
            token = token.replace("%25", "%").replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise SchemaError("unresolved $ref " + ref)
        return node

    def _pattern(self, p):
        if p not in self._patterns:
            try:
                self._patterns[p] = re.compile(translate_pattern(p))
            except re.error as e:
                raise SchemaError("pattern %r: %s" % (p, e))
        return self._patterns[p]

    def _check(self, schema, value, path, out):
        if "$ref" in schema:
            self._check(self._resolve(schema["$ref"]), value, path, out)
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(TYPES[n](value) for n in names):
                out.append("%s: expected %s, got %s" % (path, " or ".join(names), type(value).__name__))
                return
        if "const" in schema and not _equal(value, schema["const"]):
            out.append("%s: expected %r, got %r" % (path, schema["const"], value))
        if "enum" in schema and not any(_equal(value, e) for e in schema["enum"]):
            out.append("%s: %r is not one of %r" % (path, value, schema["enum"]))
        self._check_combinators(schema, value, path, out)
        if isinstance(value, str):
            self._check_string(schema, value, path, out)
        if TYPES["number"](value):
            if "minimum" in schema and value < schema["minimum"]:
                out.append("%s: %r is below the minimum %r" % (path, value, schema["minimum"]))
            if "maximum" in schema and value > schema["maximum"]:
                out.append("%s: %r is above the maximum %r" % (path, value, schema["maximum"]))
        if isinstance(value, dict):
            self._check_object(schema, value, path, out)
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                out.append("%s: %d items, at least %d required" % (path, len(value), schema["minItems"]))
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                out.append("%s: %d items, at most %d allowed" % (path, len(value), schema["maxItems"]))
            if "items" in schema:
                for i, v in enumerate(value):
                    self._check(schema["items"], v, "%s[%d]" % (path, i), out)

    def _check_combinators(self, schema, value, path, out):
        for sub in schema.get("allOf", []):
            self._check(sub, value, path, out)
        if "anyOf" in schema:
            results = [self._branch(sub, value, path) for sub in schema["anyOf"]]
            if all(results):
                best = _closest(results, path)
                out.append("%s: matches none of the %d anyOf alternatives; the closest (#%d) says:" % (path, len(results), best))
                out.extend(results[best])
        if "oneOf" in schema:
            results = [self._branch(sub, value, path) for sub in schema["oneOf"]]
            passing = [i for i, r in enumerate(results) if not r]
            if not passing:
                best = _closest(results, path)
                out.append("%s: matches none of the %d oneOf alternatives; the closest (#%d) says:" % (path, len(results), best))
                out.extend(results[best])
            elif len(passing) > 1:
                out.append("%s: matches oneOf alternatives %s, exactly one is allowed" % (path, passing))
        if "not" in schema and not self._branch(schema["not"], value, path):
            out.append("%s: matches the schema under 'not'" % path)

    def _branch(self, schema, value, path):
        errs = []
        self._check(schema, value, path, errs)
        return errs

    def _check_string(self, schema, value, path, out):
        if "pattern" in schema and not self._pattern(schema["pattern"]).search(value):
            out.append("%s: %r does not match %s" % (path, value, schema["pattern"]))
        if "format" in schema and not FORMATS[schema["format"]](value):
            out.append("%s: %r is not a valid %s" % (path, value, schema["format"]))
        if "contentEncoding" in schema and not _is_base64(value):
            out.append("%s: %r is not valid base64" % (path, value))

    def _check_object(self, schema, value, path, out):
        for key in schema.get("required", []):
            if key not in value:
                out.append("%s: missing required property %r" % (path, key))
        props = schema.get("properties", {})
        pattern_props = schema.get("patternProperties", {})
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            matched = False
            if key in props:
                matched = True
                self._check(props[key], v, path + "." + key, out)
            for pat, sub in pattern_props.items():
                if self._pattern(pat).search(key):
                    matched = True
                    self._check(sub, v, path + "." + key, out)
            if matched:
                continue
            if extra is False:
                out.append("%s: unexpected property %r" % (path, key))
            elif isinstance(extra, dict):
                self._check(extra, v, path + "." + key, out)


def _closest(results, path):
    """The alternative that failed least at this level (then least overall): the one the author
    most likely meant, whose errors are worth showing."""
    shallow = lambda errs: sum(1 for e in errs if e.startswith(path + ": "))
    return min(range(len(results)), key=lambda i: (shallow(results[i]), len(results[i])))


def _equal(a, b):
    """JSON equality: 1 == 1.0, but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return a == b


def validate(schema, instance):
    """Raises AssertionError listing the first violations when `instance` is not valid."""
    errs = Validator(schema).errors(instance)
    if errs:
        more = "" if len(errs) <= 20 else "\n... and %d more" % (len(errs) - 20)
        raise AssertionError("%d schema violations:\n%s%s" % (len(errs), "\n".join(errs[:20]), more))
