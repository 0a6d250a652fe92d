#!/usr/bin/env bash
# Issue 13: what a login storm does to the tail of short requests, for comparing JVM and server settings of this
# server only (compare-keycloak.sh measures the same storm, but against Keycloak and with the whole scenario matrix
# first).
#
#   benchmarks/login-storm.sh base= par='-XX:+UseParallelGC -XX:ParallelGCThreads=2 -Xmx72m -Xmn16m'
#   JDK=/usr/lib/jvm/temurin-25-jdk-amd64 ROUNDS=2 benchmarks/login-storm.sh base= sr4=-XX:SurvivorRatio=4
#   benchmarks/login-storm.sh base= one-hash=IDENTITY_PASSWORD_HASH_CONCURRENCY=1 \
#     pg='IDENTITY_DB_URL=jdbc:postgresql://127.0.0.1:5432/storm_pg?user=postgres'
#
# Each NAME=SETTINGS variant is one server started by the launcher; SETTINGS are JVM options (IDENTITY_JAVA_OPTS)
# and server settings as IDENTITY_*=value words (the environment variables of README "Configuration"; a value
# cannot hold a space). A PostgreSQL database must exist and be empty: the variant's first start creates its
# tables. Each server (a fresh data directory, a first start that writes the class-data archive or AOT cache, then a
# restart) is kept up with the others and all are measured back to back, point by point, so that a shared machine's
# changing load falls on all of them alike. Points, each DURATION at 16
# connections: password grants and client_credentials (req/s, p99, CPU ms per request: the process's user + system
# time over the 2xx requests wrk counted), then JWKS and refresh alone (quiet) and again while 32 more connections
# send password grants (storm; started 2 s before). For the quiet and storm points also the young and full
# collections during the point and their total pause, from `jstat -gc` (YGC/YGCT, FGC/FGCT). At the end each
# server's VmRSS. Rows go to $SCRATCH/storm.tsv; the last lines are the storm / quiet p99 ratios per variant.
#
# Environment (optional): JDK (a JDK home; default the `java` on PATH), LAUNCHER (default ./identity-server of this
# repository), SCRATCH (default /tmp/identity-storm), DURATION (seconds, default 8), ROUNDS (default 1). The
# server's options are compare-keycloak.sh's (Argon2id m = 7168 KiB, t = 5, login limits out of the way).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/bench-common.sh"
repo="$(cd "$here/.." && pwd)"
[ $# -gt 0 ] || { echo "usage: login-storm.sh NAME=SETTINGS... (JVM options and IDENTITY_*=value words)" >&2; exit 2; }
launcher="${LAUNCHER:-$repo/identity-server}"
scratch="${SCRATCH:-/tmp/identity-storm}"
d="${DURATION:-8}"
rounds="${ROUNDS:-1}"
if [ -n "${JDK:-}" ]; then export PATH="$JDK/bin:$PATH"; fi
jstat_bin="$(dirname "$(readlink -f "$(command -v java)")")/jstat"
mkdir -p "$scratch"
write_bench_import "$scratch/import.json"
results="$scratch/storm.tsv"
declare -A pids ports opts
names=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

start() { # $1 name
  local name=$1 data="$scratch/$1"
  ports[$name]=$(free_port)
  local word words java=() settings=()
  read -ra words <<<"${opts[$name]}"
  for word in "${words[@]}"; do
    case $word in IDENTITY_*=*) settings+=("$word") ;; *) java+=("$word") ;; esac
  done
  env "${settings[@]}" IDENTITY_JAVA_OPTS="${java[*]}" IDENTITY_BOOTSTRAP=false "$launcher" --port "${ports[$name]}" --data-dir "$data" \
    --import "$scratch/import.json" "${bench_options[@]}" >>"$data.log" 2>&1 &
  pids[$name]=$!
  until curl -sf -o /dev/null -H "Authorization: $basic" -d grant_type=client_credentials "http://127.0.0.1:${ports[$name]}/oauth2/token"; do
    kill -0 "${pids[$name]}" 2>/dev/null || { tail -30 "$data.log" >&2; exit 1; }
    sleep 0.05
  done
}
gc() { # young count, young seconds, full count, full seconds so far
  "$jstat_bin" -gc "$1" | awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["YGC"], $c["YGCT"], $c["FGC"], $c["FGCT"] }'
}
password_token() { # $1 port
  curl -sf -H "Authorization: $basic" -d grant_type=password -d username=bench-user -d "password=$user_password" \
    -d scope=openid "http://127.0.0.1:$1/oauth2/token"
}
wrk_run() { # $1 name, $2 scenario, $3 connections, $4 seconds: prints "2xx p99_ms req/s"
  local base="http://127.0.0.1:${ports[$1]}" out file
  case $2 in
    cc) out=$(BODY="grant_type=client_credentials" AUTH="$basic" wrk --timeout 30s -t2 -c"$3" -d"$4s" --latency -s "$here/wrk/form.lua" "$base/oauth2/token") ;;
    password) out=$(BODY="grant_type=password&username=bench-user&password=$user_password&scope=openid" AUTH="$basic" \
                wrk --timeout 30s -t2 -c"$3" -d"$4s" --latency -s "$here/wrk/form.lua" "$base/oauth2/token") ;;
    jwks) out=$(wrk --timeout 30s -t2 -c"$3" -d"$4s" --latency "$base/oauth2/jwks") ;;
    refresh) file="$scratch/$1.refresh"; : >"$file"
             for _ in $(seq $(( $3 + 2 ))); do password_token "${ports[$1]}" | json_field refresh_token >>"$file"; done
             out=$(TOKENS="$file" THREADS=2 AUTH="$basic" wrk --timeout 30s -t2 -c"$3" -d"$4s" --latency -s "$here/wrk/refresh.lua" "$base/oauth2/token") ;;
  esac
  echo "$out" | awk "$wrk_ms_awk"'
    /requests in/ { n = $1 } /Non-2xx/ { bad = $NF } /^Requests\/sec/ { r = $2 } $1 == "99%" { p = ms($2) }
    END { printf "%d %.2f %.0f\n", n - bad, p, r }'
}
point() { # $1 name, $2 scenario, $3 quiet|storm: one row
  local name=$1 s=$2 pid=${pids[$1]} storm_pid="" n p99 rate y0 yt0 f0 ft0 y1 yt1 f1 ft1 before after
  if [ "$3" = storm ]; then
    (BODY="grant_type=password&username=bench-user&password=$user_password&scope=openid" AUTH="$basic" \
      wrk --timeout 30s -t2 -c32 -d"$(( d + 3 ))s" -s "$here/wrk/form.lua" "http://127.0.0.1:${ports[$name]}/oauth2/token" >/dev/null) &
    storm_pid=$!
    sleep 2
  fi
  read -r y0 yt0 f0 ft0 < <(gc "$pid"); before=$(process_ticks "$pid")
  read -r n p99 rate < <(wrk_run "$name" "$s" 16 "$d")
  after=$(process_ticks "$pid"); read -r y1 yt1 f1 ft1 < <(gc "$pid")
  if [ -n "$storm_pid" ]; then wait "$storm_pid"; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$s" "$3" "$rate" "$p99" \
    "$(awk -v t=$(( after - before )) -v n="$n" 'BEGIN { printf "%.3f", (n > 0) ? t * 10 / n : 0 }')" \
    "$(awk -v y=$(( y1 - y0 )) -v yt="$yt0" -v yt1="$yt1" -v f=$(( f1 - f0 )) -v ft="$ft0" -v ft1="$ft1" \
        'BEGIN { printf "%dy/%.0fms %df/%.0fms", y, (yt1 - yt) * 1000, f, (ft1 - ft) * 1000 }')" | tee -a "$results"
}

