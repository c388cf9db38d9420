#include <catch2/catch.hpp>

#include "fixtures.h"
#include "rampart/config/pem.h"

using namespace rampart::config;
using rampart::config::test::fixture;
using rampart::config::test::slurp;

TEST_CASE("pem: base64 decodes like Go's encoding/json", "[config]") {
  CHECK(decode_base64("aGVsbG8=").value() == "hello");
  CHECK(decode_base64("aGVs\nbG8=\r\n").value() == "hello");  // CR and LF are skipped
  CHECK(decode_base64("").value().empty());
  CHECK(encode_base64("hello") == "aGVsbG8=");
  CHECK(encode_base64("hi") == "aGk=");
  CHECK(encode_base64("abc") == "YWJj");
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  CHECK(decode_base64(encode_base64(bytes)).value() == bytes);
}

TEST_CASE("pem: bad base64 is an error with its position", "[config]") {
  auto r = decode_base64("not*base64!");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "invalid base64 at byte 4");
  CHECK_FALSE(decode_base64("aGVsbG8"));   // missing padding
  CHECK_FALSE(decode_base64("aGk=aGk="));  // data after padding
  CHECK_FALSE(decode_base64("a==="));
}

TEST_CASE("pem: certificates, RSA and EC keys are accepted", "[config]") {
  CHECK(check_certificates_pem(slurp(fixture("pki/ca.crt"))));
  CHECK(check_certificates_pem(slurp(fixture("pki/ca.crt")) + slurp(fixture("pki/other-ca.crt"))));
  CHECK(check_private_key_pem(slurp(fixture("pki/client-rsa.key"))));  // PKCS#1
  CHECK(check_private_key_pem(slurp(fixture("pki/client-ec.key"))));   // SEC1
  CHECK(check_private_key_pem(slurp(fixture("pki/client-ec-pkcs8.key"))));
  CHECK(check_key_pair_pem(slurp(fixture("pki/client-rsa.crt")), slurp(fixture("pki/client-rsa.key"))));
  CHECK(check_key_pair_pem(slurp(fixture("pki/client-ec.crt")), slurp(fixture("pki/client-ec-pkcs8.key"))));
}

TEST_CASE("pem: broken material is refused with a reason", "[config]") {
  CHECK(check_certificates_pem(slurp(fixture("pki/not-pem.txt"))).error().message == "no PEM certificate found");
  CHECK(check_certificates_pem(slurp(fixture("pki/bad-cert.pem"))).error().message ==
        "not a valid PEM certificate");
  CHECK(check_certificates_pem(slurp(fixture("pki/ca.crt")) + slurp(fixture("pki/bad-cert.pem"))).error().message ==
        "not a valid PEM certificate");
  CHECK(check_private_key_pem(slurp(fixture("pki/bad-key.pem"))).error().message == "not a valid PEM private key");
  CHECK(check_private_key_pem(slurp(fixture("pki/ca.crt"))).error().message == "no PEM private key found");
  CHECK(check_private_key_pem(slurp(fixture("pki/encrypted.key"))).error().message ==
        "encrypted private keys are not supported");
  CHECK(check_key_pair_pem(slurp(fixture("pki/client-ec.crt")), slurp(fixture("pki/client-rsa.key"))).error().message ==
        "the private key does not match the certificate");
}

TEST_CASE("pem: sha256 fingerprints are lower-case hex", "[config]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
