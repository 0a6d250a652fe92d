#!/usr/bin/env bash
# Issue 13: the same wrk scenarios against this server (on JDK 17 and JDK 25) and against Keycloak (start-dev, on
# JDK 25) in one run, both on H2 or both on PostgreSQL; prints one row per scenario and connection count, and the
# ratio table against Keycloak.
#
#   benchmarks/compare-keycloak.sh
#
# Environment (all optional):
#   SCRATCH      where Keycloak is downloaded and every data directory lives (default /tmp/identity-bench; never in
#                the repository)
#   JDK17, JDK25 the two JDK homes (default /usr/lib/jvm/java-17-openjdk-amd64, /usr/lib/jvm/temurin-25-jdk-amd64)
#   KC_VERSION   org.keycloak:keycloak-quarkus-dist version from Maven Central (default 26.7.3)
#   SERVERS      which servers to run, of ours17 ours25 ours25vt (ours on virtual threads) kc25 (default
#                "ours17 ours25 kc25")
#   SCENARIOS    of client_credentials password refresh jwks introspection userinfo (default: all six)
#   CONNECTIONS  default "1 4 16 64";  DURATION  per measurement, default 10s;  WARMUP  default 5s
#   KC_FRESH     1: delete Keycloak's data first (default 0: reuse the realm a previous run created)
#   DB           h2 (default: each server's embedded H2 file) or postgres: each server gets a database of its own,
#                bench_<server>, dropped and created anew on PG_HOST:PG_PORT (default 127.0.0.1:5432) as PG_USER
#                (default postgres; the password, if the server asks for one, is PGPASSWORD)
#   IDLE         seconds every server is left idle after the load before RSS is read a second time (default 15)
#   STORM        1 (default) also measures refresh, JWKS and client_credentials at 16 connections during a login storm
#                (password grants on 32 more connections) and prints the p99 ratio storm / quiet
#
# Both servers hash with the same Argon2id cost: Keycloak's default (argon2id v1.3, m=7168 KiB, t=5, p=1, 32-byte
# hash, 16-byte salt), which this server is started with (--password-hash-memory-kib 7168
# --password-hash-iterations 5); the script prints the parameters Keycloak stored for the user, to check.
# Ports are random free ports on 127.0.0.1. The machine is shared with wrk: compare ratios within one run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/bench-common.sh"
repo="$(cd "$here/.." && pwd)"
scratch="${SCRATCH:-/tmp/identity-bench}"
jdk17="${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}"
jdk25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
kc_version="${KC_VERSION:-26.7.3}"
servers="${SERVERS:-ours17 ours25 kc25}"
scenarios="${SCENARIOS:-client_credentials password refresh jwks introspection userinfo}"
connections="${CONNECTIONS:-1 4 16 64}"
duration="${DURATION:-10s}"
warmup="${WARMUP:-5s}"
idle="${IDLE:-15}"
storm="${STORM:-1}"
db="${DB:-h2}"
pg_host="${PG_HOST:-127.0.0.1}"; pg_port="${PG_PORT:-5432}"; pg_user="${PG_USER:-postgres}"
case "$db" in h2 | postgres) ;; *) echo "DB: h2 or postgres, not '$db'" >&2; exit 2 ;; esac
jar="$repo/identity-jersey-server/target/identity-server.jar"
command -v wrk >/dev/null || { echo "needs wrk" >&2; exit 1; }
[ -f "$jar" ] || { echo "build first: mvn -B -q -pl identity-jersey-server -am package -DskipTests" >&2; exit 1; }
mkdir -p "$scratch"
results="$scratch/results.tsv"
: >"$results"
pid=""
declare -A pids bases tokens jwkses introspects userinfos
trap 'stop_all' EXIT

