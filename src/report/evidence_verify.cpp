#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>

#include "evidence_detail.h"
#include "rampart/report/evidence.h"

namespace rampart::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Signature = VerifyReport::Signature;

std::string short_hash(const std::string& hex) { return hex.substr(0, 12) + "…"; }

bool is_sha256_hex(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string key_label(const EvidenceKey& key) {
  return "key sha256:" + key.fingerprint() + " (" + key.algorithm() + ")";
}

// One pass over a bundle. Problems are keyed by path so the output reads in file order.
class Verifier {
 public:
  Verifier(fs::path dir, const EvidenceKey* trusted) : dir_(std::move(dir)), trusted_(trusted) {}

  Result<VerifyReport> run() {
    auto manifest = detail::read_regular_file(dir_ / kManifestFile);
    if (!manifest) {
      std::error_code ec;
      problem(kManifestFile, fs::exists(fs::symlink_status(dir_ / kManifestFile, ec))
                                 ? "unreadable: manifest.json (" + manifest.error().message + ")"
                                 : "missing: manifest.json (this is not an evidence bundle, or its "
                                   "manifest was removed)");
      return finish();
    }
    const json j = json::parse(*manifest, nullptr, false);
    std::optional<SignatureInfo> declared;
    if (j.is_object() && j.contains("signature") && j["signature"].is_object()) {
      const json& s = j["signature"];
      declared = SignatureInfo{s.value("algorithm", ""), s.value("public_key_sha256", "")};
    }
    check_signature(*manifest, declared);
    if (j.is_discarded()) {
      problem(kManifestFile, "invalid: manifest.json is not valid JSON");
      return finish();
    }
    auto files = manifest_files(j);
    if (!files) return finish();
    auto listed = check_files(*files);
    if (!listed) return tl::unexpected(listed.error());
    return finish();
  }

 private:
  void problem(const std::string& path, std::string line) {
    problems_.emplace_back(path, std::move(line));
  }

  void check_signature(const std::string& manifest, const std::optional<SignatureInfo>& declared) {
    const fs::path sig_path = dir_ / kSignatureFile;
    std::error_code ec;
    const bool sig_exists = fs::exists(fs::symlink_status(sig_path, ec));
    if (!sig_exists) {
      if (declared) {
        report_.signature = Signature::kMissing;
        problem(kSignatureFile, "missing: manifest.json.sig (the manifest says key sha256:" +
                                    declared->public_key_sha256 + " signed it)");
      } else if (trusted_) {
        report_.signature = Signature::kUnsigned;
        problem(kSignatureFile,
                "missing: manifest.json.sig (the bundle is not signed, but --pubkey was given)");
      } else {
        report_.signature = Signature::kUnsigned;
        report_.warnings.push_back(
            "the bundle is not signed: the hashes catch accidental damage only, since whoever can "
            "change the files "
            "can rewrite manifest.json too");
      }
      return;
    }
    auto signature = detail::read_regular_file(sig_path);
    if (!signature) {
      problem(kSignatureFile, "unreadable: manifest.json.sig (" + signature.error().message + ")");
      return;
    }
    const EvidenceKey* key = trusted_ ? trusted_ : embedded_key();
    if (!key) return;
    report_.algorithm = key->algorithm();
    report_.key_fingerprint = key->fingerprint();
    report_.trusted_key = trusted_ != nullptr;
    if (!key->verify(manifest, *signature)) {
      report_.signature = Signature::kInvalid;
      std::string line = "bad signature: manifest.json.sig does not verify manifest.json with " +
                         key_label(*key) +
                         ": the manifest or the signature was changed, or another key signed it";
      if (declared && declared->public_key_sha256 != key->fingerprint())
        line += " (the manifest names key sha256:" + declared->public_key_sha256 + ")";
      problem(kSignatureFile, std::move(line));
      return;
    }
    report_.signature = Signature::kValid;
    if (!trusted_)
      report_.warnings.push_back(
          "the signature was checked with the bundle's own manifest.pub.pem, which proves nothing "
          "about who made the "
          "bundle: anyone can re-sign an altered bundle with a key of their own; verify with "
          "--pubkey and a key you "
          "obtained independently");
  }

  // The bundle's manifest.pub.pem, used only when the caller gave no key.
  const EvidenceKey* embedded_key() {
    const fs::path pub_path = dir_ / kPublicKeyFile;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(pub_path, ec))) {
      problem(kSignatureFile,
              "unchecked: manifest.json.sig (no --pubkey given and the bundle has no "
              "manifest.pub.pem)");
      return nullptr;
    }
    auto pem = detail::read_regular_file(pub_path);
    auto key = pem ? EvidenceKey::parse_public(*pem, kPublicKeyFile) : tl::unexpected(pem.error());
    if (!key) {
      problem(
          kSignatureFile,
          "unchecked: manifest.json.sig (no --pubkey given and manifest.pub.pem is not usable: " +
              key.error().message + ")");
      return nullptr;
    }
    embedded_.emplace(std::move(*key));
    return &*embedded_;
  }

  // The manifest's file list, with every malformed or unsafe entry reported and left out.
  std::optional<std::map<std::string, FileDigest>> manifest_files(const json& j) {
    if (!j.is_object() || j.value("format", "") != std::string(kManifestFormat)) {
      problem(kManifestFile,
              std::string("invalid: manifest.json is not a ") + kManifestFormat + " manifest");
      return std::nullopt;
    }
    if (!j.contains("files") || !j["files"].is_array()) {
      problem(kManifestFile, "invalid: manifest.json has no files list");
      return std::nullopt;
    }
    std::map<std::string, FileDigest> files;
    size_t index = 0;
    for (const json& e : j["files"]) {
      const std::string where = "invalid: manifest.json files[" + std::to_string(index++) + "]: ";
      if (!e.is_object() || !e.contains("path") || !e["path"].is_string() || !e.contains("size") ||
          !e["size"].is_number_unsigned() || !e.contains("sha256") || !e["sha256"].is_string()) {
        problem(kManifestFile, where + "expected path, size and sha256");
        continue;
      }
      FileDigest d{e["path"].get<std::string>(), e["size"].get<uint64_t>(),
                   e["sha256"].get<std::string>()};
      auto safe = bundle_path(d.path);
      if (d.path != kPublicKeyFile && (!safe || *safe != d.path)) {
        problem(kManifestFile, where + "unsafe path '" + d.path + "'");
        continue;
      }
      if (!is_sha256_hex(d.sha256)) {
        problem(kManifestFile,
                where + "sha256 of '" + d.path + "' is not 64 lower-case hex digits");
        continue;
      }
      if (files.count(d.path)) {
        problem(kManifestFile, where + "'" + d.path + "' is listed twice");
        continue;
      }
      files.emplace(d.path, std::move(d));
    }
    return files;
  }

  Result<void> check_files(const std::map<std::string, FileDigest>& listed) {
    auto listing = detail::list_bundle(dir_);
    if (!listing) return tl::unexpected(listing.error());
    report_.files = listed.size();
    std::set<std::string> odd;
    for (const auto& [path, what] : listing->others) {
      if (path == kManifestFile || path == kSignatureFile)
        continue;  // reported by their own checks
      odd.insert(path);
      problem(path, "unexpected: " + path + " (" + what + "; a bundle holds only regular files)");
      listed.count(path) ? ++report_.changed : ++report_.added;
    }
    const std::set<std::string> present(listing->files.begin(), listing->files.end());
    for (const auto& [path, expected] : listed) {
      if (odd.count(path)) continue;
      if (!present.count(path)) {
        ++report_.missing;
        problem(path, "missing: " + path);
        continue;
      }
      auto actual = hash_file(dir_ / path, path);
      if (!actual) {
        ++report_.changed;
        problem(path, "unreadable: " + path + " (" + actual.error().message + ")");
      } else if (actual->sha256 != expected.sha256 || actual->size != expected.size) {
        ++report_.changed;
        std::string line = "changed: " + path + " (sha256 " + short_hash(actual->sha256) +
                           ", manifest says " + short_hash(expected.sha256);
        if (actual->size != expected.size)
          line += "; " + std::to_string(actual->size) + " bytes, manifest says " +
                  std::to_string(expected.size);
        problem(path, line + ")");
      }
    }
    for (const std::string& path : listing->files) {
      if (listed.count(path)) continue;
      ++report_.added;
      problem(path, "added: " + path);
    }
    return {};
  }

  VerifyReport finish() {
    std::sort(problems_.begin(), problems_.end());
    for (auto& p : problems_) report_.problems.push_back(std::move(p.second));
    return std::move(report_);
  }

  fs::path dir_;
  const EvidenceKey* trusted_;
  std::optional<EvidenceKey> embedded_;
  std::vector<std::pair<std::string, std::string>> problems_;
  VerifyReport report_;
};

