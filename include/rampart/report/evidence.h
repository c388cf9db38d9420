#pragma once
// The evidence bundle: a directory of report files plus manifest.json, which records who ran
// what against which cluster and the SHA-256 of every file, optionally signed into
// manifest.json.sig. `rampart evidence verify` re-checks all of it. Format: docs/evidence.md.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rampart/collect/inventory.h"
#include "rampart/core/error.h"
#include "rampart/report/evidence_key.h"

namespace rampart::report {

inline constexpr const char* kManifestFile = "manifest.json";
inline constexpr const char* kSignatureFile = "manifest.json.sig";
inline constexpr const char* kPublicKeyFile = "manifest.pub.pem";
inline constexpr const char* kManifestFormat = "rampart-evidence/v1";

/// What the manifest says about its signature (written before signing, so it is signed too).
struct SignatureInfo {
  std::string algorithm;          ///< EvidenceKey::algorithm()
  std::string public_key_sha256;  ///< EvidenceKey::fingerprint()
  bool operator==(const SignatureInfo&) const = default;
};

/// Everything in manifest.json apart from the file list, which write_manifest computes.
struct ManifestInfo {
  std::string scanner_version;
  std::string catalog_version;
  collect::ClusterIdentity cluster;  ///< server, context, git_version, platform, kube_system_uid
  collect::ScannerIdentity scanned_as;  ///< who the API server authenticated rampart as
  std::chrono::system_clock::time_point started_at;
  std::chrono::system_clock::time_point finished_at;
  std::vector<std::string> command_line;  ///< pass it through redact_command_line first
  std::optional<SignatureInfo> signature;
};

/// One file of the bundle as the manifest lists it.
struct FileDigest {
  std::string path;  ///< relative to the bundle, '/'-separated
  uint64_t size = 0;
  std::string sha256;  ///< lower-case hex
  bool operator==(const FileDigest&) const = default;
};

/// "2025-06-01T12:00:00Z" (UTC, whole seconds).
std::string format_rfc3339_utc(std::chrono::system_clock::time_point t);

/// Lower-case hex SHA-256 of bytes / of a file (streamed, for large reports).
std::string sha256_hex(std::string_view data);
[[nodiscard]] Result<FileDigest> hash_file(const std::filesystem::path& file,
                                           std::string relative_path);

/// Every regular file under `dir` except manifest.json and manifest.json.sig, hashed, sorted by
/// path. Anything that is not a regular file or a directory (symlinks, sockets) is an error: a
/// bundle holds only what rampart wrote.
[[nodiscard]] Result<std::vector<FileDigest>> hash_bundle(const std::filesystem::path& dir);

/// Hashes the bundle and writes `dir`/manifest.json (sorted keys, stable layout). Returns the
/// bytes written, which are what gets signed.
[[nodiscard]] Result<std::string> write_manifest(const std::filesystem::path& dir,
                                                 const ManifestInfo& info);

/// The command line with credentials replaced by "[REDACTED]": values of token-, password-,
/// secret- and credential-like flags (`--token X`, `--token=X`; flags naming a file, like
/// --token-file or --sign-key, keep their path), anything that looks like a bearer token, a JWT,
/// a bootstrap token or a password in a URL, and any value registered with log::register_secret.
std::vector<std::string> redact_command_line(const std::vector<std::string>& argv);

/// The sanitised form of a path inside a bundle: components joined by '/', characters other
/// than [A-Za-z0-9._-] and a leading '.' replaced by '_'. Empty, absolute, "." or ".."
/// components, and the manifest's own file names at the top, are errors.
[[nodiscard]] Result<std::string> bundle_path(std::string_view relative_path);

/// Writes a bundle: creates the directory (refusing one that is not empty), writes files only
/// inside it (no symlinks followed, no file written twice), then the manifest and signature.
class EvidenceWriter {
 public:
  [[nodiscard]] static Result<EvidenceWriter> create(const std::filesystem::path& dir);
  EvidenceWriter(EvidenceWriter&&) noexcept;
  EvidenceWriter& operator=(EvidenceWriter&&) noexcept;
  ~EvidenceWriter();

  /// Writes one file; returns the sanitised relative path it was stored under.
  [[nodiscard]] Result<std::string> add_file(std::string_view relative_path,
                                             std::string_view content);
  /// Writes manifest.pub.pem (when signing), manifest.json, then manifest.json.sig. Load the
  /// key before the scan starts (EvidenceKey::load_private) so a bad key fails early.
  [[nodiscard]] Result<void> finish(ManifestInfo info, const EvidenceKey* sign_key = nullptr);

  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

 private:
  EvidenceWriter(std::filesystem::path dir, int fd) : dir_(std::move(dir)), fd_(fd) {}
  Result<void> write(const std::string& relative_path, std::string_view content);

  std::filesystem::path dir_;
  int fd_ = -1;  ///< the bundle directory, opened once: later writes cannot be redirected
  std::set<std::string> files_;
  bool finished_ = false;
};

/// The outcome of checking a bundle against its manifest and signature.
struct VerifyReport {
  enum class Signature {
    kValid,       ///< verified with the key in use
    kInvalid,     ///< does not verify
    kMissing,     ///< the manifest says signed, manifest.json.sig is gone
    kUnsigned,    ///< never signed
    kNotChecked,  ///< no key to check it with, or no readable manifest
  };
  std::vector<std::string>
      problems;  ///< one line each, sorted by path: "changed: report.json (...)"
  std::vector<std::string> warnings;  ///< things that weaken the result without failing it
  size_t files = 0;                   ///< files listed in the manifest
  size_t changed = 0, added = 0, missing = 0;
  Signature signature = Signature::kNotChecked;
  bool trusted_key = false;  ///< the signature was checked with a key given by the caller
  std::string algorithm;     ///< of the key used
  std::string key_fingerprint;
  [[nodiscard]] bool ok() const { return problems.empty(); }
  /// The last line `rampart evidence verify` prints: "OK: ..." or "FAILED: ...".
  [[nodiscard]] std::string summary() const;
};

/// Re-hashes every file, compares with manifest.json and checks the signature, with
/// `trusted_key` when given, else with the bundle's own manifest.pub.pem (and a warning: a
/// bundle checked only against a key it carries proves nothing about who made it). An Error
/// only when `dir` is not a readable directory; everything else is a problem in the report.
[[nodiscard]] Result<VerifyReport> verify_bundle(const std::filesystem::path& dir,
                                                 const EvidenceKey* trusted_key);

}  // namespace rampart::report
