#pragma once
// The key that signs an evidence manifest, or the public key that checks it. One signature
// scheme per key type, fixed so that an auditor can check a bundle with the openssl CLI alone
// (commands in docs/evidence.md):
//   Ed25519        pure Ed25519 over the manifest bytes                       "ed25519"
//   ECDSA P-256    ECDSA with SHA-256, DER-encoded signature                  "ecdsa-p256-sha256"
//   ECDSA P-384    ECDSA with SHA-384, DER-encoded signature                  "ecdsa-p384-sha384"
//   RSA >= 2048    RSASSA-PSS, SHA-256, MGF1-SHA-256, salt length 32          "rsa-pss-sha256"
// Signatures are raw bytes (not base64), as `openssl dgst -sign` writes them.
#include <openssl/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "rampart/core/error.h"

namespace rampart::report {

class EvidenceKey {
 public:
  /// A PEM private key (PKCS#8, SEC1 or PKCS#1). Encrypted keys are refused rather than
  /// prompted for: rampart runs unattended and must never wait on a terminal.
  [[nodiscard]] static Result<EvidenceKey> load_private(const std::filesystem::path& pem_file);
  /// A PEM public key (SubjectPublicKeyInfo, "BEGIN PUBLIC KEY").
  [[nodiscard]] static Result<EvidenceKey> load_public(const std::filesystem::path& pem_file);
  /// Same from text; `name` is the error context.
  [[nodiscard]] static Result<EvidenceKey> parse_public(std::string_view pem,
                                                        const std::string& name);

  /// "ed25519", "ecdsa-p256-sha256", "ecdsa-p384-sha384" or "rsa-pss-sha256".
  [[nodiscard]] const std::string& algorithm() const { return algorithm_; }
  /// Hex SHA-256 of the DER SubjectPublicKeyInfo, as
  /// `openssl pkey -pubin -in pub.pem -outform DER | sha256sum` prints it.
  [[nodiscard]] const std::string& fingerprint() const { return fingerprint_; }
  /// The public half as PEM.
  [[nodiscard]] const std::string& public_pem() const { return public_pem_; }
  [[nodiscard]] bool has_private() const { return private_; }

  /// Signs `data`; needs a private key.
  [[nodiscard]] Result<std::string> sign(std::string_view data) const;
  /// True when `signature` is this key's signature of `data` under the scheme above.
  [[nodiscard]] bool verify(std::string_view data, std::string_view signature) const;

 private:
  struct Free {
    void operator()(EVP_PKEY* key) const;
  };
  static Result<EvidenceKey> adopt(EVP_PKEY* key, bool is_private, const std::string& name);
  EvidenceKey() = default;

  std::unique_ptr<EVP_PKEY, Free> key_;
  std::string algorithm_;
  std::string fingerprint_;
  std::string public_pem_;
  bool private_ = false;
};

}  // namespace rampart::report