echo "# $(date -u +%FT%TZ) $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"
for variant in "$@"; do
  name=${variant%%=*}; names+=("$name"); opts[$name]=${variant#*=}
  rm -rf "${scratch:?}/$name" "$scratch/$name.log"
  start "$name"; kill "${pids[$name]}"; wait "${pids[$name]}" 2>/dev/null || true
  start "$name"
  for s in cc password jwks refresh; do wrk_run "$name" "$s" 16 3 >/dev/null; done
done
echo -e "variant\tscenario\tphase\treq/s\tp99_ms\tcpu_ms_per_req\tcollections (young/full: count/pause total)" | tee -a "$results"
for _ in $(seq "$rounds"); do
  for s in password cc; do for name in "${names[@]}"; do point "$name" "$s" quiet; done; done
  for s in jwks refresh; do
    for phase in quiet storm; do for name in "${names[@]}"; do point "$name" "$s" "$phase"; done; done
  done
done
for name in "${names[@]}"; do
  printf '%s\trss_mib\t%s\n' "$name" "$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/${pids[$name]}/status")" | tee -a "$results"
done
# storm / quiet p99 of this run's rows, the sums over its rounds
tail -n "$(( rounds * ${#names[@]} * 6 + ${#names[@]} ))" "$results" | awk -F'\t' '
  ($2 == "jwks" || $2 == "refresh") && ($3 == "quiet" || $3 == "storm") { p[$1 " " $2 " " $3] += $5; v[$1] = 1; s[$2] = 1 }
  END { for (n in v) for (x in s) if ((n " " x " quiet") in p) printf "%s\t%s\tstorm/quiet p99 %.2f\n", n, x, p[n " " x " storm"] / p[n " " x " quiet"] }' | sort | tee -a "$results"
