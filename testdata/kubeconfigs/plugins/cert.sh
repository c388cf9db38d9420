#!/bin/sh
# Test exec credential plugin: prints an ExecCredential with the EC test client certificate.
# Usage: cert.sh API_VERSION
set -eu
dir=$(dirname "$0")/../pki
json_pem() { awk 'BEGIN { ORS = "" } { print $0 "\\n" }' "$1"; }
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"clientCertificateData":"%s","clientKeyData":"%s"}}\n' \
  "${1:-client.authentication.k8s.io/v1}" "$(json_pem "$dir/client-ec.crt")" "$(json_pem "$dir/client-ec.key")"
