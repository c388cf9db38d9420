#pragma once
// Checks of certificate and key material with OpenSSL, so that a bad PEM fails when the
// kubeconfig is loaded (naming the file and field) instead of in the middle of a TLS handshake.
// Messages never contain the material itself.
#include <string>
#include <string_view>

#include "rampart/core/error.h"

namespace rampart::config {

/// Decodes standard base64 (with padding) as Go's encoding/json does for []byte fields:
/// CR and LF are skipped, anything else outside the alphabet is an error.
[[nodiscard]] Result<std::string> decode_base64(std::string_view text);

/// Encodes standard base64 with padding.
[[nodiscard]] std::string encode_base64(std::string_view bytes);

/// Succeeds when `pem` holds at least one X.509 certificate and nothing that fails to parse
/// as one. The error message says what is wrong ("no PEM certificate found", ...).
[[nodiscard]] Result<void> check_certificates_pem(std::string_view pem);

/// Succeeds when `pem` holds an unencrypted private key OpenSSL can read (RSA, EC, Ed25519;
/// PKCS#1, SEC1 or PKCS#8).
[[nodiscard]] Result<void> check_private_key_pem(std::string_view pem);

/// Succeeds when the first certificate of `cert_pem` belongs to the key in `key_pem`.
[[nodiscard]] Result<void> check_key_pair_pem(std::string_view cert_pem, std::string_view key_pem);

/// Lower-case hex SHA-256 of `bytes`: how `rampart config view` shows a credential.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

}  // namespace rampart::config