# The JVM of a server started as $1: ours execs java, Keycloak's kc.sh stays as its parent (whose own CPU and
# memory would be measured instead: 0 ms per request and 1 MiB, as a run of this script once printed).
jvm_pid() { local p; for p in "$1" $(pgrep -P "$1"); do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] && { echo "$p"; return; }; done; echo "$1"; }
cpu_ticks() { process_ticks "$(jvm_pid "$1")"; }
rss_mib() { echo $(( $(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(jvm_pid "$1")/status") / 1024 )); }

stop_all() {
  stop_server
  local name
  for name in "${!pids[@]}"; do pid=${pids[$name]}; stop_server; done
}

# Makes server $1 the one the scenario functions talk to.
use() {
  pid=${pids[$1]}; base=${bases[$1]}; token_url=${tokens[$1]}; jwks_url=${jwkses[$1]}
  introspect_url=${introspects[$1]}; userinfo_url=${userinfos[$1]}
}

# Records the running server under name $1.
keep() {
  pids[$1]=$pid; bases[$1]=$base; tokens[$1]=$token_url; jwkses[$1]=$jwks_url
  introspects[$1]=$introspect_url; userinfos[$1]=$userinfo_url
}

stop_server() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; wait "$pid" 2>/dev/null || true
  fi
  pid=""
}

# Polls the token endpoint with client_credentials until it answers 200; prints ms since $1.
wait_first_token() {
  local since=$1
  until curl -sf -o /dev/null -H "Authorization: $basic" -d grant_type=client_credentials "$token_url"; do
    kill -0 "$pid" 2>/dev/null || { tail -50 "$log" >&2; echo "server died" >&2; exit 1; }
    sleep 0.02
  done
  echo $(( $(now_ms) - since ))
}

# --- this server -----------------------------------------------------------------------------------------------
# The ports are chosen before the clock starts (pick_ports): a python3 start is 30-200 ms, no part of a server's.
pick_ports() { port=$(free_port); management=$(free_port); }

start_ours() { # $1 JAVA_HOME, $2 data dir, extra options...; on $port (pick_ports)
  local home=$1 data=$2; shift 2
  log="$data.log"
  # The command the README gives: the launcher (heap bound, serial collector, class-data sharing).
  PATH="$home/bin:$PATH" IDENTITY_BOOTSTRAP=false "$repo/identity-server" --port "$port" --data-dir "$data" \
    --import "$scratch/ours-import.json" "${bench_options[@]}" "${ours_db[@]}" \
    "$@" >"$log" 2>&1 &
  pid=$!
  base="http://127.0.0.1:$port"
  token_url="$base/oauth2/token"; jwks_url="$base/oauth2/jwks"
  introspect_url="$base/oauth2/introspect"; userinfo_url="$base/oauth2/userinfo"
}

write_ours_import() { write_bench_import "$scratch/ours-import.json"; }

# --- PostgreSQL (DB=postgres) -----------------------------------------------------------------------------------
# A database of its own for server $1, created anew; prints its JDBC URL.
fresh_database() {
  local name="bench_$1"
  psql -q -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" \
    -c "CREATE DATABASE $name" >&2
  echo "jdbc:postgresql://$pg_host:$pg_port/$name"
}

# --- Keycloak ---------------------------------------------------------------------------------------------------
kc_home="$scratch/keycloak-$kc_version"
install_keycloak() {
  [ -x "$kc_home/bin/kc.sh" ] && return
  local zip="$scratch/keycloak-quarkus-dist-$kc_version.zip"
  [ -f "$zip" ] || curl -sfL -o "$zip" \
    "https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/$kc_version/keycloak-quarkus-dist-$kc_version.zip"
  (cd "$scratch" && unzip -q -o "$zip")
}

start_kc() { # $1 JAVA_HOME; on $port and $management (pick_ports)
  log="$scratch/kc.log"
  JAVA_HOME="$1" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin-password \
    "$kc_home/bin/kc.sh" start-dev --http-host 127.0.0.1 --http-port "$port" --http-management-port "$management" \
    "${kc_db[@]}" >"$log" 2>&1 &
  pid=$!
  base="http://127.0.0.1:$port"
  token_url="$base/realms/bench/protocol/openid-connect/token"; jwks_url="$base/realms/bench/protocol/openid-connect/certs"
  introspect_url="$base/realms/bench/protocol/openid-connect/token/introspect"
  userinfo_url="$base/realms/bench/protocol/openid-connect/userinfo"
}

setup_kc() { # realm, client and user through the admin REST API
  until curl -sf -o /dev/null "$base/realms/master"; do
    kill -0 "$pid" 2>/dev/null || { tail -50 "$log" >&2; exit 1; }
    sleep 0.5
  done
  if curl -sf -o /dev/null "$base/realms/bench"; then
    echo "Keycloak realm bench exists (from an earlier run)"
  fi
  local admin
  admin=$(curl -sf -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin-password \
    "$base/realms/master/protocol/openid-connect/token" | json_field access_token) || {
    # The bootstrap admin is created only with the master realm: a first start cut short leaves a realm without it.
    echo "no Keycloak admin token: rerun with KC_FRESH=1 (Keycloak's data under $kc_home/data is incomplete)" >&2; exit 1; }
  local h=(-H "Authorization: Bearer $admin" -H "Content-Type: application/json")
  # Rotation as ours: a refresh token is used once (revokeRefreshToken, no reuse); access tokens live an hour.
  curl -sf "${h[@]}" -d '{"realm":"bench","enabled":true,"accessTokenLifespan":3600,"revokeRefreshToken":true,"refreshTokenMaxReuse":0}' \
    "$base/admin/realms" || true
  curl -sf "${h[@]}" -d "{\"clientId\":\"bench\",\"secret\":\"$secret\",\"publicClient\":false,\"serviceAccountsEnabled\":true,
    \"directAccessGrantsEnabled\":true,\"standardFlowEnabled\":false,\"clientAuthenticatorType\":\"client-secret\"}" \
    "$base/admin/realms/bench/clients" || true
  curl -sf "${h[@]}" -d "{\"username\":\"bench-user\",\"enabled\":true,\"email\":\"bench@example.com\",\"emailVerified\":true,
    \"firstName\":\"Bench\",\"lastName\":\"User\",\"credentials\":[{\"type\":\"password\",\"value\":\"$user_password\",\"temporary\":false}]}" \
    "$base/admin/realms/bench/users" || true
  local id
  id=$(curl -sf "${h[@]}" "$base/admin/realms/bench/users?username=bench-user&exact=true" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  echo "Keycloak's stored password hash parameters: $(curl -sf "${h[@]}" "$base/admin/realms/bench/users/$id/credentials" \
    | python3 -c 'import json,sys; c=json.load(sys.stdin)[0]; print(c["credentialData"])')"
}

# --- scenarios --------------------------------------------------------------------------------------------------
password_token() {
  curl -sf -H "Authorization: $basic" -d grant_type=password -d username=bench-user -d "password=$user_password" \
    -d scope=openid "$token_url"
}

refresh_tokens_file() { # $1 how many chains
  local file="$scratch/refresh-tokens"; : >"$file"
  for _ in $(seq "$1"); do password_token | json_field refresh_token >>"$file"; done
  echo "$file"
}

# Runs wrk for one scenario; prints "requests non2xx req/s p50_ms p99_ms".
run_wrk() { # $1 scenario, $2 connections, $3 duration
  local scenario=$1 c=$2 d=$3 t=$(( $2 < 2 ? 1 : 2 )) out
  local access
  case $scenario in
    client_credentials) out=$(BODY="grant_type=client_credentials" AUTH="$basic" wrk --timeout 30s -t$t -c$c -d$d --latency -s "$here/wrk/form.lua" "$token_url") ;;
    password) out=$(BODY="grant_type=password&username=bench-user&password=$user_password&scope=openid" AUTH="$basic" \
                wrk --timeout 30s -t$t -c$c -d$d --latency -s "$here/wrk/form.lua" "$token_url") ;;
    # One chain per connection, and one more per thread: wrk calls request() once more than it sends.
    refresh) out=$(TOKENS=$(refresh_tokens_file "$(( c + t ))") THREADS=$t AUTH="$basic" wrk --timeout 30s -t$t -c$c -d$d --latency -s "$here/wrk/refresh.lua" "$token_url") ;;
    jwks) out=$(wrk --timeout 30s -t$t -c$c -d$d --latency "$jwks_url") ;;
    introspection) access=$(password_token | json_field access_token)
                   out=$(BODY="token=$access" AUTH="$basic" wrk --timeout 30s -t$t -c$c -d$d --latency -s "$here/wrk/form.lua" "$introspect_url") ;;
    userinfo) access=$(password_token | json_field access_token)
              out=$(AUTH="Bearer $access" wrk --timeout 30s -t$t -c$c -d$d --latency -s "$here/wrk/form.lua" "$userinfo_url") ;;
  esac
  echo "$out" | awk "$wrk_ms_awk"'
    /requests in/ { requests = $1 }
    /Non-2xx/ { non2xx = $NF }
    /^Requests\/sec/ { rate = $2 }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    END { printf "%d %d %.1f %.2f %.2f\n", requests, non2xx + 0, rate, p50, p99 }'
}

