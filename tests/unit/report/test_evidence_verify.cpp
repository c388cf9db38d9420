#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "evidence_support.h"
#include "rampart/report/evidence.h"

using namespace rampart;
using namespace rampart::report;
using rampart::test::key_file;
using rampart::test::public_key_file;
using rampart::test::read_text;
using rampart::test::sh;
using rampart::test::TempDir;
using rampart::test::write_text;
using Lines = std::vector<std::string>;
using Signature = VerifyReport::Signature;

namespace {

EvidenceKey private_key(const std::string& name) {
  return EvidenceKey::load_private(key_file(name)).value();
}
EvidenceKey public_key(const std::string& name) {
  return EvidenceKey::load_public(public_key_file(name)).value();
}

// A small bundle signed with `key` (unsigned when empty).
std::filesystem::path make_bundle(const TempDir& tmp, const std::string& key) {
  const auto dir = tmp / "bundle";
  auto w = EvidenceWriter::create(dir).value();
  REQUIRE(w.add_file("report.json", "{\"checks\":[]}\n"));
  REQUIRE(w.add_file("rampart.prom", "rampart_checks_total 0\n"));
  REQUIRE(w.add_file("detail/5.1.1.txt", "PASS\n"));
  ManifestInfo info;
  info.scanner_version = "0.1.0";
  info.catalog_version = "test";
  info.cluster.server = "https://127.0.0.1:6443";
  std::optional<EvidenceKey> k;
  if (!key.empty()) k.emplace(private_key(key));
  REQUIRE(w.finish(info, k ? &*k : nullptr));
  return dir;
}

VerifyReport verify(const std::filesystem::path& dir, const std::string& trusted) {
  std::optional<EvidenceKey> k;
  if (!trusted.empty()) k.emplace(public_key(trusted));
  return verify_bundle(dir, k ? &*k : nullptr).value();
}

}  // namespace

TEST_CASE("evidence: keys of each supported kind load with their scheme", "[report]") {
  CHECK(private_key("ed25519").algorithm() == "ed25519");
  CHECK(private_key("p256").algorithm() == "ecdsa-p256-sha256");
  CHECK(private_key("p384").algorithm() == "ecdsa-p384-sha384");
  CHECK(private_key("rsa").algorithm() == "rsa-pss-sha256");
  CHECK(public_key("p384").algorithm() == "ecdsa-p384-sha384");
  CHECK(private_key("rsa").fingerprint() == public_key("rsa").fingerprint());
  CHECK(private_key("rsa").public_pem() == read_text(public_key_file("rsa")));
}

TEST_CASE("evidence: unusable keys are refused with one line", "[report]") {
  auto message = [](const Result<EvidenceKey>& k) {
    REQUIRE_FALSE(k);
    return k.error().message;
  };
  CHECK(message(EvidenceKey::load_private(key_file("rsa1024"))) ==
        "RSA key of 1024 bits is too small (2048 at least)");
  CHECK(message(EvidenceKey::load_private(key_file("ed448"))) ==
        "unsupported key type ED448 (use Ed25519, ECDSA P-256/P-384 or RSA)");
  CHECK(message(EvidenceKey::load_private(key_file("p521"))) ==
        "unsupported EC curve secp521r1 (use P-256 or P-384)");
  CHECK(message(EvidenceKey::load_private(key_file("encrypted"))) ==
        "encrypted private keys are not supported (rampart never prompts)");
  CHECK(message(EvidenceKey::load_private(public_key_file("ed25519"))) == "not a PEM private key");
  CHECK(message(EvidenceKey::load_public(key_file("ed25519"))) ==
        "not a PEM public key (expected BEGIN PUBLIC KEY)");
  CHECK(EvidenceKey::load_public("/nonexistent.pem").error().describe() ==
        "/nonexistent.pem: cannot read the key file");
}

TEST_CASE("evidence: fingerprints match what the openssl CLI prints", "[report]") {
  TempDir tmp;
  REQUIRE(sh("openssl pkey -pubin -in " + public_key_file("p256").string() +
             " -outform DER | sha256sum | cut -c1-64 > " + (tmp / "fp").string()));
  CHECK(read_text(tmp / "fp") == public_key("p256").fingerprint() + "\n");
}

