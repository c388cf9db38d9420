"""The JSON Schema validator the report tests rely on: it must reject what it should, or every
schema test built on it would pass for nothing."""
import hashlib
import json
import os
import unittest

from jsonschema_lite import SchemaError, Validator, validate

SRC = os.environ.get("RAMPART_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

OSCAL_SCHEMA_SHA256 = "1912ec0f0b659e5517d37384dfc9de323ce64da0274e5ce70105847d7e9fd49b"
UUID_PATTERN = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$"
TOKEN_PATTERN = r"^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$"
DATE_TIME_PATTERN = (r"^(((2000|2400|2800|(19|2[0-9](0[48]|[2468][048]|[13579][26])))-02-29)|(((19|2[0-9])[0-9]{2})-02-(0[1-9]|1[0-9]|2[0-8]))"
                     r"|(((19|2[0-9])[0-9]{2})-(0[13578]|10|12)-(0[1-9]|[12][0-9]|3[01]))|(((19|2[0-9])[0-9]{2})-(0[469]|11)-(0[1-9]|[12][0-9]|30)))"
                     r"T(2[0-3]|[01][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?"
                     r"(Z|(-((0[0-9]|1[0-2]):00|0[39]:30)|\+((0[0-9]|1[0-4]):00|(0[34569]|10):30|(0[58]|12):45)))$")

SCHEMA = {
    "$defs": {
        "resource": {
            "type": "object",
            "required": ["kind", "name"],
            "properties": {"kind": {"type": "string", "pattern": "^[A-Z][A-Za-z]*$"},
                           "name": {"type": "string"}, "namespace": {"type": "string"}},
            "additionalProperties": False,
        }
    },
    "type": "object",
    "required": ["version", "status", "items"],
    "properties": {
        "version": {"const": 1},
        "status": {"enum": ["PASS", "FAIL"]},
        "score": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
        "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/resource"}},
        "token": {"type": "string", "pattern": r"^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$"},
    },
    "additionalProperties": False,
}

GOOD = {"version": 1, "status": "FAIL", "score": 49.5, "items": [{"kind": "Pod", "name": "web", "namespace": "shop"}],
        "token": "cis-1.2.1"}


