// Pure parts of the report formats: name-based UUIDs, the roll-up of several clusters, the
// diff of two reports, and escaping in every text format (hostile names come from clusters).
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "rampart/core/log.h"
#include "rampart/report/diff.h"
#include "rampart/report/renderer.h"
#include "rampart/report/rollup.h"
#include "rampart/report/scan_evidence.h"
#include "rampart/report/uuid.h"

using namespace rampart;
using checks::Severity;
using checks::Status;

namespace {

checks::CheckResult check(const std::string& id, Status status, std::vector<checks::Finding> findings = {}) {
  checks::CheckResult r;
  r.entry.id = id;
  r.entry.title = "Title of " + id;
  r.entry.section = id.substr(0, id.rfind('.'));
  r.entry.remediation = "fix " + id;
  r.severity = Severity::kHigh;
  r.outcome.status = status;
  r.outcome.reason = "because";
  r.outcome.findings = std::move(findings);
  return r;
}

checks::Finding finding(const std::string& name, Status status = Status::kFail) {
  checks::Finding f;
  f.status = status;
  f.resource = {"Pod", "shop", name};
  f.message = "message about " + name;
  return f;
}

report::ScanReport sample(std::vector<checks::CheckResult> results) {
  report::ScanReport r;
  r.scanner_version = "0.0.0-test";
  r.cluster.context = "ctx";
  r.sections = {{"5.2", "Pod security"}};
  r.checks = std::move(results);
  for (const auto& c : r.checks) ++r.score.counts[c.outcome.status];
  return r;
}

std::string render(const report::ScanReport& r, const char* format) {
  auto renderer = report::make_renderer(format, {});
  REQUIRE(renderer.has_value());
  std::ostringstream out;
  (*renderer)->render(r, out);
  return out.str();
}

}  // namespace

TEST_CASE("uuid: version 5 matches RFC 4122 test vectors", "[report]") {
  // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") in Python's standard library.
  CHECK(report::uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  CHECK(report::uuid_v5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "http://python.org/") == "4c565f0d-3f5a-5890-b41b-20cf47701c5e");
  CHECK_FALSE(report::uuid_v5("not-a-uuid", "x").has_value());
  CHECK_FALSE(report::uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430cg", "x").has_value());
}

TEST_CASE("formats: hostile names stay inert in every format", "[report]") {
  auto r = sample({check("5.2.2", Status::kFail, {finding("<script>alert(1)</script>"), finding("=cmd|' /C calc'!A0")})});
  r.cluster.context = "a\"b\\c\nd";
  auto html = render(r, "html");
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  auto junit = render(r, "junit");
  CHECK(junit.find("<script>") == std::string::npos);
  CHECK(junit.find("&lt;script&gt;") != std::string::npos);
  auto csv = render(r, "csv");
  CHECK(csv.find("\"'=cmd|' /C calc'!A0\"") != std::string::npos);
  CHECK(csv.find("\r\n") != std::string::npos);
  auto prom = render(r, "prometheus");
  CHECK(prom.find("cluster=\"a\\\"b\\\\c\\nd\"") != std::string::npos);
  CHECK(prom.find('\n' + std::string("d\"")) == std::string::npos);
}

TEST_CASE("formats: XML drops control characters it cannot carry", "[report]") {
  auto r = sample({check("5.2.2", Status::kFail, {finding(std::string("bad\x01name"))})});
  auto junit = render(r, "junit");
  CHECK(junit.find('\x01') == std::string::npos);
  CHECK(junit.find("bad\xEF\xBF\xBDname") != std::string::npos);
}

TEST_CASE("formats: SARIF fingerprints depend on check and object only", "[report]") {
  auto a = render(sample({check("5.2.2", Status::kFail, {finding("web")})}), "sarif");
  auto b = sample({check("5.2.2", Status::kFail, {finding("web")})});
  b.checks[0].outcome.findings[0].message = "another message";
  auto fp = [](const std::string& doc) {
    return nlohmann::json::parse(doc)["runs"][0]["results"][0]["partialFingerprints"]["rampartFinding/v1"].get<std::string>();
  };
  CHECK(fp(a) == fp(render(b, "sarif")));
  CHECK(fp(a) != fp(render(sample({check("5.2.2", Status::kFail, {finding("web2")})}), "sarif")));
  CHECK(fp(a) != fp(render(sample({check("5.2.3", Status::kFail, {finding("web")})}), "sarif")));
}

TEST_CASE("formats: SARIF results have a relative pseudo-path that cannot climb out", "[report]") {
  auto doc = nlohmann::json::parse(
      render(sample({check("5.2.3", Status::kFail, {finding(".."), finding("a/b c")}), check("5.2.4", Status::kFail)}), "sarif"));
  const auto& results = doc["runs"][0]["results"];
  REQUIRE(results.size() == 3);
  auto uri = [&](size_t i) { return results[i]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].get<std::string>(); };
  CHECK(uri(0) == "kubernetes/Pod/shop/%2E%2E");
  CHECK(uri(1) == "kubernetes/Pod/shop/a%2Fb%20c");
  CHECK(uri(2) == "kubernetes/Cluster/ctx");  // a check-level result sits at the cluster
}

