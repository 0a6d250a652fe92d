#!/usr/bin/env bash
# Issue 13: what sustained writes do to the collector and the JIT of one server started as the README says. Runs
# WINDOWS windows of rotating refresh chains (each window DURATION seconds at CONNECTIONS connections, new chains
# each), then the key set at 16 connections quiet and during a login storm (32 connections of password grants).
# Prints per window: req/s, p99, young and full collections (count, ms) from jstat, the CPU ms of the JIT
# compiler (C2), the collector (VM Thread) and the whole process from /proc, and the H2 file's size.
#
#   benchmarks/collector-under-writes.sh
#
# Environment (all optional): JDK (default /usr/lib/jvm/java-17-openjdk-amd64), WINDOWS (6), DURATION (20),
# CONNECTIONS (64), SCRATCH (default /tmp/identity-collector; never in the repository), IDENTITY_JAVA_OPTS and
# SERVER_ARGS (extra server options, @DATA@ replaced by the data directory, e.g. a --db-url with an H2 setting).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/bench-common.sh"
repo="$(cd "$here/.." && pwd)"
home="${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
scratch="${SCRATCH:-/tmp/identity-collector}"
windows="${WINDOWS:-6}"; duration="${DURATION:-20}"; connections="${CONNECTIONS:-64}"
command -v wrk >/dev/null || { echo "needs wrk" >&2; exit 1; }
mkdir -p "$scratch"
data="$scratch/data"; rm -rf "$data"
write_bench_import "$scratch/import.json"
server_args=${SERVER_ARGS:-}; server_args=${server_args//@DATA@/$data}
port=$(free_port)
base="http://127.0.0.1:$port"; token_url="$base/oauth2/token"
# shellcheck disable=SC2086 # server_args is a list of options
PATH="$home/bin:$PATH" IDENTITY_BOOTSTRAP=false "$repo/identity-server" --port "$port" --data-dir "$data" \
  --import "$scratch/import.json" "${bench_options[@]}" $server_args >"$scratch/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT
until curl -sf -o /dev/null -H "Authorization: $basic" -d grant_type=client_credentials "$token_url"; do
  kill -0 "$pid" 2>/dev/null || { tail -20 "$scratch/server.log" >&2; exit 1; }
  sleep 0.1
done

# jstat -gc: YGC YGCT FGC FGCT (columns 13-16 on JDK 17 and 25).
collections() { "$home/bin/jstat" -gc "$pid" | awk 'NR == 2 { print $13, $14, $15, $16 }'; }
# CPU ticks (10 ms) of the threads whose name starts with $1.
thread_ticks() {
  local t sum=0 name
  for t in /proc/"$pid"/task/*; do
    name=$(cat "$t/comm" 2>/dev/null) || continue
    case "$name" in "$1"*) sum=$(( sum + $(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null || echo 0) )) ;; esac
  done
  echo "$sum"
}
# The JIT's and the collector's threads live as long as the JVM; request threads end when idle, so the rest is the
# process's total.
cpu_of() { printf '%s %s %s' "$(thread_ticks C2)" "$(thread_ticks 'VM Thread')" "$(awk '{ print $14 + $15 }' "/proc/$pid/stat")"; }
latency() { awk '/^Requests\/sec/ { rate = $2 } $1 == "99%" { p99 = $2 } END { printf "%s req/s, p99 %s", rate, p99 }'; }
chains() { # one rotating chain per connection and per wrk thread
  local file="$scratch/chains" k; : >"$file"
  for k in $(seq $(( connections + 2 ))); do
    curl -sf -H "Authorization: $basic" -d grant_type=password -d username=bench-user -d "password=$user_password" \
      -d scope=openid "$token_url" | json_field refresh_token >>"$file"
  done
  echo "$file"
}
# "label: what wrk printed | collections and thread CPU during it"
measured() {
  local label=$1; shift
  local g0 g1 c0 c1 out
  g0=$(collections); c0=$(cpu_of)
  out=$("$@" | latency)
  g1=$(collections); c1=$(cpu_of)
  echo "$label: $out | $(echo "$g0 $g1 $c0 $c1" | awk '{ printf "young %d (%.0f ms) full %d (%.0f ms) | CPU ms: C2 %d, GC %d, process %d",
    $5 - $1, ($6 - $2) * 1000, $7 - $3, ($8 - $4) * 1000, ($12 - $9) * 10, ($13 - $10) * 10, ($14 - $11) * 10 }')"
}
refresh() { TOKENS=$(chains) THREADS=2 AUTH="$basic" wrk --timeout 30s -t2 -c"$connections" -d"${duration}s" --latency \
  -s "$here/wrk/refresh.lua" "$token_url"; }
jwks() { wrk --timeout 30s -t2 -c16 -d10s --latency "$base/oauth2/jwks"; }

echo "$("$home/bin/java" -version 2>&1 | head -1); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for w in $(seq "$windows"); do
  measured "refresh window $w, $connections connections" refresh
  echo "  H2 file $(du -m "$data/identity.mv.db" | cut -f1) MiB"
done
measured "JWKS quiet" jwks
BODY="grant_type=password&username=bench-user&password=$user_password&scope=openid" AUTH="$basic" \
  wrk --timeout 30s -t2 -c32 -d14s -s "$here/wrk/form.lua" "$token_url" >"$scratch/storm.txt" &
storm=$!
sleep 2
measured "JWKS during a login storm" jwks
wait "$storm"
echo "  logins: $(awk '/^Requests\/sec/ { print $2 }' "$scratch/storm.txt") per second"
echo "RSS $(( $(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status") / 1024 )) MiB"
