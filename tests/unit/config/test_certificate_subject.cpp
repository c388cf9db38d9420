#include <catch2/catch.hpp>

#include "../support/fixtures.h"
#include "rampart/config/certificate_subject.h"
#include "rampart/config/pem.h"

using namespace rampart::config;

namespace {
// spec.request and status.certificate of the demo cluster's CSR alice-admin, PEM-decoded.
std::pair<std::string, std::string> alice_request_and_certificate() {
  auto csr = rampart::testing::load_object("csr-system-masters.json");
  return {rampart::config::decode_base64(csr["spec"]["request"].get<std::string>()).value(),
          rampart::config::decode_base64(csr["status"]["certificate"].get<std::string>()).value()};
}
}  // namespace

TEST_CASE("certificate request: the subject gives CN and every O", "[config]") {
  auto [request, certificate] = alice_request_and_certificate();
  auto subject = certificate_request_subject(request);
  REQUIRE(subject);
  CHECK(subject->common_name == "alice");
  CHECK(subject->organizations == std::vector<std::string>{"system:masters"});
  // The older "NEW CERTIFICATE REQUEST" armour reads the same.
  std::string renamed = request;
  for (std::string edge : {"BEGIN ", "END "}) {
    auto at = renamed.find(edge + "CERTIFICATE REQUEST");
    REQUIRE(at != std::string::npos);
    renamed.insert(at + edge.size(), "NEW ");
  }
  CHECK(certificate_request_subject(renamed).value() == *subject);
  // The issued certificate carries the same subject.
  CHECK(certificate_subject(certificate).value() == *subject);
}

TEST_CASE("certificate request: what is not one is refused with a reason", "[config]") {
  auto [request, certificate] = alice_request_and_certificate();
  CHECK(certificate_request_subject("hello").error().message == "no PEM certificate request found");
  CHECK(certificate_request_subject(certificate).error().message == "no PEM certificate request found");
  std::string broken = request;  // a body line short: the DER inside no longer adds up
  auto second_line = broken.find('\n') + 1;
  broken.erase(second_line, broken.find('\n', second_line) + 1 - second_line);
  CHECK(certificate_request_subject(broken).error().message == "not a valid PEM certificate request");
  CHECK(certificate_subject(request).error().message == "not a valid PEM certificate");
}