TEST_CASE("rollup: shared failures and the worst exit code", "[report]") {
  auto a = sample({check("5.2.1", Status::kFail), check("5.2.2", Status::kFail), check("5.2.3", Status::kPass)});
  auto b = sample({check("5.2.1", Status::kFail), check("5.2.2", Status::kWaived), check("5.2.3", Status::kFail)});
  auto c = sample({check("5.2.1", Status::kFail), check("5.2.3", Status::kFail)});
  auto roll = report::make_rollup({{"b", &b, "", {}, 0}, {"a", &a, "", {}, 2}, {"c", &c, "", {}, 0}, {"down", nullptr, "unreachable", {}, 1}});
  REQUIRE(roll.shared.size() == 2);
  CHECK(roll.shared[0] == report::SharedFailure{"5.2.1", "Title of 5.2.1", Severity::kHigh, {"a", "b", "c"}});
  CHECK(roll.shared[1].check_id == "5.2.3");
  CHECK(roll.shared[1].clusters == std::vector<std::string>{"b", "c"});
  CHECK(roll.exit_code == 1);
  CHECK(roll.clusters[3].scanned == false);
  CHECK(report::worst_exit_code({0, 2, 0}) == 2);
  CHECK(report::worst_exit_code({2, 1}) == 1);
  CHECK(report::worst_exit_code({}) == 0);
  std::ostringstream text;
  report::render_rollup_text(roll, text);
  CHECK(text.str().find("down                             NOT SCANNED: unreachable") != std::string::npos);
  CHECK(report::rollup_to_json(roll)["shared_failures"][0]["clusters"].size() == 3);
}

TEST_CASE("rollup: the html page links scanned clusters and the prometheus file has only roll-up series", "[report]") {
  auto a = sample({check("5.2.1", Status::kFail)});
  auto b = sample({check("5.2.1", Status::kFail)});
  auto roll = report::make_rollup({{"a", &a, "", {}, 0}, {"<b>", &b, "", {}, 0}, {"down", nullptr, "refused <x>", {}, 1}});
  std::ostringstream html;
  report::render_rollup(roll, "html", {{"a", "report.a.html"}, {"down", "report.down.html"}}, html);
  CHECK(html.str().find("<a href=\"report.a.html\">a</a>") != std::string::npos);
  CHECK(html.str().find("<td>&lt;b&gt;</td>") != std::string::npos);       // no link given: plain text
  CHECK(html.str().find("report.down.html") == std::string::npos);         // not scanned: nothing to link
  CHECK(html.str().find("NOT SCANNED</span> refused &lt;x&gt;") != std::string::npos);
  CHECK(html.str().find("<script") == std::string::npos);
  std::ostringstream prom;
  report::render_rollup(roll, "prometheus", {}, prom);
  CHECK(prom.str().find("rampart_rollup_cluster_scanned{cluster=\"down\"} 0\n") != std::string::npos);
  CHECK(prom.str().find("rampart_rollup_shared_failure_clusters{id=\"5.2.1\",severity=\"high\"} 2\n") != std::string::npos);
  CHECK(prom.str().find("rampart_rollup_exit_code{clusters=\"3\"} 1\n") != std::string::npos);
  CHECK(prom.str().find("rampart_score") == std::string::npos);
  CHECK(report::has_rollup_format("json"));
  CHECK_FALSE(report::has_rollup_format("csv"));
}

