#!/usr/bin/env bash
# Issue 13: the key set (GET /oauth2/jwks, the cheapest request, where the HTTP layer's fixed cost per request
# shows most) against two or more builds of this server, all up at once and measured alternately, point by point,
# so that a shared machine's changing load falls on all of them alike.
#
#   git worktree add /tmp/before <commit> && (cd /tmp/before && mvn -B -q -pl identity-jersey-server -am package -DskipTests)
#   benchmarks/builds-ab.sh before=/tmp/before after=.
#
# Each NAME=DIR is a checkout with its jar built; the server is started by DIR's launcher (./identity-server) on a
# fresh data directory (a first start that writes the class-data archive or AOT cache, then a restart), with the
# benchmark's options (bench-common.sh), and warmed with WARMUP seconds of the same load. Then ROUNDS rounds, each
# a DURATION-second wrk point per connection count and build: req/s, p99 and the process's CPU per request (user +
# system ticks over the requests wrk counted). The last lines are each build's means, and its VmRSS.
#
# Environment (optional): JDK (a JDK home; default the `java` on PATH), SCRATCH (default /tmp/identity-builds-ab),
# CONNECTIONS (default "16 64"), DURATION (seconds, default 8), WARMUP (seconds, default 15), ROUNDS (default 4).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/bench-common.sh"
[ $# -gt 0 ] || { echo "usage: builds-ab.sh NAME=DIR... (checkouts with identity-jersey-server/target/identity-server.jar built)" >&2; exit 2; }
scratch="${SCRATCH:-/tmp/identity-builds-ab}"
if [ -n "${JDK:-}" ]; then export PATH="$JDK/bin:$PATH"; fi
mkdir -p "$scratch"
write_bench_import "$scratch/import.json"
declare -A pids ports
names=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

start() { # $1 name, $2 checkout
  local data="$scratch/$1"
  IDENTITY_BOOTSTRAP=false "$2/identity-server" --port "${ports[$1]}" --data-dir "$data" --import "$scratch/import.json" \
    "${bench_options[@]}" >>"$data.log" 2>&1 &
  pids[$1]=$!
  until curl -sf -o /dev/null "http://127.0.0.1:${ports[$1]}/oauth2/jwks"; do
    kill -0 "${pids[$1]}" 2>/dev/null || { tail -30 "$data.log" >&2; exit 1; }
    sleep 0.05
  done
}

for build in "$@"; do
  name=${build%%=*}; dir=$(cd "${build#*=}" && pwd); names+=("$name")
  rm -rf "${scratch:?}/$name" "$scratch/$name.log"
  ports[$name]=$(free_port)
  start "$name" "$dir"; kill "${pids[$name]}"; wait "${pids[$name]}" 2>/dev/null || true
  start "$name" "$dir"
  wrk -t2 -c64 -d"${WARMUP:-15}s" "http://127.0.0.1:${ports[$name]}/oauth2/jwks" >/dev/null
done
echo "# $(date -u +%FT%TZ) $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
rows="$scratch/rows.tsv"; : >"$rows"
for _ in $(seq "${ROUNDS:-4}"); do
  for c in ${CONNECTIONS:-16 64}; do
    for name in "${names[@]}"; do
      pid=${pids[$name]}
      before=$(process_ticks "$pid")
      out=$(wrk -t2 -c"$c" -d"${DURATION:-8}s" --latency "http://127.0.0.1:${ports[$name]}/oauth2/jwks")
      after=$(process_ticks "$pid")
      echo "$out" | awk -v name="$name" -v c="$c" -v t=$(( after - before )) "$wrk_ms_awk"'
        /requests in/ { n = $1 } /^Requests\/sec/ { r = $2 } $1 == "99%" { p = ms($2) }
        END { printf "%s\t%d\t%.0f\t%.2f\t%.1f\n", name, c, r, p, t * 10000 / n }' | tee -a "$rows"
    done
  done
done
echo -e "build\tconnections\tmean req/s\tmean p99 ms\tmean CPU us/req"
awk -F'\t' '{ k = $1 "\t" $2; r[k] += $3; p[k] += $4; u[k] += $5; n[k]++ }
  END { for (k in r) printf "%s\t%.0f\t%.2f\t%.1f\n", k, r[k] / n[k], p[k] / n[k], u[k] / n[k] }' "$rows" | sort
for name in "${names[@]}"; do
  echo -e "$name\tVmRSS MiB\t$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/${pids[$name]}/status")"
done