TEST_CASE("evidence: a signed bundle verifies with the trusted key, for every algorithm",
          "[report]") {
  for (const std::string alg : {"ed25519", "p256", "p384", "rsa"}) {
    INFO(alg);
    TempDir tmp;
    const auto dir = make_bundle(tmp, alg);
    const VerifyReport r = verify(dir, alg);
    CHECK(r.problems == Lines{});
    CHECK(r.warnings == Lines{});
    CHECK(r.ok());
    CHECK(r.signature == Signature::kValid);
    CHECK(r.trusted_key);
    CHECK(r.files == 4);  // three reports and manifest.pub.pem
    CHECK(r.summary() == "OK: 4 files match manifest.json; signature valid (" +
                             public_key(alg).algorithm() +
                             ", key sha256:" + public_key(alg).fingerprint() + ")");
    const auto m = nlohmann::json::parse(read_text(dir / "manifest.json"));
    CHECK(m["signature"]["algorithm"] == public_key(alg).algorithm());
    CHECK(m["signature"]["public_key_sha256"] == public_key(alg).fingerprint());
    CHECK(read_text(dir / "manifest.pub.pem") == read_text(public_key_file(alg)));
  }
}

TEST_CASE("evidence: the openssl CLI verifies rampart's signatures (docs/evidence.md)",
          "[report]") {
  const std::map<std::string, std::string> kCommands = {
      {"ed25519",
       "openssl pkeyutl -verify -pubin -inkey PUB -rawin -in manifest.json -sigfile "
       "manifest.json.sig"},
      {"p256", "openssl dgst -sha256 -verify PUB -signature manifest.json.sig manifest.json"},
      {"p384", "openssl dgst -sha384 -verify PUB -signature manifest.json.sig manifest.json"},
      {"rsa",
       "openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -verify PUB "
       "-signature "
       "manifest.json.sig manifest.json"},
  };
  for (const auto& [alg, command] : kCommands) {
    INFO(alg);
    TempDir tmp;
    const auto dir = make_bundle(tmp, alg);
    std::string cmd = command;
    cmd.replace(cmd.find("PUB"), 3, public_key_file(alg).string());
    CHECK(sh("cd " + dir.string() + " && " + cmd));
    write_text(dir / "manifest.json", read_text(dir / "manifest.json") + " ");
    CHECK_FALSE(sh("cd " + dir.string() + " && " + cmd));
  }
}

TEST_CASE("evidence: verify names each changed, added and missing file", "[report]") {
  TempDir tmp;
  const auto dir = make_bundle(tmp, "ed25519");
  write_text(dir / "report.json", "{\"checks\":[\"forged\"]}\n");
  write_text(dir / "detail/extra.txt", "x");
  write_text(dir / "zz-new.json", "{}");
  std::filesystem::remove(dir / "rampart.prom");
  const VerifyReport r = verify(dir, "ed25519");
  REQUIRE(r.problems.size() == 4);
  CHECK(r.problems[0] == "added: detail/extra.txt");
  CHECK(r.problems[1] == "missing: rampart.prom");
  CHECK(r.problems[2].rfind("changed: report.json (sha256 ", 0) == 0);
  CHECK(r.problems[2].find("; 22 bytes, manifest says 14)") != std::string::npos);
  CHECK(r.problems[3] == "added: zz-new.json");
  CHECK(r.signature == Signature::kValid);  // the manifest itself is intact
  CHECK(r.summary() == "FAILED: 4 problems: 1 changed, 2 added, 1 missing; signature valid");
}

TEST_CASE("evidence: verify catches a changed file of the same size", "[report]") {
  TempDir tmp;
  const auto dir = make_bundle(tmp, "p256");
  write_text(dir / "detail/5.1.1.txt", "FAIL\n");
  const VerifyReport r = verify(dir, "p256");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0] == "changed: detail/5.1.1.txt (sha256 " + sha256_hex("FAIL\n").substr(0, 12) +
                             "…, manifest says " + sha256_hex("PASS\n").substr(0, 12) + "…)");
}

