#!/usr/bin/env bash
# The raw download baseline: each list path given as an argument is fetched page by page
# (limit/continue) with curl, sequentially, bodies written to a scratch file and not parsed.
# The continue token is taken from the page head (the API server writes metadata before items).
# Environment: SERVER, CA, TOKEN, LIMIT.
set -euo pipefail
page=$(mktemp)
trap 'rm -f "$page"' EXIT
for path in "$@"; do
  token=""
  while :; do
    url="$SERVER$path?limit=$LIMIT"
    [[ -n "$token" ]] && url="$url&continue=$token"
    curl -sS --fail --compressed --cacert "$CA" -H "Authorization: Bearer $TOKEN" -o "$page" "$url"
    token=$(head -c 4096 "$page" | grep -o '"continue":"[^"]*"' | head -1 | cut -d'"' -f4 || true)
    [[ -z "$token" ]] && break
    token=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$token")
  done
done