TEST_CASE("evidence files: probes.json and each check's transcripts of the endpoints it names", "[report]") {
  auto named = finding("x");
  named.resource = {"NetworkEndpoint", "", "kubelet://10.0.0.1:10250"};
  auto in_evidence = check("5.2.2", Status::kPass);
  in_evidence.outcome.evidence.push_back({"probe", "RMP-101 kubelet://10.0.0.1:1025", "PASS: closed"});
  auto r = sample({check("5.2.1", Status::kFail, {named}), in_evidence, check("5.2.3", Status::kFail, {finding("web")})});
  probe::ProbeResults probes;
  for (int port : {10250, 1025}) {
    probe::ProbeResult p;
    p.target = {probe::TargetKind::kKubelet, "10.0.0.1", port, "cp-1", "node/cp-1 InternalIP"};
    probe::Exchange x;
    x.request = "GET /pods HTTP/1.1\r\nAuthorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\r\n\r\n";
    x.status_line = "HTTP/1.1 200 OK";
    p.exchanges.push_back(x);
    probes.results.push_back(p);
  }
  auto files = report::scan_evidence_files(r, {}, &probes);
  std::map<std::string, nlohmann::json> docs;
  for (const auto& f : files)
    if (f.path.size() > 5 && f.path.substr(f.path.size() - 5) == ".json") docs[f.path] = nlohmann::json::parse(f.content);
  REQUIRE(docs.count("probes.json"));
  CHECK(docs["probes.json"]["results"].size() == 2);
  // The finding names :10250 only; the evidence names :1025, which is not a prefix match of it.
  REQUIRE(docs["checks/5.2.1.json"]["probe_transcripts"].size() == 1);
  CHECK(docs["checks/5.2.1.json"]["probe_transcripts"][0]["target"]["port"] == 10250);
  REQUIRE(docs["checks/5.2.2.json"]["probe_transcripts"].size() == 1);
  CHECK(docs["checks/5.2.2.json"]["probe_transcripts"][0]["target"]["port"] == 1025);
  CHECK_FALSE(docs["checks/5.2.3.json"].contains("probe_transcripts"));
  for (const auto& f : files) CHECK(f.content.find("abcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos);
  CHECK(report::scan_evidence_files(r, {}, nullptr).size() == files.size() - 1);  // no probes.json
}

TEST_CASE("formats: credentials quoted by a check never reach any format", "[report]") {
  const std::string registered = "s3cr3t-registered-value-7f3a";
  log::register_secret(registered);
  auto leaky = finding("web");
  leaky.message = "answered with Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345";
  leaky.evidence.push_back({"flags", "--password-file", "x " + registered});
  auto c = check("5.2.1", Status::kFail, {leaky});
  c.outcome.reason = "saw " + registered;
  c.outcome.evidence.push_back({"probe", "Bearer abcdefghijklmnopqrstuvwxyz012345", "ok"});
  checks::Catalog catalog;
  catalog.sections = {{"5.2", "Pod security"}};
  auto r = report::make_report(collect::Inventory{}, catalog, {c}, {}, report::ReportContext{"0.0.0-test", "", "live", {}, {}, {}, {}});
  for (const auto& format : report::known_formats()) {
    std::string out = render(r, format.c_str());
    CHECK(out.find(registered) == std::string::npos);
    CHECK(out.find("abcdefghijklmnopqrstuvwxyz012345") == std::string::npos);
  }
  CHECK(r.checks[0].outcome.findings[0].message == "answered with Authorization: Bearer [REDACTED]");
}

TEST_CASE("diff: new, fixed and changed failures", "[report]") {
  auto old_doc = report::to_json(sample({check("5.2.1", Status::kFail, {finding("a"), finding("b")}), check("5.2.2", Status::kPass)}));
  auto new_doc = report::to_json(sample({check("5.2.1", Status::kFail, {finding("b"), finding("c")}), check("5.2.2", Status::kFail),
                                         check("5.2.3", Status::kWarn)}));
  auto d = report::diff_reports(old_doc, new_doc, "old", "new");
  REQUIRE(d.has_value());
  REQUIRE(d->new_failures.size() == 2);
  CHECK(d->new_failures[0].name == "c");
  CHECK(d->new_failures[1].check_id == "5.2.2");
  CHECK(d->new_failures[1].name.empty());
  CHECK(d->new_failures[1].other_status == "PASS");
  REQUIRE(d->fixed_failures.size() == 1);
  CHECK(d->fixed_failures[0].name == "a");
  CHECK(d->fixed_failures[0].other_status == "FAIL");
  REQUIRE(d->status_changes.size() == 2);
  CHECK(d->status_changes[0] == report::StatusChange{"5.2.2", "Title of 5.2.2", "PASS", "FAIL"});
  CHECK(d->status_changes[1] == report::StatusChange{"5.2.3", "Title of 5.2.3", "absent", "WARN"});

  auto bad = report::diff_reports(nlohmann::json::array(), new_doc, "x.json", "new");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().describe() == "x.json: not a rampart JSON report: not a JSON object");
}

TEST_CASE("formats: findings about rampart itself are marked, and whom it scanned as is named", "[report]") {
  auto own = finding("rampart-scan-1");
  own.tags = {"self"};
  auto r = sample({check("5.2.2", Status::kFail, {own, finding("web")})});
  r.scanned_as = {"system:serviceaccount:rampart:rampart", {}, "SelfSubjectReview", "in-cluster", {}, ""};
  std::string text = render(r, "text");
  CHECK(text.find("Scanned as: system:serviceaccount:rampart:rampart (SelfSubjectReview)\n") != std::string::npos);
  CHECK(text.find("shop/rampart-scan-1: message about rampart-scan-1 [rampart itself]\n") != std::string::npos);
  CHECK(text.find("shop/web: message about web\n") != std::string::npos);
  std::string html = render(r, "html");
  CHECK(html.find("scanned as system:serviceaccount:rampart:rampart") != std::string::npos);
  CHECK(html.find("message about rampart-scan-1 <span class=\"self\">rampart itself</span>") != std::string::npos);
  CHECK(html.find("message about web <span") == std::string::npos);
  auto json = nlohmann::json::parse(render(r, "json"));
  CHECK(json["scanned_as"]["user"] == "system:serviceaccount:rampart:rampart");
}
