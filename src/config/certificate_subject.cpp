#include "rampart/config/certificate_subject.h"

#include <memory>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace rampart::config {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct ReqFree {
  void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};

std::unique_ptr<BIO, BioFree> memory_bio(std::string_view data) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// Never prompts: a request or certificate has no passphrase, and the default callback would
// read the terminal.
int no_passphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

// Every entry of `nid` in the name, as UTF-8 (entries OpenSSL cannot convert are skipped).
std::vector<std::string> entries(const X509_NAME* name, int nid) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0; i = X509_NAME_get_index_by_NID(name, nid, i)) {
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
    if (n >= 0) out.emplace_back(reinterpret_cast<const char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
  }
  return out;
}

SubjectNames subject_names(const X509_NAME* name) {
  SubjectNames out;
  if (name == nullptr) return out;
  auto cns = entries(name, NID_commonName);
  if (!cns.empty()) out.common_name = cns.back();
  out.organizations = entries(name, NID_organizationName);
  return out;
}

}  // namespace

Result<SubjectNames> certificate_request_subject(std::string_view pem) {
  if (pem.find("CERTIFICATE REQUEST-----") == std::string_view::npos)
    return fail(ErrorKind::kParse, "no PEM certificate request found");
  auto bio = memory_bio(pem);
  // PEM_read_bio_X509_REQ accepts both "CERTIFICATE REQUEST" and "NEW CERTIFICATE REQUEST".
  std::unique_ptr<X509_REQ, ReqFree> req(PEM_read_bio_X509_REQ(bio.get(), nullptr, no_passphrase, nullptr));
  ERR_clear_error();
  if (!req) return fail(ErrorKind::kParse, "not a valid PEM certificate request");
  return subject_names(X509_REQ_get_subject_name(req.get()));
}

Result<SubjectNames> certificate_subject(std::string_view pem) {
  auto bio = memory_bio(pem);
  std::unique_ptr<X509, CertFree> cert(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
  ERR_clear_error();
  if (!cert) return fail(ErrorKind::kParse, "not a valid PEM certificate");
  return subject_names(X509_get_subject_name(cert.get()));
}

}  // namespace rampart::config
