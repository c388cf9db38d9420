#include "rampart/report/evidence_key.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <fstream>
#include <iterator>

#include "rampart/report/evidence.h"

namespace rampart::report {
namespace {

// A key file is a few kilobytes; anything far larger is not a key and is not read whole.
constexpr std::streamsize kMaxKeyFile = 1 << 20;
constexpr int kMinRsaBits = 2048;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// Never prompt: OpenSSL's default callback would wait on the terminal for a passphrase.
int no_passphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return -1; }

Result<std::string> read_key_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(ErrorKind::kIo, "cannot read the key file", file.string());
  std::string text;
  text.resize(static_cast<size_t>(kMaxKeyFile) + 1);
  in.read(text.data(), kMaxKeyFile + 1);
  text.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) return fail(ErrorKind::kIo, "cannot read the key file", file.string());
  if (text.size() > static_cast<size_t>(kMaxKeyFile))
    return fail(ErrorKind::kParse, "not a PEM key (file larger than 1 MiB)", file.string());
  return text;
}

// The digest each scheme signs with; nullptr for Ed25519, which hashes internally.
const char* digest_for(const std::string& algorithm) {
  if (algorithm == "ed25519") return nullptr;
  if (algorithm == "ecdsa-p384-sha384") return "SHA384";
  return "SHA256";
}

// RSA keys use PSS with a salt as long as the digest (32 bytes) and MGF1 over the same digest.
bool configure_padding(EVP_PKEY_CTX* pctx, const std::string& algorithm) {
  if (algorithm != "rsa-pss-sha256") return true;
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
}

Result<std::string> scheme_of(EVP_PKEY* key, const std::string& name) {
  if (EVP_PKEY_is_a(key, "ED25519")) return std::string("ed25519");
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[80] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1)
      return fail(ErrorKind::kParse, "EC key without a named curve (use P-256 or P-384)", name);
    const std::string curve(group, len);
    if (curve == "prime256v1" || curve == "P-256") return std::string("ecdsa-p256-sha256");
    if (curve == "secp384r1" || curve == "P-384") return std::string("ecdsa-p384-sha384");
    return fail(ErrorKind::kParse, "unsupported EC curve " + curve + " (use P-256 or P-384)", name);
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    const int bits = EVP_PKEY_get_bits(key);
    if (bits < kMinRsaBits)
      return fail(ErrorKind::kParse,
                  "RSA key of " + std::to_string(bits) + " bits is too small (2048 at least)",
                  name);
    return std::string("rsa-pss-sha256");
  }
  return fail(ErrorKind::kParse,
              std::string("unsupported key type ") + EVP_PKEY_get0_type_name(key) +
                  " (use Ed25519, ECDSA P-256/P-384 or RSA)",
              name);
}

}  // namespace

void EvidenceKey::Free::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

Result<EvidenceKey> EvidenceKey::adopt(EVP_PKEY* raw, bool is_private, const std::string& name) {
  EvidenceKey k;
  k.key_.reset(raw);
  k.private_ = is_private;
  auto scheme = scheme_of(raw, name);
  if (!scheme) return tl::unexpected(scheme.error());
  k.algorithm_ = *scheme;

  unsigned char* der = nullptr;
  const int der_len = i2d_PUBKEY(raw, &der);
  if (der_len <= 0) return fail(ErrorKind::kInternal, "cannot encode the public key", name);
  k.fingerprint_ = sha256_hex(
      std::string_view(reinterpret_cast<const char*>(der), static_cast<size_t>(der_len)));
  OPENSSL_free(der);

  Bio out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PUBKEY(out.get(), raw) != 1)
    return fail(ErrorKind::kInternal, "cannot encode the public key", name);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  k.public_pem_.assign(data, static_cast<size_t>(n));
  return k;
}

Result<EvidenceKey> EvidenceKey::load_private(const std::filesystem::path& pem_file) {
  auto text = read_key_file(pem_file);
  if (!text) return tl::unexpected(text.error());
  Bio in(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  EVP_PKEY* key = in ? PEM_read_bio_PrivateKey(in.get(), nullptr, no_passphrase, nullptr) : nullptr;
  const bool encrypted = text->find("ENCRYPTED") != std::string::npos;
  OPENSSL_cleanse(text->data(), text->size());
  ERR_clear_error();
  if (!key) {
    if (encrypted)
      return fail(ErrorKind::kParse,
                  "encrypted private keys are not supported (rampart never prompts)",
                  pem_file.string());
    return fail(ErrorKind::kParse, "not a PEM private key", pem_file.string());
  }
  return adopt(key, true, pem_file.string());
}

Result<EvidenceKey> EvidenceKey::parse_public(std::string_view pem, const std::string& name) {
  Bio in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = in ? PEM_read_bio_PUBKEY(in.get(), nullptr, no_passphrase, nullptr) : nullptr;
  ERR_clear_error();
  if (!key)
    return fail(ErrorKind::kParse, "not a PEM public key (expected BEGIN PUBLIC KEY)", name);
  return adopt(key, false, name);
}

Result<EvidenceKey> EvidenceKey::load_public(const std::filesystem::path& pem_file) {
  auto text = read_key_file(pem_file);
  if (!text) return tl::unexpected(text.error());
  return parse_public(*text, pem_file.string());
}

Result<std::string> EvidenceKey::sign(std::string_view data) const {
  if (!private_) return fail(ErrorKind::kInternal, "signing needs a private key");
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  size_t len = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx ||
      EVP_DigestSignInit_ex(ctx.get(), &pctx, digest_for(algorithm_), nullptr, nullptr, key_.get(),
                            nullptr) != 1 ||
      !configure_padding(pctx, algorithm_) ||
      EVP_DigestSign(ctx.get(), nullptr, &len, bytes, data.size()) != 1) {
    ERR_clear_error();
    return fail(ErrorKind::kInternal, "cannot set up signing with the " + algorithm_ + " key");
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, bytes,
                     data.size()) != 1) {
    ERR_clear_error();
    return fail(ErrorKind::kInternal, "signing with the " + algorithm_ + " key failed");
  }
  signature.resize(len);  // ECDSA DER signatures vary in length
  return signature;
}

bool EvidenceKey::verify(std::string_view data, std::string_view signature) const {
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const bool ok =
      ctx &&
      EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest_for(algorithm_), nullptr, nullptr,
                              key_.get(), nullptr) == 1 &&
      configure_padding(pctx, algorithm_) &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace rampart::report
