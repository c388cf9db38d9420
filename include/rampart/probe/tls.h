#pragma once
// Pure TLS helpers: certificate description, suite strength, recognising the certificates
// Kubernetes components make for themselves. The handshakes live in src/probe/.
#include <cstdint>
#include <string>
#include <string_view>

#include "rampart/core/error.h"
#include "rampart/probe/result.h"

namespace rampart::probe {

/// Describes the first certificate of a PEM text. `now_unix` anchors days_to_expiry.
Result<Certificate> parse_certificate_pem(std::string_view pem, int64_t now_unix);

/// Strength of a TLS 1.2 suite by its IANA name (see SuiteStrength).
SuiteStrength suite_strength(std::string_view iana_name);

/// The issuer CN of a kubelet, controller-manager or scheduler that was given no certificate:
/// "<host>-ca@<unix-time>".
bool is_self_generated_ca_name(std::string_view issuer_cn);

/// etcd --auto-tls / --peer-auto-tls: a self-signed leaf with O=etcd.
bool is_etcd_auto_tls(const Certificate& leaf);

}  // namespace rampart::probe