# One measurement of server $1: scenario $2 at $3 connections; appends a row to the results.
measure() {
  local name=$1 s=$2 c=$3 before after r cpu
  use "$name"
  before=$(cpu_ticks "$pid")
  r=$(run_wrk "$s" "$c" "$duration")
  after=$(cpu_ticks "$pid")
  set -- $r
  # CPU per request in ms: clock ticks are 10 ms (USER_HZ 100).
  cpu=$(awk -v t=$(( after - before )) -v n="$1" 'BEGIN { printf("%.2f", (n > 0) ? t * 10 / n : 0) }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$s" "$c" "$3" "$4" "$5" "$cpu" "$2" | tee -a "$results"
}

# Scenario $2 at 16 connections on server $1 while 32 more connections send password grants to it.
measure_storm() {
  local name=$1 s=$2 r storm_pid
  use "$name"
  (BODY="grant_type=password&username=bench-user&password=$user_password&scope=openid" AUTH="$basic" \
    wrk --timeout 30s -t2 -c32 -d"$(( ${duration%s} + 4 ))s" -s "$here/wrk/form.lua" "$token_url" >"$scratch/storm-$name.txt") &
  storm_pid=$!
  sleep 2
  r=$(run_wrk "$s" 16 "$duration"); set -- $r
  wait "$storm_pid"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$s+storm" 16 "$3" "$4" "$5" "-" "$2" | tee -a "$results"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk on the same cores as the servers; duration $duration per point; database: $db"
write_ours_import
# Every server is started (first start: setup; the restart is timed), then all stay up, idle but for the one
# measured: each point is measured on every server back to back, so that a shared machine's changing load
# falls on all of them alike.
for server in $servers; do
  case $server in
    ours17|ours25|ours25vt)
      home=$jdk25; [ "$server" = ours17 ] && home=$jdk17
      extra=(); [ "$server" = ours25vt ] && extra=(--http-virtual-threads true)
      data="$scratch/$server"; rm -rf "$data" "$data.log"
      ours_db=(); [ "$db" = postgres ] && ours_db=(--db-url "$(fresh_database "$server")" --db-user "$pg_user")
      echo "# $server: $("$home/bin/java" -version 2>&1 | head -1)"
      pick_ports; start_ours "$home" "$data" "${extra[@]}"; wait_first_token "$(now_ms)" >/dev/null; stop_server
      pick_ports; t0=$(now_ms); start_ours "$home" "$data" "${extra[@]}"; first=$(wait_first_token "$t0") ;;
    kc25)
      install_keycloak
      [ "${KC_FRESH:-0}" = 1 ] && rm -rf "$kc_home/data"
      kc_db=()
      if [ "$db" = postgres ]; then # always fresh: its realm lives in the database
        kc_db=(--db postgres --db-url "$(fresh_database kc25)" --db-username "$pg_user" --db-password "${PGPASSWORD:-unused}")
      fi
      echo "# $server: Keycloak $kc_version, $("$jdk25/bin/java" -version 2>&1 | head -1)"
      # The realm is kept between runs (KC_FRESH=1 starts from nothing): Keycloak's first start is long.
      pick_ports; start_kc "$jdk25"; setup_kc; stop_server
      pick_ports; t0=$(now_ms); start_kc "$jdk25"; first=$(wait_first_token "$t0") ;;
  esac
  keep "$server"; pid=""
  printf '%s\tfirst_token_ms\t-\t%s\n' "$server" "$first" | tee -a "$results"