const char* describe(Signature s) {
  switch (s) {
    case Signature::kValid:
      return "valid";
    case Signature::kInvalid:
      return "INVALID";
    case Signature::kMissing:
      return "MISSING";
    case Signature::kUnsigned:
      return "not signed";
    case Signature::kNotChecked:
      return "not checked";
  }
  return "not checked";
}

}  // namespace

std::string VerifyReport::summary() const {
  if (!ok()) {
    return "FAILED: " + std::to_string(problems.size()) +
           (problems.size() == 1 ? " problem" : " problems") + ": " + std::to_string(changed) +
           " changed, " + std::to_string(added) + " added, " + std::to_string(missing) +
           " missing; signature " + describe(signature);
  }
  const std::string files_part =
      std::to_string(files) + (files == 1 ? " file matches" : " files match") + " manifest.json";
  if (signature == Signature::kValid && trusted_key)
    return "OK: " + files_part + "; signature valid (" + algorithm +
           ", key sha256:" + key_fingerprint + ")";
  if (signature == Signature::kValid)
    return "OK (not authenticated): " + files_part +
           "; signature valid only for the bundle's own manifest.pub.pem (" + algorithm +
           ", key sha256:" + key_fingerprint + ")";
  return "OK (not authenticated): " + files_part + "; the bundle is not signed";
}

Result<VerifyReport> verify_bundle(const fs::path& dir, const EvidenceKey* trusted_key) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fail(ErrorKind::kIo, "not a directory (expected an evidence bundle)", dir.string());
  return Verifier(dir, trusted_key).run();
}

}  // namespace rampart::report
