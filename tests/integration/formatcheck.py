"""Strict readers for every report format, shared by the tests that produce them (test_formats on
a saved inventory, test_demo_all_formats on a live scan of the simulated demo cluster). Each
function takes the unittest.TestCase to assert with, the file's text and the JSON report of the
same scan, checks that the format parses and agrees with the report, and returns what a test may
want to look at further.

Python 3 standard library only.
"""
import csv
import io
import json
import os
import pty
import re
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

from jsonschema_lite import validate
from reportlib import OSCAL_SCHEMA

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
FAILURE_LIKE = ("FAIL", "WARN", "WAIVED")


def run_on_pty(args, fd="stderr", env=None, timeout=300):
    """Runs a command with `fd` ("stdout" or "stderr") on a pseudo-terminal and the other
    discarded; returns (exit code, bytes written to the terminal)."""
    master, slave = pty.openpty()
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    streams[fd] = slave
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, env=env, **streams)
    finally:
        os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        data += chunk
    os.close(master)
    return proc.wait(timeout=timeout), data


def check_junit(t, text, report):
    """Each check a testcase in a suite per section; FAIL a failure, ERROR an error, SKIP and
    MANUAL skipped. Returns the root element."""
    root = ET.fromstring(text.encode())
    t.assertEqual(root.tag, "testsuites")
    s = report["summary"]
    t.assertEqual(int(root.get("tests")), len(report["checks"]))
    t.assertEqual(int(root.get("failures")), s["FAIL"])
    t.assertEqual(int(root.get("errors")), s["ERROR"])
    t.assertEqual(int(root.get("skipped")), s["SKIP"] + s["MANUAL"])
    sections = {}
    for c in report["checks"]:
        sections.setdefault(c["section"], []).append(c)
    suites = root.findall("testsuite")
    t.assertEqual([x.get("id") for x in suites], list(sections))
    for suite in suites:
        checks = sections[suite.get("id")]
        cases = suite.findall("testcase")
        t.assertEqual(len(cases), len(checks))
        t.assertEqual(int(suite.get("tests")), len(checks))
        for case, check in zip(cases, checks):
            t.assertTrue(case.get("name").startswith(check["id"] + " "))
            kinds = [child.tag for child in case]
            expected = {"FAIL": ["failure"], "ERROR": ["error"], "SKIP": ["skipped"], "MANUAL": ["skipped"],
                        "PASS": [], "WARN": ["system-out"], "WAIVED": ["system-out"]}[check["status"]]
            t.assertEqual(kinds, expected, check["id"])
    return root


CSV_HEADER = ["check_id", "title", "section", "severity", "status", "resource_kind", "resource_namespace",
              "resource_name", "message"]


def check_csv(t, text, report):
    """One row per finding (or per check without findings), nine columns, no cell a spreadsheet
    would run as a formula. Returns the rows, header first."""
    t.assertTrue(text.endswith("\r\n"))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    t.assertEqual(rows[0], CSV_HEADER)
    t.assertEqual(len(rows) - 1, sum(max(1, len(c["findings"])) for c in report["checks"]))
    by_id = {c["id"]: c for c in report["checks"]}
    for row in rows[1:]:
        t.assertEqual(len(row), 9)
        for cell in row:
            t.assertFalse(cell[:1] in ("=", "+", "-", "@"), "formula-like cell: %r" % cell)
        if not by_id[row[0]]["findings"]:
            t.assertEqual(row[5:8], ["", "", ""])
    return rows


PROM_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
PROM_LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
PROM_SAMPLE = re.compile(r"^(%s)\{%s(?:,%s)*\} (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|NaN|[+-]Inf)$"
                         % (PROM_NAME, PROM_LABEL, PROM_LABEL))
PROM_HELP = re.compile(r"^# HELP (%s) [^\n]*$" % PROM_NAME)
PROM_TYPE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$" % PROM_NAME)
CHECK_STATUS_CODES = {"PASS": 0, "WARN": 1, "FAIL": 2, "ERROR": 3, "MANUAL": 4, "SKIP": 5, "WAIVED": 6}


