#!/bin/bash
# Run one OpenID Connect OP conformance plan (the keys below) against identity-server; export zip + summary in $OUT.
# Usage: run-plan.sh PLAN_KEY (the case below; one plan at a time: the suite is heavy)
set -u
D=$(dirname "$(readlink -f "$0")")
W=${OIDF_WORK:-/tmp/oidf}; R=$W/run
. "$D/suite-host.sh"   # the suite's host name (not localhost: OIDC Registration §2), /etc/hosts line if missing
OUT=${OUT:-$W/results/$(date +%H%M%S)}
python3 "$D/make-config.py" $R
STATIC=$R/plan-config.json; DYN=$R/plan-config-dynamic.json
case "$1" in
  config)    PLAN="oidcc-config-certification-test-plan"; CFG=$STATIC ;;
  basic)     PLAN="oidcc-basic-certification-test-plan[server_metadata=discovery][client_registration=static_client]"; CFG=$STATIC ;;
  formpost)  PLAN="oidcc-formpost-basic-certification-test-plan[server_metadata=discovery][client_registration=static_client]"; CFG=$STATIC ;;
  rp-logout) PLAN="oidcc-rp-initiated-logout-certification-test-plan[response_type=code][client_registration=static_client]"; CFG=$STATIC ;;
  bc-logout) PLAN="oidcc-backchannel-rp-initiated-logout-certification-test-plan[response_type=code][client_registration=static_client]"; CFG=$STATIC ;;
  dynamic)   PLAN="oidcc-dynamic-certification-test-plan[response_type=code]"; CFG=$DYN ;;
  # the Dynamic OP plan for each of its other response types (OIDC Core §15.2), e.g. dynamic-code-id_token-token
  dynamic-code|dynamic-id_token|dynamic-id_token-token|dynamic-code-id_token|dynamic-code-token|dynamic-code-id_token-token)
             RT=${1#dynamic-}; PLAN="oidcc-dynamic-certification-test-plan[response_type=${RT//-/ }]"; CFG=$DYN ;;
  # not a certification plan: the full OP test plan with dynamic registration and client_secret_basic, to reach
  # the dynamic plan's modules while private_key_jwt (which that plan fixes) is not supported
  dynamic-secret-basic) PLAN="oidcc-test-plan[client_auth_type=client_secret_basic][response_type=code][response_mode=default][client_registration=dynamic_client]"; CFG=$DYN ;;
  # the Implicit OP and Hybrid OP plans, their clients registered dynamically (start-idp.sh turns the tenant's
  # implicit and hybrid flows on)
  implicit)  PLAN="oidcc-implicit-certification-test-plan[server_metadata=discovery][client_registration=dynamic_client]"; CFG=$DYN ;;
  hybrid)    PLAN="oidcc-hybrid-certification-test-plan[server_metadata=discovery][client_registration=dynamic_client]"; CFG=$DYN ;;
  # the same two plans with the static clients of idp-setup-implicit-hybrid.json (registered for every response type)
  implicit-static) PLAN="oidcc-implicit-certification-test-plan[server_metadata=discovery][client_registration=static_client]"; CFG=$STATIC ;;
  hybrid-static)   PLAN="oidcc-hybrid-certification-test-plan[server_metadata=discovery][client_registration=static_client]"; CFG=$STATIC ;;
  # Form Post OP for the implicit and hybrid response types (response_mode=form_post), dynamically registered clients
  formpost-implicit) PLAN="oidcc-formpost-implicit-certification-test-plan[server_metadata=discovery][client_registration=dynamic_client]"; CFG=$DYN ;;
  formpost-hybrid)   PLAN="oidcc-formpost-hybrid-certification-test-plan[server_metadata=discovery][client_registration=dynamic_client]"; CFG=$DYN ;;
  *) echo "usage: $0 config|basic|formpost|rp-logout|bc-logout|dynamic|dynamic-<response type, words joined by ->|dynamic-secret-basic|implicit|hybrid|implicit-static|hybrid-static|formpost-implicit|formpost-hybrid"; exit 2 ;;
esac
rm -rf "$OUT/$1"; mkdir -p "$OUT/$1"
# a fresh provider for each plan; only the back-channel plan's clients register a backchannel_logout_uri (any
# other plan's test would get a logout token it does not expect)
IMPORT=idp-setup.json; [ "$1" = bc-logout ] && IMPORT=idp-setup-backchannel.json
[[ "$1" == *-static ]] && IMPORT=idp-setup-implicit-hybrid.json
[ -f $R/idp.pid ] && kill "$(cat $R/idp.pid)" 2>/dev/null && sleep 2
"$D/start-idp.sh" $IMPORT
for i in $(seq 1 60); do curl -sf --cacert $R/tls.crt https://localhost:18844/.well-known/openid-configuration >/dev/null && break; sleep 1; done
cd $W/suite
# every module runs, even when several in a row cannot start (the runner's circuit breaker stops after 3)
export CONFORMANCE_SERVER=$SUITE_URL/ CONFORMANCE_DEV_MODE=1 CONFORMANCE_MAX_CONSECUTIVE_FAILURES=1000
start=$(date +%s)
/usr/bin/python3 scripts/run-test-plan.py --export-dir "$OUT/$1" --verbose "$PLAN" "$CFG" > "$OUT/$1/run.log" 2>&1
echo "$1 plan rc=$? elapsed $(( $(date +%s) - start ))s (rc is non-zero whenever a module is not PASSED: no expected-failures file)"
plan_id=$(sed -n 's/.*Created test plan, new id: //p' "$OUT/$1/run.log" | head -1)
if [[ "$1" == dynamic* ]]; then   # rotate-keys again, with a real rotation; the export keeps that run
  "$D/rotate-keys.sh" "$plan_id" | tee "$OUT/$1/rotate-keys.log"
  rm -f "$OUT/$1"/*.zip
fi
if ! ls "$OUT/$1"/*.zip >/dev/null 2>&1; then   # the runner ended without exporting: fetch the plan's export
  [ -n "$plan_id" ] && curl -sfk "$SUITE_URL/api/plan/export/$plan_id" -o "$OUT/$1/$1-$plan_id.zip"
fi
/usr/bin/python3 "$D/summarize.py" "$OUT/$1"/*.zip | tee "$OUT/$1/summary.txt"
