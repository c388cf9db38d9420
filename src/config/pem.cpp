#include "rampart/config/pem.h"

#include <array>
#include <memory>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace rampart::config {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

BioPtr memory_bio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// Refuses every passphrase request: OpenSSL's default callback would prompt on the terminal,
// and an encrypted key is an error for kubectl too.
int no_passphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

PkeyPtr read_key(std::string_view pem) {
  BioPtr bio = memory_bio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  ERR_clear_error();
  return key;
}

X509Ptr read_first_certificate(std::string_view pem) {
  BioPtr bio = memory_bio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
  ERR_clear_error();
  return cert;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

Result<std::string> decode_base64(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned int acc = 0;
  int bits = 0;
  int quad = 0;  // characters seen in the current group of four, padding included
  int padding = 0;
  std::size_t pos = 0;
  for (char c : text) {
    ++pos;
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      if (quad < 2) return fail(ErrorKind::kConfig, "invalid base64 at byte " + std::to_string(pos));
      ++padding;
      ++quad;
      if (quad == 4) quad = 0;
      continue;
    }
    int v = base64_value(c);
    if (v < 0 || padding > 0)
      return fail(ErrorKind::kConfig, "invalid base64 at byte " + std::to_string(pos));
    acc = (acc << 6) | static_cast<unsigned int>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
    quad = (quad + 1) % 4;
  }
  if (quad != 0) return fail(ErrorKind::kConfig, "invalid base64: truncated input");
  return out;
}

std::string encode_base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned int n = (static_cast<unsigned char>(bytes[i]) << 16) |
                     (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    unsigned int n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<void> check_certificates_pem(std::string_view pem) {
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string_view::npos)
    return fail(ErrorKind::kConfig, "no PEM certificate found");
  BioPtr bio = memory_bio(pem);
  int count = 0;
  for (;;) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
    if (!cert) break;
    ++count;
  }
  // Reading stops at the end of the data (PEM_R_NO_START_LINE) or at a block that does not
  // parse; only the first is fine.
  unsigned long err = ERR_peek_last_error();
  bool clean_end = err == 0 || (ERR_GET_LIB(err) == ERR_LIB_PEM &&
                                ERR_GET_REASON(err) == PEM_R_NO_START_LINE);
  ERR_clear_error();
  if (count == 0 || !clean_end) return fail(ErrorKind::kConfig, "not a valid PEM certificate");
  return {};
}

Result<void> check_private_key_pem(std::string_view pem) {
  if (pem.find("ENCRYPTED") != std::string_view::npos)
    return fail(ErrorKind::kConfig, "encrypted private keys are not supported");
  if (pem.find("PRIVATE KEY-----") == std::string_view::npos)
    return fail(ErrorKind::kConfig, "no PEM private key found");
  if (!read_key(pem)) return fail(ErrorKind::kConfig, "not a valid PEM private key");
  return {};
}

Result<void> check_key_pair_pem(std::string_view cert_pem, std::string_view key_pem) {
  X509Ptr cert = read_first_certificate(cert_pem);
  PkeyPtr key = read_key(key_pem);
  if (!cert || !key) return fail(ErrorKind::kConfig, "certificate or key does not parse");
  int ok = X509_check_private_key(cert.get(), key.get());
  ERR_clear_error();
  if (ok != 1) return fail(ErrorKind::kConfig, "the private key does not match the certificate");
  return {};
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace rampart::config