class ValidatorTest(unittest.TestCase):
    def test_accepts_a_valid_document(self):
        self.assertEqual(Validator(SCHEMA).errors(GOOD), [])
        self.assertEqual(Validator(SCHEMA).errors(dict(GOOD, score=None)), [])

    def test_rejects_each_kind_of_violation(self):
        cases = {
            "wrong type": (dict(GOOD, items={}), "$.items: expected array, got dict"),
            "missing required": ({k: v for k, v in GOOD.items() if k != "status"}, "$: missing required property 'status'"),
            "const": (dict(GOOD, version=2), "$.version: expected 1, got 2"),
            "enum": (dict(GOOD, status="MAYBE"), "$.status: 'MAYBE' is not one of ['PASS', 'FAIL']"),
            "minimum": (dict(GOOD, score=-1), "$.score: -1 is below the minimum 0"),
            "maximum": (dict(GOOD, score=100.5), "$.score: 100.5 is above the maximum 100"),
            "extra property": (dict(GOOD, extra=1), "$: unexpected property 'extra'"),
            "minItems": (dict(GOOD, items=[]), "$.items: 0 items, at least 1 required"),
            "pattern via $ref": (dict(GOOD, items=[{"kind": "pod", "name": "x"}]), "$.items[0].kind: 'pod' does not match ^[A-Z][A-Za-z]*$"),
            "nested required": (dict(GOOD, items=[{"kind": "Pod"}]), "$.items[0]: missing required property 'name'"),
            "nested extra": (dict(GOOD, items=[{"kind": "Pod", "name": "a", "uid": "1"}]), "$.items[0]: unexpected property 'uid'"),
            "token starts with a digit": (dict(GOOD, token="1.2.1"), r"$.token: '1.2.1' does not match ^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$"),
            "bool is not a number": (dict(GOOD, score=True), "$.score: expected number or null, got bool"),
        }
        for name, (doc, message) in cases.items():
            with self.subTest(name):
                self.assertEqual(Validator(SCHEMA).errors(doc), [message])
        with self.assertRaises(AssertionError):
            validate(SCHEMA, dict(GOOD, version=3))

    def test_unsupported_keywords_are_schema_errors(self):
        bad_schemas = {
            "unknown keyword": {"type": "array", "uniqueItems": True},
            "unknown format": {"type": "string", "format": "hostname"},
            "unknown contentEncoding": {"type": "string", "contentEncoding": "base32"},
            "missing $defs entry": {"$ref": "#/$defs/missing"},
            "missing anchor": {"$ref": "#nowhere"},
            "other document": {"$ref": "other.json#/x"},
            "empty oneOf": {"type": "object", "oneOf": []},
            "tuple items": {"items": [{"type": "string"}]},
            "nested base URI": {"$defs": {"a": {"$id": "http://example.com/a.json"}}},
            "draft-07 $ref with siblings": {"$schema": "http://json-schema.org/draft-07/schema#",
                                            "properties": {"a": {"$ref": "#", "minItems": 1}}},
            "word boundary": {"pattern": "\\bx"},
            "unknown Unicode property": {"pattern": "\\p{Xx}"},
        }
        for name, schema in bad_schemas.items():
            with self.subTest(name), self.assertRaises(SchemaError):
                Validator(schema)  # refused before any instance, even in a branch none would reach

    def test_combinators(self):
        schema = {
            "type": "object",
            "properties": {
                "all": {"allOf": [{"type": "string"}, {"enum": ["one", "two"]}]},
                "any": {"anyOf": [{"type": "integer"}, {"enum": ["many"]}]},
                "one": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 10}]},
                "neg": {"not": {"const": "forbidden"}},
            },
        }
        v = Validator(schema)
        self.assertEqual(v.errors({"all": "one", "any": 3, "one": 12.5, "neg": "fine"}), [])
        self.assertEqual(v.errors({"any": "many", "one": 3}), [])
        self.assertEqual(v.errors({"all": "three"}), ["$.all: 'three' is not one of ['one', 'two']"])
        self.assertEqual(v.errors({"all": 1}), ["$.all: 1 is not one of ['one', 'two']", "$.all: expected string, got int"])
        self.assertEqual(v.errors({"any": "few"}), [
            "$.any: expected integer, got str",
            "$.any: matches none of the 2 anyOf alternatives; the closest (#0) says:"])
        self.assertEqual(v.errors({"one": "x"}), [
            "$.one: expected integer, got str",
            "$.one: matches none of the 2 oneOf alternatives; the closest (#0) says:"])
        self.assertEqual(v.errors({"one": 12}), ["$.one: matches oneOf alternatives [0, 1], exactly one is allowed"])
        self.assertEqual(v.errors({"neg": "forbidden"}), ["$.neg: matches the schema under 'not'"])

    def test_refs_to_anchors_and_the_root(self):
        schema = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                  "definitions": {"node": {"$id": "#node", "type": "object", "required": ["name"],
                                           "properties": {"name": {"type": "string"},
                                                          "children": {"type": "array", "items": {"$ref": "#node"}}},
                                           "additionalProperties": False}},
                  "properties": {"tree": {"$ref": "#node"}, "again": {"$ref": "#"}}}
        v = Validator(schema)
        self.assertEqual(v.errors({"tree": {"name": "a", "children": [{"name": "b"}]}, "again": {"tree": {"name": "c"}}}), [])
        self.assertEqual(v.errors({"tree": {"name": "a", "children": [{"nom": "b"}]}, "again": {"tree": {}}}), [
            "$.again.tree: missing required property 'name'",
            "$.tree.children[0]: missing required property 'name'",
            "$.tree.children[0]: unexpected property 'nom'"])

    def test_pattern_properties_max_items_and_integers(self):
        schema = {"type": "object", "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": False,
                  "properties": {"list": {"type": "array", "maxItems": 2}, "n": {"type": "integer"}}}
        v = Validator(schema)
        self.assertEqual(v.errors({"x-a": "1", "list": [1, 2], "n": 3.0}), [])
        self.assertEqual(v.errors({"x-a": 1, "y": "1", "list": [1, 2, 3], "n": 1.5}), [
            "$.list: 3 items, at most 2 allowed",
            "$.n: expected integer, got float",
            "$.x-a: expected string, got int",
            "$: unexpected property 'y'"])

    def test_formats(self):
        cases = {
            "date-time": (["2025-06-01T12:00:00Z", "2024-02-29T23:59:60.5+05:30", "2025-06-01t12:00:00z"],
                          ["2025-02-30T12:00:00Z", "2025-06-01T24:00:00Z", "2025-06-01T12:00:00", "2025-06-01 12:00:00Z",
                           "2025-06-01T12:00:00+24:00", "2025-06-01T12:00:00Z\n"]),
            "uri": (["https://example.com/a?b=c#d", "urn:uuid:8f2e4c1a-5b7d-5e9f-a3c6-1d0b2e4f6a8c", "mailto:a@b"],
                    ["/relative/path", "#frag", "https://exa mple.com", "https://example.com/%zz", "1http://x", "a:b#c#d"]),
            "uri-reference": (["#frag", "relative/path", "https://example.com/x", "", "./a:b"],
                              ["a b", "1a:b", "x#y#z", "%4"]),
            "email": (["ops@example.com", "first.last+tag@sub.example.org"],
                      ["no-at-sign", "a@", "@b.com", "a..b@c.com", "a@b_c.com"]),
        }
        for fmt, (good, bad) in cases.items():
            v = Validator({"type": "string", "format": fmt})
            for s in good:
                with self.subTest(fmt=fmt, good=s):
                    self.assertEqual(v.errors(s), [])
            for s in bad:
                with self.subTest(fmt=fmt, bad=s):
                    self.assertEqual(v.errors(s), ["$: %r is not a valid %s" % (s, fmt)])
        v = Validator({"type": "string", "contentEncoding": "base64"})
        self.assertEqual(v.errors("aGVsbG8="), [])
        self.assertEqual(v.errors("aGVsbG8"), ["$: 'aGVsbG8' is not valid base64"])
        self.assertEqual(v.errors("a*b="), ["$: 'a*b=' is not valid base64"])

    def test_patterns_follow_ecma_262_not_python(self):
        def ok(pattern, s):
            return Validator({"pattern": pattern}).errors(s) == []
        token = r"^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$"
        self.assertTrue(ok(token, "\u00e9t\u00e9-2"))       # letters outside ASCII are \p{L}
        self.assertTrue(ok(token, "x\u00bd"))                # VULGAR FRACTION ONE HALF is \p{N} (No)
        self.assertFalse(ok(token, "\u00bdx"))               # ... but not a letter
        self.assertFalse(ok(token, "a b"))
        self.assertTrue(ok(r"^\P{L}+$", "123"))
        self.assertFalse(ok(r"^\P{L}+$", "12a"))
        string = r"^\S(.*\S)?$"
        self.assertTrue(ok(string, "a b"))
        self.assertFalse(ok(string, "abc\n"))                # Python's $ would match before the newline
        self.assertFalse(ok(string, "a\u2028b"))             # ECMA's . stops at line terminators
        self.assertFalse(ok(string, "a\ufeff"))              # U+FEFF is ECMA whitespace
        self.assertFalse(ok(r"^\d+$", "\u0663"))             # ARABIC-INDIC DIGIT THREE is no ECMA \d
        self.assertFalse(ok(r"^\w+$", "\u00e9"))
        self.assertTrue(ok(r"^[\d.]+$", "1.2"))
        self.assertTrue(ok(r"^(?<major>[0-9]+)\.", "1.2"))
        self.assertTrue(ok(r"^[a[]+$", "a[["))                # "[" is a literal inside an ECMA class

    def test_the_shipped_schemas_reject_broken_reports(self):
        with open(os.path.join(SRC, "docs", "report.schema.json")) as f:
            report_schema = json.load(f)
        with open(os.path.join(SRC, "testdata", "golden", "kubeadm-demo.json")) as f:
            report = json.load(f)
        validate(report_schema, report)
        broken = json.loads(json.dumps(report))
        broken["checks"][0]["status"] = "OK"
        del broken["score"]["overall"]
        errs = Validator(report_schema).errors(broken)
        self.assertIn("$.checks[0].status: 'OK' is not one of ['PASS', 'FAIL', 'WARN', 'MANUAL', 'SKIP', 'ERROR', 'WAIVED']", errs)
        self.assertIn("$.score: missing required property 'overall'", errs)


    def test_the_official_oscal_schema_rejects_broken_documents(self):
        path = os.path.join(SRC, "testdata", "oscal", "oscal_complete_schema-1.1.2.json")
        with open(path, "rb") as f:
            raw = f.read()
        # The vendored NIST file, byte for byte (testdata/oscal/README.md says where it is from).
        self.assertEqual(hashlib.sha256(raw).hexdigest(), OSCAL_SCHEMA_SHA256)
        oscal_schema = json.loads(raw)
        self.assertEqual(oscal_schema["$id"], "http://csrc.nist.gov/ns/oscal/1.0/1.1.2/oscal-complete-schema.json")
        self.assertIn("#assembly_oscal-ar_assessment-results", [d.get("$id") for d in oscal_schema["definitions"].values()])
        minimal = {"assessment-results": {
            "uuid": "8f2e4c1a-5b7d-5e9f-a3c6-1d0b2e4f6a8c",
            "metadata": {"title": "t", "last-modified": "2025-06-01T12:00:00Z", "version": "1", "oscal-version": "1.1.2"},
            "import-ap": {"href": "#x"},
            "results": [{"uuid": "8f2e4c1a-5b7d-5e9f-a3c6-1d0b2e4f6a8c", "title": "t", "description": "d",
                         "start": "2025-06-01T12:00:00Z",
                         "reviewed-controls": {"control-selections": [{"include-controls": [{"control-id": "cis-1.2.1"}]}]}}]}}
        validate(oscal_schema, minimal)
        ar = "$.assessment-results"
        closest = "$: matches none of the 7 oneOf alternatives; the closest (#5) says:"
        selection = ar + ".results[0].reviewed-controls.control-selections[0].include-controls[0]"
        cases = {
            "bad uuid": (lambda d: d["assessment-results"].update(uuid="not-a-uuid"),
                         ar + ".uuid: 'not-a-uuid' does not match " + UUID_PATTERN),
            "version-1 uuid": (lambda d: d["assessment-results"].update(uuid="8f2e4c1a-5b7d-1e9f-a3c6-1d0b2e4f6a8c"),
                               ar + ".uuid: '8f2e4c1a-5b7d-1e9f-a3c6-1d0b2e4f6a8c' does not match " + UUID_PATTERN),
            "missing oscal-version": (lambda d: d["assessment-results"]["metadata"].pop("oscal-version"),
                                      ar + ".metadata: missing required property 'oscal-version'"),
            "missing results": (lambda d: d["assessment-results"].pop("results"), ar + ": missing required property 'results'"),
            "empty results": (lambda d: d["assessment-results"].update(results=[]), ar + ".results: 0 items, at least 1 required"),
            "unknown property": (lambda d: d["assessment-results"].update(score=1), ar + ": unexpected property 'score'"),
            "control id not a token": (
                lambda d: d["assessment-results"]["results"][0]["reviewed-controls"]["control-selections"][0]["include-controls"][0]
                .update({"control-id": "1.2.1"}),
                selection + ".control-id: '1.2.1' does not match " + TOKEN_PATTERN),
            "time without zone": (lambda d: d["assessment-results"]["results"][0].update(start="2025-06-01T12:00:00"),
                                  [ar + ".results[0].start: '2025-06-01T12:00:00' does not match " + DATE_TIME_PATTERN,
                                   ar + ".results[0].start: '2025-06-01T12:00:00' is not a valid date-time"]),
            "href with a space": (lambda d: d["assessment-results"]["import-ap"].update(href="a b"),
                                  ar + ".import-ap.href: 'a b' is not a valid uri-reference"),
        }
        for name, (breakit, expected) in cases.items():
            with self.subTest(name):
                doc = json.loads(json.dumps(minimal))
                breakit(doc)
                expected = expected if isinstance(expected, list) else [expected]
                self.assertEqual(Validator(oscal_schema).errors(doc), sorted(expected + [closest]))
        with self.subTest("another model under the same root"):
            errs = Validator(oscal_schema).errors({"catalog": minimal["assessment-results"]})
            self.assertIn("$: matches none of the 7 oneOf alternatives; the closest (#0) says:", errs)
            self.assertIn("$.catalog: unexpected property 'results'", errs)


if __name__ == "__main__":
    unittest.main()
