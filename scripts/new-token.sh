#!/usr/bin/env bash
# Prints a new gateway token and its entry for the token file (tidewater.auth.tokens-file).
#
#   scripts/new-token.sh NAME SCOPE...     e.g. scripts/new-token.sh grafana read:telegraf
#
# Scopes: read:<database>, write:<database> (exact names or globs such as read:* or
# write:factory_*), admin (runs, backfills, reconciliations, job status) and metrics (/q/metrics,
# /q/openapi). The token is printed once, on the first line; the file keeps only its salted hash,
# so store the token now. Paste the entry under `tokens:` in the token file; the gateway reloads
# the file when it changes.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
name=$1
shift
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
token="tw_$(hex 32)"
salt=$(hex 16)
digest=$(printf '%s:%s' "$salt" "$token" | sha256sum | cut -d' ' -f1)
scopes=$(printf '%s, ' "$@")
echo "# token for $name (shown once; the file keeps only its hash): $token"
echo "  - name: $name"
echo "    hash: sha256:$salt:$digest"
echo "    scopes: [${scopes%, }]"
