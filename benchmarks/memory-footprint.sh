#!/usr/bin/env bash
# Issue 13: resident memory after a load, CPU per request and start-up of one server started by the launcher, for
# comparing JVM settings. One row per run, appended to $SCRATCH/footprint.tsv:
#
#   benchmarks/memory-footprint.sh LABEL
#   JDK=/usr/lib/jvm/temurin-25-jdk-amd64 IDENTITY_JAVA_OPTS='-Xss512k' benchmarks/memory-footprint.sh xss512k
#
# What it does: a fresh data directory; a first start (it writes the class-data-sharing archive on exit) to the
# first token, stopped; a restart, timed to the first client_credentials token (wall, and the process's CPU);
# each scenario (client_credentials, password, refresh, jwks, introspection, userinfo) for WARMUP, then for
# DURATION measured (CPU per request = the process's user + system time over the requests wrk counted; p99 as wrk
# reports it; young and full collections during the measured run, from `jstat -gc`); then
# VmRSS, and /proc/PID/smaps_rollup split into file-backed and anonymous, read at once and again after IDLE
# seconds, and the process's threads (by name in $SCRATCH/LABEL.threads, its smaps in LABEL.smaps, after the idle
# spell in LABEL.idle.smaps); with NMT=1 the JVM runs with -XX:NativeMemoryTracking=summary (2 MiB of its own, not
# for the CPU columns) and `jcmd PID VM.native_memory summary` is saved next to the table (LABEL.nmt, LABEL.idle.nmt).
#
# Environment (optional): JDK (a JDK home; default: the `java` on PATH), LAUNCHER (default ./identity-server of
# this repository), IDENTITY_JAVA_OPTS, IDENTITY_HEAP_MB, MALLOC_* (passed to the launcher), SCRATCH (default
# /tmp/identity-footprint), DURATION (default 10s), WARMUP (default 3s), CONNECTIONS (default 16), IDLE (default
# 10), SCENARIOS, NMT (0 or 1, default 0), HISTO (1: after the readings, `jcmd PID GC.class_histogram` and
# GC.heap_info, which collect the heap first, saved as $SCRATCH/LABEL.histo), IDLE_GC (1: `jcmd PID GC.run` right
# after the first reading, so the idle reading shows what a heap that can shrink would give after a collection). Argon2id cost as in
# compare-keycloak.sh (m = 7168 KiB, t = 5). Ports are random free ports of 127.0.0.1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/bench-common.sh"
repo="$(cd "$here/.." && pwd)"
label="${1:?usage: memory-footprint.sh LABEL}"
launcher="${LAUNCHER:-$repo/identity-server}"
scratch="${SCRATCH:-/tmp/identity-footprint}"
duration="${DURATION:-10s}"
warmup="${WARMUP:-3s}"
c="${CONNECTIONS:-16}"
idle="${IDLE:-10}"
scenarios="${SCENARIOS:-client_credentials password refresh jwks introspection userinfo}"
if [ -n "${JDK:-}" ]; then export PATH="$JDK/bin:$PATH"; fi
jcmd_bin="$(dirname "$(readlink -f "$(command -v java)")")/jcmd"
jstat_bin="$(dirname "$jcmd_bin")/jstat"
opts="${IDENTITY_JAVA_OPTS:-}"
if [ "${NMT:-0}" = 1 ]; then opts="$opts -XX:NativeMemoryTracking=summary"; fi
mkdir -p "$scratch"
data="$scratch/$label"
rm -rf "$data"
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi' EXIT
write_bench_import "$scratch/import.json"
ticks() { process_ticks "$pid"; }
start() {
  port=$(free_port); base="http://127.0.0.1:$port"; token_url="$base/oauth2/token"
  IDENTITY_JAVA_OPTS="$opts" IDENTITY_BOOTSTRAP=false "$launcher" --port "$port" --data-dir "$data" \
    --import "$scratch/import.json" "${bench_options[@]}" \
    >>"$data.log" 2>&1 &
  pid=$!
}
first_token() {
  until curl -sf -o /dev/null -H "Authorization: $basic" -d grant_type=client_credentials "$token_url"; do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$data.log" >&2; exit 1; }
    sleep 0.01
  done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
password_token() {
  curl -sf -H "Authorization: $basic" -d grant_type=password -d username=bench-user -d "password=$user_password" \
    -d scope=openid "$token_url"
}
wrk_run() { # $1 scenario, $2 duration; prints the 2xx requests wrk counted and its p99 latency
  local t=2 out access
  case $1 in
    client_credentials) out=$(BODY="grant_type=client_credentials" AUTH="$basic" wrk --latency --timeout 30s -t$t -c$c -d$2 -s "$here/wrk/form.lua" "$token_url") ;;
    password) out=$(BODY="grant_type=password&username=bench-user&password=$user_password&scope=openid" AUTH="$basic" \
                wrk --latency --timeout 30s -t$t -c$c -d$2 -s "$here/wrk/form.lua" "$token_url") ;;
    refresh) local file="$data.refresh"; : >"$file"
             for _ in $(seq $(( c + t ))); do password_token | json_field refresh_token >>"$file"; done
             out=$(TOKENS="$file" THREADS=$t AUTH="$basic" wrk --latency --timeout 30s -t$t -c$c -d$2 -s "$here/wrk/refresh.lua" "$token_url") ;;
    jwks) out=$(wrk --latency --timeout 30s -t$t -c$c -d$2 "$base/oauth2/jwks") ;;
    introspection) access=$(password_token | json_field access_token)
                   out=$(BODY="token=$access" AUTH="$basic" wrk --latency --timeout 30s -t$t -c$c -d$2 -s "$here/wrk/form.lua" "$base/oauth2/introspect") ;;
    userinfo) access=$(password_token | json_field access_token)
              out=$(AUTH="Bearer $access" wrk --latency --timeout 30s -t$t -c$c -d$2 -s "$here/wrk/form.lua" "$base/oauth2/userinfo") ;;
  esac
  echo "$out" | awk '/requests in/ { n = $1 } /Non-2xx/ { bad = $NF } $1 == "99%" { p99 = $2 } END { print n - bad, p99 }'
}
collections() { # young and full collections so far (jstat -gc: YGC and FGC columns, found by name)
  "$jstat_bin" -gc "$pid" | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i } NR == 2 { print $col["YGC"], $col["FGC"] }'
}
memory() { # VmRSS, and smaps_rollup's Rss split into file-backed and anonymous (MiB)
  awk '/^VmRSS/ { rss = $2 } END { printf "%d", rss / 1024 }' "/proc/$pid/status"
  awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } /^Anonymous:/ { a = $2 }
       END { printf " %d %d %d %d", r / 1024, p / 1024, (r - a) / 1024, a / 1024 }' "/proc/$pid/smaps_rollup"
}

