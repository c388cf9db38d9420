#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "evidence_support.h"
#include "rampart/report/evidence.h"

using namespace rampart;
using namespace rampart::report;
using nlohmann::json;
using rampart::test::read_text;
using rampart::test::TempDir;
using rampart::test::write_text;

namespace {

ManifestInfo info() {
  ManifestInfo i;
  i.scanner_version = "0.1.0";
  i.catalog_version = "cis-1.12.0+rampart.3";
  i.cluster.server = "https://10.0.0.1:6443";
  i.cluster.context = "in-cluster";
  i.cluster.git_version = "v1.32.4";
  i.cluster.platform = "linux/amd64";
  i.cluster.kube_system_uid = "6a1c0a9e-0000-4000-8000-000000000001";
  i.started_at = std::chrono::system_clock::from_time_t(1748779200);  // 2025-06-01T12:00:00Z
  i.finished_at = i.started_at + std::chrono::seconds(75);
  i.command_line = {"rampart", "scan", "--token", "[REDACTED]"};
  return i;
}

}  // namespace

TEST_CASE("evidence: SHA-256 of known inputs", "[report]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  TempDir dir;
  write_text(dir / "big.bin", std::string(200000, 'a'));  // several read chunks
  auto d = hash_file(dir / "big.bin", "big.bin");
  REQUIRE(d);
  CHECK(d->size == 200000);
  CHECK(d->sha256 == sha256_hex(std::string(200000, 'a')));
}

TEST_CASE("evidence: times are RFC 3339 UTC", "[report]") {
  CHECK(format_rfc3339_utc(std::chrono::system_clock::from_time_t(0)) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339_utc(std::chrono::system_clock::from_time_t(1748779200) +
                           std::chrono::milliseconds(999)) == "2025-06-01T12:00:00Z");
}

TEST_CASE("evidence: bundle paths are sanitised and kept inside the bundle", "[report]") {
  CHECK(bundle_path("report.json").value() == "report.json");
  CHECK(bundle_path("checks/5.1.3.json").value() == "checks/5.1.3.json");
  CHECK(bundle_path("ns/kube system/pod:a*b").value() == "ns/kube_system/pod_a_b");
  CHECK(bundle_path(".hidden/x").value() == "_hidden/x");
  CHECK(bundle_path("a\\..\\b").value() == "a_.._b");  // a backslash is no separator on Linux
  CHECK(bundle_path(std::string("nul\0byte", 8)).value() == "nul_byte");
  auto refused = [](std::string_view p) {
    auto r = bundle_path(p);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::kUsage);
    return r.error().message;
  };
  CHECK(refused("") == "refusing evidence file path '': empty");
  CHECK(refused("/etc/passwd") == "refusing evidence file path '/etc/passwd': absolute");
  CHECK(refused("../x") == "refusing evidence file path '../x': '..' component");
  CHECK(refused("a/../../x") == "refusing evidence file path 'a/../../x': '..' component");
  CHECK(refused("a/./x") == "refusing evidence file path 'a/./x': '.' component");
  CHECK(refused("a//x") == "refusing evidence file path 'a//x': empty path component");
  CHECK(refused("a/") == "refusing evidence file path 'a/': empty path component");
  CHECK(refused("manifest.json") ==
        "refusing evidence file path 'manifest.json': reserved for the bundle's manifest");
  CHECK(refused("manifest.json.sig").find("reserved") != std::string::npos);
  CHECK(refused("manifest.pub.pem").find("reserved") != std::string::npos);
  CHECK(refused(std::string(201, 'a')).find("longer than 200") != std::string::npos);
  CHECK(bundle_path("sub/manifest.json").value() ==
        "sub/manifest.json");  // reserved only at the top
}

