#pragma once
// Reading the identity a certificate or certificate request asks for, with OpenSSL: CN= is the
// Kubernetes user name, each O= a group. Used on CSRs' spec.request while their page is parsed
// (5.1.7 looks for O=system:masters; the bytes themselves are never kept) and on the client
// certificate rampart presents (claimed_identity.h).
#include <string>
#include <string_view>
#include <vector>

#include "rampart/core/error.h"

namespace rampart::config {

struct SubjectNames {
  std::string common_name;                 ///< the last CN= (empty when there is none)
  std::vector<std::string> organizations;  ///< every O=, in order, as UTF-8
  bool operator==(const SubjectNames&) const = default;
};

/// The subject of the first PEM certificate request (PKCS#10, "CERTIFICATE REQUEST" or
/// "NEW CERTIFICATE REQUEST"). The signature is not verified: the API server verified it when
/// the CSR was created.
[[nodiscard]] Result<SubjectNames> certificate_request_subject(std::string_view pem);

/// The subject of the first PEM certificate in `pem`.
[[nodiscard]] Result<SubjectNames> certificate_subject(std::string_view pem);

}  // namespace rampart::config
