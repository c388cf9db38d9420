#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "rampart/probe/tls.h"

using namespace rampart::probe;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(RAMPART_SOURCE_DIR) + "/testdata/probe/" + name);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("tls: suites are judged against the CIS sets", "[probe]") {
  CHECK(suite_strength("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") == SuiteStrength::kStrong);
  CHECK(suite_strength("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256") == SuiteStrength::kStrong);
  CHECK(suite_strength("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305") == SuiteStrength::kStrong);
  CHECK(suite_strength("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA") == SuiteStrength::kWeak);
  CHECK(suite_strength("TLS_RSA_WITH_AES_128_GCM_SHA256") == SuiteStrength::kWeak);
  CHECK(suite_strength("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384") == SuiteStrength::kWeak);
  CHECK(suite_strength("TLS_RSA_WITH_3DES_EDE_CBC_SHA") == SuiteStrength::kInsecure);
  CHECK(suite_strength("TLS_ECDHE_RSA_WITH_RC4_128_SHA") == SuiteStrength::kInsecure);
  CHECK(suite_strength("TLS_RSA_WITH_NULL_SHA256") == SuiteStrength::kInsecure);
  CHECK(suite_strength("TLS_DH_anon_WITH_AES_128_GCM_SHA256") == SuiteStrength::kInsecure);
  CHECK(suite_strength("TLS_RSA_EXPORT_WITH_RC4_40_MD5") == SuiteStrength::kInsecure);
}

TEST_CASE("tls: a kubelet's self-generated certificate is recognised by its issuer", "[probe]") {
  auto cert = parse_certificate_pem(fixture("kubelet-self-generated.pem"), 0);
  REQUIRE(cert);
  CHECK(cert->subject == "CN=node1@1700000000");
  CHECK(cert->issuer == "CN=node1-ca@1700000000");
  CHECK(cert->issuer_cn == "node1-ca@1700000000");
  CHECK(is_self_generated_ca_name(cert->issuer_cn));
  CHECK_FALSE(cert->self_signed);
  CHECK(cert->sans == std::vector<std::string>{"DNS:node1", "IP:10.0.0.11"});
  CHECK(cert->key_type == "RSA");
  CHECK(cert->key_bits == 2048);
  CHECK(cert->signature_algorithm == "sha256WithRSAEncryption");
  CHECK(cert->sha256.size() == 64);
  CHECK(cert->not_after_unix - cert->not_before_unix == 365 * 86400);
  CHECK_FALSE(is_self_generated_ca_name("kubernetes"));
  CHECK_FALSE(is_self_generated_ca_name("node1-ca@"));
  CHECK_FALSE(is_self_generated_ca_name("-ca@123"));
  CHECK_FALSE(is_self_generated_ca_name("node1-ca@12x"));
}

TEST_CASE("tls: etcd --auto-tls certificates are self-signed with O=etcd", "[probe]") {
  auto cert = parse_certificate_pem(fixture("etcd-auto-tls.pem"), 0);
  REQUIRE(cert);
  CHECK(cert->self_signed);
  CHECK(cert->subject_organisations == std::vector<std::string>{"etcd"});
  CHECK(cert->key_type == "EC");
  CHECK(cert->key_bits == 256);
  CHECK(cert->sans == std::vector<std::string>{"IP:127.0.0.1", "IP:::1"});
  CHECK(is_etcd_auto_tls(*cert));
  auto kubelet = parse_certificate_pem(fixture("kubelet-self-generated.pem"), 0);
  CHECK_FALSE(is_etcd_auto_tls(*kubelet));
}

TEST_CASE("tls: days to expiry count whole days and go negative after expiry", "[probe]") {
  auto base = parse_certificate_pem(fixture("etcd-auto-tls.pem"), 0);
  REQUIRE(base);
  const int64_t end = base->not_after_unix;
  CHECK(parse_certificate_pem(fixture("etcd-auto-tls.pem"), end - 10 * 86400)->days_to_expiry == 10);
  CHECK(parse_certificate_pem(fixture("etcd-auto-tls.pem"), end - 10 * 86400 + 1)->days_to_expiry == 9);
  CHECK(parse_certificate_pem(fixture("etcd-auto-tls.pem"), end)->days_to_expiry == 0);
  CHECK(parse_certificate_pem(fixture("etcd-auto-tls.pem"), end + 3600)->days_to_expiry == -1);
  CHECK(parse_certificate_pem(fixture("etcd-auto-tls.pem"), base->not_before_unix - 1)->not_yet_valid);
  CHECK_FALSE(parse_certificate_pem(fixture("etcd-auto-tls.pem"), base->not_before_unix)->not_yet_valid);
  CHECK(base->not_after.size() == 20);  // RFC 3339 UTC: 2027-11-23T11:20:12Z
  CHECK(base->not_after.back() == 'Z');
}

TEST_CASE("tls: text that is not a certificate is a parse error", "[probe]") {
  CHECK_FALSE(parse_certificate_pem("not a pem", 0));
  CHECK_FALSE(parse_certificate_pem("", 0));
}
