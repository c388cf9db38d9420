"""A small JSON Schema validator (standard library only) for the subset rampart's schemas use.

Keywords: type (a name or a list of names), required, properties, additionalProperties
(false or a schema), items, enum, const, pattern, minimum, maximum, minItems, $ref to
"#/$defs/NAME" (or "#/definitions/NAME"). Any other keyword is an error in the schema itself,
so a schema cannot silently rely on something this validator ignores.

Patterns use Python's re with two translations, because OSCAL's schemas use them:
\\p{L} (a letter) becomes [^\\W\\d_] and \\p{N} (a digit) becomes \\d.
"""
import re

KNOWN = {
    "$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "examples",
    "type", "required", "properties", "additionalProperties", "items", "enum", "const",
    "pattern", "minimum", "maximum", "minItems", "$ref",
}

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class SchemaError(Exception):
    """The schema uses something this validator does not implement."""


def _pattern(p):
    return re.compile(p.replace(r"\p{L}", r"[^\W\d_]").replace(r"\p{N}", r"\d"))


class Validator:
    def __init__(self, schema):
        self.root = schema
        self._patterns = {}

    def errors(self, instance):
        """Every violation as 'path: message', sorted; empty when the instance is valid."""
        out = []
        self._check(self.root, instance, "$", out)
        return sorted(out)

    def _resolve(self, ref):
        for prefix in ("#/$defs/", "#/definitions/"):
            if ref.startswith(prefix):
                defs = self.root.get(prefix[2:-1], {})
                name = ref[len(prefix):]
                if name not in defs:
                    raise SchemaError("unresolved $ref " + ref)
                return defs[name]
        raise SchemaError("only local $defs references are supported: " + ref)

    def _check(self, schema, value, path, out):
        if not isinstance(schema, dict):
            raise SchemaError(path + ": a schema must be an object")
        unknown = set(schema) - KNOWN
        if unknown:
            raise SchemaError(path + ": unsupported keywords " + ", ".join(sorted(unknown)))
        if "$ref" in schema:
            self._check(self._resolve(schema["$ref"]), value, path, out)
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            for n in names:
                if n not in TYPES:
                    raise SchemaError(path + ": unknown type " + str(n))
            if not any(TYPES[n](value) for n in names):
                out.append("%s: expected %s, got %s" % (path, " or ".join(names), type(value).__name__))
                return
        if "const" in schema and value != schema["const"]:
            out.append("%s: expected %r, got %r" % (path, schema["const"], value))
        if "enum" in schema and value not in schema["enum"]:
            out.append("%s: %r is not one of %r" % (path, value, schema["enum"]))
        if isinstance(value, str) and "pattern" in schema:
            p = self._patterns.setdefault(schema["pattern"], _pattern(schema["pattern"]))
            if not p.search(value):
                out.append("%s: %r does not match %s" % (path, value, schema["pattern"]))
        if TYPES["number"](value):
            if "minimum" in schema and value < schema["minimum"]:
                out.append("%s: %r is below the minimum %r" % (path, value, schema["minimum"]))
            if "maximum" in schema and value > schema["maximum"]:
                out.append("%s: %r is above the maximum %r" % (path, value, schema["maximum"]))
        if isinstance(value, dict):
            for key in schema.get("required", []):
                if key not in value:
                    out.append("%s: missing required property %r" % (path, key))
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties", True)
            for key, v in value.items():
                if key in props:
                    self._check(props[key], v, path + "." + key, out)
                elif extra is False:
                    out.append("%s: unexpected property %r" % (path, key))
                elif isinstance(extra, dict):
                    self._check(extra, v, path + "." + key, out)
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                out.append("%s: %d items, at least %d required" % (path, len(value), schema["minItems"]))
            if "items" in schema:
                for i, v in enumerate(value):
                    self._check(schema["items"], v, "%s[%d]" % (path, i), out)


def validate(schema, instance):
    """Raises AssertionError listing the first violations when `instance` is not valid."""
    errs = Validator(schema).errors(instance)
    if errs:
        more = "" if len(errs) <= 20 else "\n... and %d more" % (len(errs) - 20)
        raise AssertionError("%d schema violations:\n%s%s" % (len(errs), "\n".join(errs[:20]), more))