def parse_prometheus(t, text):
    """Every line is a HELP, a TYPE or a sample of the family just declared (exposition format
    0.0.4, no timestamps); returns {family: [(line, value)]}."""
    t.assertTrue(text.endswith("\n"))
    current, seen, values = None, set(), {}
    for line in text.split("\n")[:-1]:
        if m := PROM_HELP.match(line):
            t.assertNotIn(m.group(1), seen, "family declared twice")
            current = m.group(1)
            seen.add(current)
        elif m := PROM_TYPE.match(line):
            t.assertEqual(m.group(1), current)
        else:
            m = PROM_SAMPLE.match(line)
            t.assertIsNotNone(m, "not exposition format: %r" % line)
            t.assertEqual(m.group(1), current, "sample outside its family")
            values.setdefault(m.group(1), []).append((line, float(m.group(2))))
    return values


def check_prometheus(t, text, report, cluster_label):
    """The metrics agree with the report: score, checks by status, per-check status, findings,
    coverage, scan time and duration. `cluster_label` is the escaped `cluster="..."` pair."""
    values = parse_prometheus(t, text)
    t.assertTrue(all(cluster_label in l for ls in values.values() for l, _ in ls), "every sample has the cluster label")
    t.assertEqual(values["rampart_score"][0][1], report["score"]["overall"])
    for status, count in report["summary"].items():
        t.assertIn(('rampart_checks{%s,status="%s"} %d' % (cluster_label, status, count), count), values["rampart_checks"])
    by_id = {re.search(r'id="([^"]+)"', l).group(1): v for l, v in values["rampart_check_status"]}
    t.assertEqual(by_id, {c["id"]: CHECK_STATUS_CODES[c["status"]] for c in report["checks"]})
    t.assertAlmostEqual(values["rampart_coverage_ratio"][0][1], report["coverage"]["share"], places=5)
    t.assertGreater(values["rampart_scan_timestamp_seconds"][0][1], 1.6e9)
    t.assertGreaterEqual(values["rampart_scan_duration_seconds"][0][1], 0)
    t.assertEqual(sum(v for _, v in values["rampart_findings"]), sum(len(c["findings"]) for c in report["checks"]))
    by_severity = {}
    for c in report["checks"]:
        key = 'severity="%s",status="%s"' % (c["severity"], c["status"])
        by_severity[key] = by_severity.get(key, 0) + 1
    series = values["rampart_checks_by_severity"]
    t.assertEqual(len(series), 35, "every severity and status pair, zeros included")
    t.assertEqual({re.search(r'(severity="[^"]+",status="[^"]+")', l).group(1): v for l, v in series if v},
                  by_severity)
    return values