done
echo -e "server\tscenario\tconnections\treq/s\tp50_ms\tp99_ms\tcpu_ms_per_req\tnon2xx"
for s in $scenarios; do for server in $servers; do use "$server"; run_wrk "$s" 16 "$warmup" >/dev/null; done; done
for s in $scenarios; do
  for c in $connections; do
    for server in $servers; do measure "$server" "$s" "$c"; done
  done
done
if [ "$storm" = 1 ]; then
  for s in refresh jwks client_credentials; do
    for server in $servers; do measure_storm "$server" "$s"; done
  done
fi
for server in $servers; do printf '%s\trss_mib\t-\t%s\n' "$server" "$(rss_mib "${pids[$server]}")" | tee -a "$results"; done
# Again once every server has been idle IDLE seconds: ours gives back what the load made it keep after
# memory.idle.release (10 s with fewer requests than one a second); the reading above is the one that does not wait
# for it (each server was idle while the others were measured).
sleep "$idle"
for server in $servers; do printf '%s\trss_idle_mib\t-\t%s\n' "$server" "$(rss_mib "${pids[$server]}")" | tee -a "$results"; done

# Ratio table: each of ours against Keycloak at the same scenario and connections.
python3 - "$results" <<'PY'
import sys, collections
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    rows[f[0]][(f[1], f[2])] = f[3:]
print("\nlogin storm: p99 at 16 connections with 32 connections of password grants / without")
for name in rows:
    for s in ("refresh", "jwks", "client_credentials"):
        quiet, loud = rows[name].get((s, "16")), rows[name].get((s + "+storm", "16"))
        if quiet and loud:
            print("%s %s: %.2f (%s ms / %s ms)" % (name, s, float(loud[2]) / float(quiet[2]), loud[2], quiet[2]))
