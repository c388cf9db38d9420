#!/bin/sh
# Test exec credential plugin: prints an ExecCredential carrying a token.
# Usage: token.sh API_VERSION TOKEN
# Optional environment:
#   RAMPART_PLUGIN_GREETING  appended to the token ("TOKEN-GREETING"): shows the kubeconfig's env arrived
#   RAMPART_TEST_COUNTER     a file that gets one line per run
#   RAMPART_TEST_INFO_OUT    a file that receives $KUBERNETES_EXEC_INFO
#   RAMPART_TEST_EXPIRY      an RFC 3339 expirationTimestamp to return
set -eu
api=${1:-client.authentication.k8s.io/v1}
token=${2:-exec-token-default}
if [ -n "${RAMPART_PLUGIN_GREETING:-}" ]; then token="$token-$RAMPART_PLUGIN_GREETING"; fi
if [ -n "${RAMPART_TEST_COUNTER:-}" ]; then echo run >> "$RAMPART_TEST_COUNTER"; fi
if [ -n "${RAMPART_TEST_INFO_OUT:-}" ]; then printf '%s' "${KUBERNETES_EXEC_INFO:-}" > "$RAMPART_TEST_INFO_OUT"; fi
echo "token.sh: issuing a token" >&2
expiry=""
if [ -n "${RAMPART_TEST_EXPIRY:-}" ]; then expiry=",\"expirationTimestamp\":\"$RAMPART_TEST_EXPIRY\""; fi
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"%s}}\n' "$api" "$token" "$expiry"
