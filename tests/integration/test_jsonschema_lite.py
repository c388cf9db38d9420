"""The JSON Schema validator the report tests rely on: it must reject what it should, or every
schema test built on it would pass for nothing."""
import json
import os
import unittest

from jsonschema_lite import SchemaError, Validator, validate

SRC = os.environ.get("RAMPART_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

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
        with self.assertRaises(SchemaError):
            Validator({"type": "object", "oneOf": []}).errors({})
        with self.assertRaises(SchemaError):
            Validator({"$ref": "#/$defs/missing"}).errors({})
        with self.assertRaises(SchemaError):
            Validator({"$ref": "other.json#/x"}).errors({})

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

        with open(os.path.join(SRC, "testdata", "oscal", "assessment-results.subset.schema.json")) as f:
            oscal_schema = json.load(f)
        minimal = {"assessment-results": {
            "uuid": "8f2e4c1a-5b7d-5e9f-a3c6-1d0b2e4f6a8c",
            "metadata": {"title": "t", "last-modified": "2025-06-01T12:00:00Z", "version": "1", "oscal-version": "1.1.2"},
            "import-ap": {"href": "#x"},
            "results": [{"uuid": "8f2e4c1a-5b7d-5e9f-a3c6-1d0b2e4f6a8c", "title": "t", "description": "d",
                         "start": "2025-06-01T12:00:00Z",
                         "reviewed-controls": {"control-selections": [{"include-controls": [{"control-id": "cis-1.2.1"}]}]}}]}}
        validate(oscal_schema, minimal)
        bad = json.loads(json.dumps(minimal))
        bad["assessment-results"]["uuid"] = "not-a-uuid"
        bad["assessment-results"]["results"][0]["reviewed-controls"]["control-selections"][0]["include-controls"][0]["control-id"] = "1.2.1"
        del bad["assessment-results"]["metadata"]["oscal-version"]
        self.assertEqual(len(Validator(oscal_schema).errors(bad)), 3)


if __name__ == "__main__":
    unittest.main()