TEST_CASE("evidence: the writer creates the bundle and its manifest", "[report]") {
  TempDir tmp;
  const auto dir = tmp / "out/evidence-1";
  auto w = EvidenceWriter::create(dir);
  REQUIRE(w);
  REQUIRE(w->add_file("report.json", "{\"a\":1}\n").value() == "report.json");
  REQUIRE(w->add_file("checks/5.2.2.txt", "FAIL\n").value() == "checks/5.2.2.txt");
  REQUIRE(w->add_file("rampart.prom", "").value() == "rampart.prom");
  REQUIRE(w->finish(info()));

  const std::string text = read_text(dir / "manifest.json");
  const json m = json::parse(text);
  CHECK(m["format"] == "rampart-evidence/v1");
  CHECK(m["scanner"] == json{{"name", "rampart"}, {"version", "0.1.0"}});
  CHECK(m["catalog_version"] == "cis-1.12.0+rampart.3");
  CHECK(m["cluster"]["server"] == "https://10.0.0.1:6443");
  CHECK(m["cluster"]["server_version"] == "v1.32.4");
  CHECK(m["cluster"]["kube_system_uid"] == "6a1c0a9e-0000-4000-8000-000000000001");
  CHECK(m["started_at"] == "2025-06-01T12:00:00Z");
  CHECK(m["finished_at"] == "2025-06-01T12:01:15Z");
  CHECK(m["command_line"] == json{"rampart", "scan", "--token", "[REDACTED]"});
  CHECK(m["signature"].is_null());
  CHECK(m["files"] ==
        json::array({
            {{"path", "checks/5.2.2.txt"}, {"size", 5}, {"sha256", sha256_hex("FAIL\n")}},
            {{"path", "rampart.prom"}, {"size", 0}, {"sha256", sha256_hex("")}},
            {{"path", "report.json"}, {"size", 8}, {"sha256", sha256_hex("{\"a\":1}\n")}},
        }));
  CHECK_FALSE(std::filesystem::exists(dir / "manifest.json.sig"));
  CHECK_FALSE(std::filesystem::exists(dir / "manifest.pub.pem"));

  // Same files and info, same bytes: the manifest is deterministic.
  TempDir tmp2;
  auto w2 = EvidenceWriter::create(tmp2 / "b");
  REQUIRE(w2);
  REQUIRE(w2->add_file("rampart.prom", ""));
  REQUIRE(w2->add_file("report.json", "{\"a\":1}\n"));
  REQUIRE(w2->add_file("checks/5.2.2.txt", "FAIL\n"));
  REQUIRE(w2->finish(info()));
  CHECK(read_text(tmp2 / "b/manifest.json") == text);
}

TEST_CASE("evidence: the writer refuses unsafe or repeated files and a used directory",
          "[report]") {
  TempDir tmp;
  write_text(tmp / "outside.txt", "keep");
  auto w = EvidenceWriter::create(tmp / "bundle");
  REQUIRE(w);
  CHECK_FALSE(w->add_file("../outside.txt", "overwritten"));
  CHECK_FALSE(w->add_file("/tmp/x", "x"));
  CHECK(read_text(tmp / "outside.txt") == "keep");
  REQUIRE(w->add_file("a b.txt", "1"));
  auto again = w->add_file("a_b.txt", "2");  // the same name once sanitised
  REQUIRE_FALSE(again);
  CHECK(again.error().message == "'a_b.txt' is already in the evidence bundle");
  CHECK(read_text(tmp / "bundle/a_b.txt") == "1");

  // A symlink planted inside the bundle is not followed.
  std::filesystem::create_directory_symlink(tmp.path(), tmp / "bundle/escape");
  auto through = w->add_file("escape/outside.txt", "overwritten");
  REQUIRE_FALSE(through);
  CHECK(through.error().kind == ErrorKind::kIo);
  CHECK(read_text(tmp / "outside.txt") == "keep");

  auto finished = w->finish(info());
  REQUIRE_FALSE(finished);
  CHECK(finished.error().message.find("only regular files") != std::string::npos);

  auto used = EvidenceWriter::create(tmp / "bundle");
  REQUIRE_FALSE(used);
  CHECK(used.error().message ==
        "the evidence directory is not empty (give a new directory for each run)");
  auto file = EvidenceWriter::create(tmp / "outside.txt");
  REQUIRE_FALSE(file);
  CHECK(file.error().message == "the evidence directory exists and is not a directory");
}

TEST_CASE("evidence: files are private to the owner and group", "[report]") {
  TempDir tmp;
  auto w = EvidenceWriter::create(tmp / "b");
  REQUIRE(w);
  REQUIRE(w->add_file("sub/r.json", "{}"));
  REQUIRE(w->finish(info()));
  struct stat st {};
  REQUIRE(::stat((tmp / "b/sub/r.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0007) == 0);
  REQUIRE(::stat((tmp / "b/sub").c_str(), &st) == 0);
  CHECK((st.st_mode & 0007) == 0);
  CHECK_FALSE(w->add_file("late.txt", "x"));  // finished
}

TEST_CASE("evidence: write_manifest refuses a bundle holding a symlink", "[report]") {
  TempDir tmp;
  write_text(tmp / "b/report.json", "{}");
  std::filesystem::create_symlink("/etc/hostname", tmp / "b/link");
  auto m = write_manifest(tmp / "b", info());
  REQUIRE_FALSE(m);
  CHECK(m.error().describe() ==
        (tmp / "b/link").string() + ": a bundle holds only regular files, found a symlink");
}