start; first_token; stop
t0=$(now_ms); start; first_token; first_ms=$(( $(now_ms) - t0 )); first_cpu_ms=$(( $(ticks) * 10 ))
row="$label\t$(java -version 2>&1 | head -1 | cut -d'"' -f2)\t$first_ms\t$first_cpu_ms"
for s in $scenarios; do
  wrk_run "$s" "$warmup" >/dev/null
  read -r y0 f0 < <(collections)
  before=$(ticks); read -r n p99 < <(wrk_run "$s" "$duration"); after=$(ticks)
  read -r y1 f1 < <(collections)
  row="$row\t$s=$(awk -v t=$(( after - before )) -v n="$n" 'BEGIN { printf("%.2f", n > 0 ? t * 10 / n : 0) }')ms/$n"
  row="$row p99=$p99 gc=$(( y1 - y0 ))y/$(( f1 - f0 ))f"
done
now=$(memory)
threads=$(ls "/proc/$pid/task" | wc -l)
# The threads by name (digits dropped, so a pool's threads count as one name), most first.
cat /proc/"$pid"/task/*/comm 2>/dev/null | sed 's/[0-9]*$//; s/-[0-9]*-*$//' | sort | uniq -c | sort -rn >"$data.threads" || true
if [ "${NMT:-0}" = 1 ]; then "$jcmd_bin" "$pid" VM.native_memory summary >"$data.nmt" 2>&1 || true; fi
cp "/proc/$pid/smaps" "$data.smaps" 2>/dev/null || true
if [ "${IDLE_GC:-0}" = 1 ]; then "$jcmd_bin" "$pid" GC.run >/dev/null 2>&1 || true; fi
sleep "$idle"
later=$(memory)
# The same after the idle spell, for what the server gave back (memory.idle.release) and what it kept.
if [ "${NMT:-0}" = 1 ]; then "$jcmd_bin" "$pid" VM.native_memory summary >"$data.idle.nmt" 2>&1 || true; fi
cp "/proc/$pid/smaps" "$data.idle.smaps" 2>/dev/null || true
# rss pss file anon (MiB) right after the load, then after IDLE seconds; the process's threads after the load
printf "%b\trss/pss/file/anon %s\tidle %s\tthreads %s\t%s\n" "$row" "$now" "$later" "$threads" "$opts" | tee -a "$scratch/footprint.tsv"
# After the readings, as it collects: the live heap by class, and the heap's shape after that full collection.
if [ "${HISTO:-0}" = 1 ]; then
  { "$jcmd_bin" "$pid" GC.class_histogram | head -40; "$jcmd_bin" "$pid" GC.heap_info; } >"$data.histo" 2>&1 || true
fi
stop
