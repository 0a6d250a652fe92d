#!/bin/bash
# oidcc-server-rotate-keys (dynamic plan) compares the provider's JWKS before and after a key rotation that the
# tester triggers between the module's setup and its start; the suite's runner cannot, so it always fails there.
# This runs the module once more in the same plan, rotating through our management API (POST /admin/keys/rotate)
# at that point. Usage: rotate-keys.sh PLAN_ID
set -euo pipefail
PLAN=${1:?plan id}
. "$(dirname "$(readlink -f "$0")")/suite-host.sh"; S=$SUITE_URL; OP=https://localhost:18844; CA=${OIDF_WORK:-/tmp/oidf}/run/tls.crt
status() { curl -sfk "$S/api/info/$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d.get("result"))'; }
id=$(curl -sfk -X POST "$S/api/runner" --data-urlencode "test=oidcc-server-rotate-keys" --data-urlencode "plan=$PLAN" \
  --data-urlencode 'variant={"server_metadata":"discovery"}' -G | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for i in $(seq 1 60); do [[ "$(status $id)" == CONFIGURED* ]] && break; sleep 1; done
token=$(curl -sf --cacert $CA -u oidf-admin-cli:oidf-admin-cli-secret-0123456789abcdef -d grant_type=password \
  -d username=oidfadmin -d password=oidf-admin-password-1 $OP/oauth2/token | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
curl -sf --cacert $CA -X POST -H "Authorization: Bearer $token" $OP/admin/keys/rotate > /dev/null
echo "rotated the provider's keys; starting $id"
curl -sfk -X POST "$S/api/runner/$id" > /dev/null
for i in $(seq 1 60); do s=$(status $id); [[ "$s" == FINISHED* || "$s" == INTERRUPTED* ]] && break; sleep 1; done
echo "oidcc-server-rotate-keys $id: $s"