TEST_CASE("evidence: verify catches an edited manifest through the signature", "[report]") {
  for (const std::string alg : {"ed25519", "p384", "rsa"}) {
    INFO(alg);
    TempDir tmp;
    const auto dir = make_bundle(tmp, alg);
    // Forge a report and fix its hash in the manifest: only the signature can tell.
    write_text(dir / "rampart.prom", "rampart_checks_total 99\n");
    auto m = nlohmann::json::parse(read_text(dir / "manifest.json"));
    for (auto& f : m["files"])
      if (f["path"] == "rampart.prom") {
        f["sha256"] = sha256_hex("rampart_checks_total 99\n");
        f["size"] = 24;
      }
    write_text(dir / "manifest.json", m.dump(2) + "\n");
    const VerifyReport r = verify(dir, alg);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].rfind(
              "bad signature: manifest.json.sig does not verify manifest.json with key sha256:",
              0) == 0);
    CHECK(r.signature == Signature::kInvalid);
    CHECK(r.summary() == "FAILED: 1 problem: 0 changed, 0 added, 0 missing; signature INVALID");
  }
}

TEST_CASE("evidence: verify catches a tampered or removed signature", "[report]") {
  TempDir tmp;
  const auto dir = make_bundle(tmp, "rsa");
  std::string sig = read_text(dir / "manifest.json.sig");
  sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x01);
  write_text(dir / "manifest.json.sig", sig);
  CHECK(verify(dir, "rsa").signature == Signature::kInvalid);
  CHECK(verify(dir, "").signature == Signature::kInvalid);  // even with the bundle's own key

  std::filesystem::remove(dir / "manifest.json.sig");
  for (const std::string trusted : {"rsa", ""}) {
    const VerifyReport r = verify(dir, trusted);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].rfind("missing: manifest.json.sig (the manifest says key sha256:", 0) == 0);
    CHECK(r.signature == Signature::kMissing);
  }
}

TEST_CASE("evidence: a wrong public key fails", "[report]") {
  TempDir tmp;
  const auto dir = make_bundle(tmp, "ed25519");
  for (const std::string wrong : {"p256", "rsa"}) {
    const VerifyReport r = verify(dir, wrong);
    REQUIRE(r.problems.size() == 1);
    CHECK(
        r.problems[0] ==
        "bad signature: manifest.json.sig does not verify manifest.json with key sha256:" +
            public_key(wrong).fingerprint() + " (" + public_key(wrong).algorithm() +
            "): the manifest or the signature was changed, or another key signed it (the manifest "
            "names key sha256:" +
            public_key("ed25519").fingerprint() + ")");
    CHECK_FALSE(r.ok());
  }
  // Another key of the same algorithm fails the same way.
  TempDir other;
  REQUIRE(sh("openssl genpkey -algorithm ed25519 -out " + (other / "k.pem").string() +
             " && openssl pkey -in " + (other / "k.pem").string() + " -pubout -out " +
             (other / "k.pub").string()));
  auto stranger = EvidenceKey::load_public(other / "k.pub").value();
  CHECK(verify_bundle(dir, &stranger).value().signature == Signature::kInvalid);
}

TEST_CASE("evidence: without --pubkey the bundle's own key is used, with a warning", "[report]") {
  TempDir tmp;
  const auto dir = make_bundle(tmp, "p384");
  const VerifyReport r = verify(dir, "");
  CHECK(r.ok());
  CHECK_FALSE(r.trusted_key);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("proves nothing about who made the bundle") != std::string::npos);
  CHECK(r.summary().rfind("OK (not authenticated): 4 files match manifest.json; signature valid "
                          "only for the bundle's "
                          "own manifest.pub.pem",
                          0) == 0);
  // Re-signed by someone else with their own key, the bundle still "verifies" on its own key.
  std::filesystem::remove(dir / "manifest.pub.pem");
  CHECK(
      verify(dir, "").problems ==
      Lines{
          "unchecked: manifest.json.sig (no --pubkey given and the bundle has no manifest.pub.pem)",
          "missing: manifest.pub.pem"});
}