def check_sarif(t, text, report):
    """SARIF 2.1.0: one rule per check in report order, one result per failure-like finding (or
    per failure-like check without findings) located at its Kubernetes object, and one stable
    fingerprint per check and object. Returns the document."""
    doc = json.loads(text)
    t.assertEqual(doc["version"], "2.1.0")
    t.assertIn("$schema", doc)
    t.assertEqual(len(doc["runs"]), 1)
    run_ = doc["runs"][0]
    driver = run_["tool"]["driver"]
    t.assertEqual(driver["name"], "rampart")
    rules = driver["rules"]
    t.assertEqual([r["id"] for r in rules], [c["id"] for c in report["checks"]])
    for r in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            t.assertTrue(r[key]["text"], (r["id"], key))
        t.assertRegex(r["name"], r"^[A-Za-z0-9]+$")
        p = r["properties"]
        t.assertIn(p["severity"], ["critical", "high", "medium", "low", "info"])
        t.assertIn(p["level"], [1, 2])
        t.assertTrue(0 < float(p["security-severity"]) <= 10)
        t.assertIn(r["defaultConfiguration"]["level"], ["error", "warning", "note"])
    inv = run_["invocations"][0]
    t.assertIs(inv["executionSuccessful"], True)
    for key in ("startTimeUtc", "endTimeUtc"):
        t.assertRegex(inv[key], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    expected = 0
    for c in report["checks"]:
        if c["status"] in FAILURE_LIKE:
            expected += max(1, len([f for f in c["findings"] if f["status"] in FAILURE_LIKE]))
    t.assertEqual(len(run_["results"]), expected)
    fingerprints = set()
    for res in run_["results"]:
        t.assertEqual(rules[res["ruleIndex"]]["id"], res["ruleId"])
        t.assertIn(res["level"], ["error", "warning", "note"])
        t.assertTrue(res["message"]["text"])
        loc = res["locations"][0]["logicalLocations"][0]
        k = loc["properties"]["kubernetes"]
        t.assertEqual(loc["fullyQualifiedName"], "/".join(x for x in (k["kind"], k["namespace"], k["name"]) if x))
        physical = res["locations"][0]["physicalLocation"]
        t.assertEqual(physical["artifactLocation"]["uri"],
                      "/".join(["kubernetes"] + [uri_segment(x) for x in (k["kind"], k["namespace"], k["name"]) if x]))
        t.assertEqual(physical["region"], {"startLine": 1})
        fp = res["partialFingerprints"]["rampartFinding/v1"]
        t.assertRegex(fp, r"^[0-9a-f]{64}$")
        fingerprints.add((res["ruleId"], loc["fullyQualifiedName"], fp))
    # One fingerprint per check and object (several findings on one object share it).
    by_key = {}
    for rule, where, fp in fingerprints:
        t.assertEqual(by_key.setdefault((rule, where), fp), fp)
    t.assertEqual(len(set(by_key.values())), len(by_key))
    return doc


def uri_segment(text):
    """A path segment as rampart's SARIF writes it: RFC 3986 unreserved characters kept, every
    other byte percent-encoded, and a segment of only dots encoded whole."""
    seg = urllib.parse.quote(text, safe="")
    return seg.replace(".", "%2E") if seg in (".", "..") else seg


def oscal_control_id(check_id):
    return ("cis-" + check_id) if check_id[0].isdigit() else check_id.lower()


def check_oscal(t, text, report):
    """Assessment results valid against NIST's official OSCAL 1.1.2 schema (testdata/oscal/): the scan as the
    result, one reviewed control per check, one finding per failed (or waived) control, every
    reference resolving and every UUID a unique version-5 UUID. Returns the document."""
    doc = json.loads(text)
    validate(OSCAL_SCHEMA, doc)
    ar = doc["assessment-results"]
    t.assertEqual(ar["metadata"]["oscal-version"], "1.1.2")
    res = ar["results"][0]
    t.assertEqual(res["start"], report["started_at"])
    t.assertEqual(res["end"], report["generated_at"])
    controls = [c["control-id"] for c in res["reviewed-controls"]["control-selections"][0]["include-controls"]]
    t.assertEqual(controls, [oscal_control_id(c["id"]) for c in report["checks"]])
    failed = [c for c in report["checks"] if c["status"] in ("FAIL", "WAIVED")]
    t.assertEqual([f["target"]["target-id"] for f in res.get("findings", [])], [oscal_control_id(c["id"]) for c in failed])
    observations = {o["uuid"]: o for o in res.get("observations", [])}
    t.assertEqual(len(observations), len(res.get("observations", [])), "observation UUIDs are unique")
    items = {i["uuid"]: i for i in res.get("local-definitions", {}).get("inventory-items", [])}
    for o in observations.values():
        t.assertEqual(o["methods"], ["TEST"])
        for s in o.get("subjects", []):
            t.assertIn(s["subject-uuid"], items)
    for f in res.get("findings", []):
        for rel in f["related-observations"]:
            t.assertIn(rel["observation-uuid"], observations)
    uuids = [ar["uuid"], res["uuid"], *observations, *items, *(f["uuid"] for f in res.get("findings", []))]
    t.assertTrue(all(UUID.match(u) for u in uuids))
    t.assertEqual(len(set(uuids)), len(uuids))
    return doc


def check_html_source(t, text, report):
    """Self-contained: one inline script, nothing loaded from anywhere (no src/href to a URL, no
    @import or url() in the style), a CSP that allows nothing else; the overall score, a bar per
    section in the chart, one table row per check."""
    t.assertEqual(text.count("<script"), 1)
    t.assertNotIn("<script src", text)
    t.assertNotRegex(text, r"(src|href)=\"(https?:|//|data:|file:)", "nothing loads from elsewhere")
    t.assertNotRegex(text, r"@import|url\(|<link |<img |<iframe |<object |<embed |@font-face")
    t.assertIn("default-src 'none'", text)
    t.assertIn('<span id="overall-score">%.1f</span>' % report["score"]["overall"], text)
    t.assertEqual(len(re.findall(r'<g class="section-bar" data-section="', text)), len(report["score"]["sections"]))
    t.assertEqual(len(re.findall(r'<tr class="check" ', text)), len(report["checks"]))