if "kc25" not in rows:
    sys.exit(0)
kc = rows["kc25"]
def ratio(a, b):
    try:
        return "%.2f" % (float(a) / float(b))
    except (ValueError, ZeroDivisionError):
        return "-"
for name in [n for n in rows if n != "kc25"]:
    print("\n%s / Keycloak (ratios; req/s > 1 and latency, CPU, memory < 1 favour ours)" % name)
    print("| scenario | conns | req/s | p50 | p99 | CPU ms/req | non-2xx ours / KC |")
    print("|---|---|---|---|---|---|---|")
    for key, ours in rows[name].items():
        if key not in kc or len(ours) < 5:
            continue
        k = kc[key]
        print("| %s | %s | %s | %s | %s | %s | %s / %s |" % (key[0], key[1], ratio(ours[0], k[0]), ratio(ours[1], k[1]),
              ratio(ours[2], k[2]), ratio(ours[3], k[3]), ours[4], k[4]))
    for single in ("rss_mib", "rss_idle_mib", "first_token_ms"):
        if (single, "-") in rows[name] and (single, "-") in kc:
            print("| %s | | %s (%s / %s) | | | | |" % (single, ratio(rows[name][(single, "-")][0], kc[(single, "-")][0]),
                  rows[name][(single, "-")][0], kc[(single, "-")][0]))
PY