TEST_CASE("evidence: unsigned bundles verify their hashes and say they are unsigned", "[report]") {
  TempDir tmp;
  const auto dir = make_bundle(tmp, "");
  const VerifyReport r = verify(dir, "");
  CHECK(r.ok());
  CHECK(r.signature == Signature::kUnsigned);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].rfind("the bundle is not signed", 0) == 0);
  CHECK(r.summary() ==
        "OK (not authenticated): 3 files match manifest.json; the bundle is not signed");
  const VerifyReport with_key = verify(dir, "ed25519");
  CHECK(with_key.problems ==
        Lines{"missing: manifest.json.sig (the bundle is not signed, but --pubkey was given)"});
}

TEST_CASE("evidence: verify reports a broken or missing manifest and unsafe entries", "[report]") {
  TempDir tmp;
  const auto dir = make_bundle(tmp, "");
  auto m = nlohmann::json::parse(read_text(dir / "manifest.json"));
  m["files"].push_back({{"path", "../../etc/passwd"}, {"size", 1}, {"sha256", sha256_hex("x")}});
  m["files"].push_back({{"path", "report.json"}, {"size", 1}, {"sha256", "ABC"}});
  m["files"].push_back({{"path", 3}});
  write_text(dir / "manifest.json", m.dump());
  CHECK(verify(dir, "").problems ==
        Lines{"invalid: manifest.json files[3]: unsafe path '../../etc/passwd'",
              "invalid: manifest.json files[4]: sha256 of 'report.json' is not 64 lower-case hex "
              "digits",
              "invalid: manifest.json files[5]: expected path, size and sha256"});

  write_text(dir / "manifest.json", "{not json");
  CHECK(verify(dir, "").problems == Lines{"invalid: manifest.json is not valid JSON"});
  write_text(dir / "manifest.json", "{\"format\": \"other/v9\"}");
  CHECK(verify(dir, "").problems ==
        Lines{"invalid: manifest.json is not a rampart-evidence/v1 manifest"});
  std::filesystem::remove(dir / "manifest.json");
  const VerifyReport gone = verify(dir, "");
  CHECK(
      gone.problems ==
      Lines{
          "missing: manifest.json (this is not an evidence bundle, or its manifest was removed)"});
  CHECK_FALSE(verify_bundle(tmp / "nope", nullptr));
}

TEST_CASE("evidence: verify reports a symlink put in place of a file", "[report]") {
  TempDir tmp;
  const auto dir = make_bundle(tmp, "ed25519");
  std::filesystem::remove(dir / "report.json");
  std::filesystem::create_symlink("/etc/hostname", dir / "report.json");
  const VerifyReport r = verify(dir, "ed25519");
  CHECK(r.problems ==
        Lines{"unexpected: report.json (symlink; a bundle holds only regular files)"});
  CHECK(r.changed == 1);
}

TEST_CASE("evidence: verify never blocks on a fifo or follows a symlink in place of its own files",
          "[report]") {
  TempDir tmp;
  const auto dir = make_bundle(tmp, "ed25519");
  std::filesystem::remove(dir / "manifest.pub.pem");
  REQUIRE(::mkfifo((dir / "manifest.pub.pem").c_str(), 0600) == 0);
  std::filesystem::remove(dir / "manifest.json.sig");
  std::filesystem::create_symlink(dir / "report.json", dir / "manifest.json.sig");
  CHECK(verify(dir, "").problems ==
        Lines{"unreadable: manifest.json.sig (cannot read: a symlink)",
              "unexpected: manifest.pub.pem (fifo; a bundle holds only regular files)"});
  std::filesystem::remove(dir / "manifest.json");
  REQUIRE(::mkfifo((dir / "manifest.json").c_str(), 0600) == 0);
  CHECK(verify(dir, "ed25519").problems ==
        Lines{"unreadable: manifest.json (cannot read: not a regular file)"});
}
