#include "rampart/probe/tls.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <openssl/bio.h>
#include <openssl/pem.h>

#include "connection.h"

namespace rampart::probe {

Result<Certificate> parse_certificate_pem(std::string_view pem, int64_t now_unix) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = bio != nullptr ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (cert == nullptr) return fail(ErrorKind::kParse, "no PEM certificate");
  Certificate c = detail::describe_certificate(cert, now_unix);
  X509_free(cert);
  return c;
}

SuiteStrength suite_strength(std::string_view name) {
  // The TLS 1.2 part of both CIS sets (API server 1.2.29 and kubelet 4.2.12) is the same six
  // suites; the ..._CHACHA20_POLY1305 spelling without _SHA256 is Go's alias for the same suite.
  static constexpr std::array<std::string_view, 8> kStrong = {
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",       "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",       "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
  };
  if (std::find(kStrong.begin(), kStrong.end(), name) != kStrong.end()) return SuiteStrength::kStrong;
  static constexpr std::array<std::string_view, 7> kInsecure = {
      "_RC4_", "_3DES_", "_DES_", "_DES40_", "_NULL_", "_EXPORT", "_anon_"};
  for (auto marker : kInsecure)
    if (name.find(marker) != std::string_view::npos) return SuiteStrength::kInsecure;
  if (name.ends_with("_WITH_NULL")) return SuiteStrength::kInsecure;
  return SuiteStrength::kWeak;
}

bool is_self_generated_ca_name(std::string_view cn) {
  size_t at = cn.rfind("-ca@");
  if (at == std::string_view::npos || at == 0) return false;
  std::string_view digits = cn.substr(at + 4);
  return !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                        [](unsigned char c) { return std::isdigit(c); });
}

bool is_etcd_auto_tls(const Certificate& leaf) {
  return leaf.self_signed &&
         std::find(leaf.subject_organisations.begin(), leaf.subject_organisations.end(), "etcd") !=
             leaf.subject_organisations.end();
}

}  // namespace rampart::probe
