#!/usr/bin/env bash
# Issue 13: start-up to the first token on a restart, for comparing launchers or builds side by side. Each
# VARIANT is a directory holding a launcher (`identity-server`) and its jar (identity-jersey-server/target/
# identity-server.jar); the launcher keeps its class-data archive or AOT cache next to that jar, so variants never
# share one. For each JDK and variant: a fresh data directory and a first start to the first token, stopped (it
# writes the archive or cache on exit); then ROUNDS rounds in which every variant restarts once, in turn, so that
# a shared machine's changing load falls on all of them alike. Per restart: wall time from the launcher's start
# to the first client_credentials token (polled every 20 ms, as compare-keycloak.sh does) and the process's CPU
# (user + system from /proc/PID/stat at that token), all threads and the main thread alone. Prints one row per
# restart (JDK, variant, round, wall ms, CPU ms, main-thread CPU ms, load average) and the medians.
#
#   benchmarks/startup-restarts.sh before=/tmp/before after=.
#
# Environment (optional): JDKS (JDK homes, default "/usr/lib/jvm/java-17-openjdk-amd64
# /usr/lib/jvm/temurin-25-jdk-amd64"), ROUNDS (default 5), SCRATCH (default /tmp/identity-startup),
# IDENTITY_JAVA_OPTS (passed to every launcher). The server's options are compare-keycloak.sh's: --import of one
# user and one client, Argon2id m = 7168 KiB, t = 5, login limits out of the way.
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/bench-common.sh"
[ $# -gt 0 ] || { echo "usage: startup-restarts.sh NAME=DIRECTORY..." >&2; exit 2; }
jdks="${JDKS:-/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64}"
rounds="${ROUNDS:-5}"
scratch="${SCRATCH:-/tmp/identity-startup}"
mkdir -p "$scratch"
write_bench_import "$scratch/import.json"
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi' EXIT

# Starts variant directory $1 on JDK $2 with data directory $3; prints "wall_ms cpu_ms" at the first token, stops it.
restart() {
  local dir=$1 jdk=$2 data=$3 port t0 wall cpu
  port=$(free_port)
  t0=$(now_ms)
  PATH="$jdk/bin:$PATH" IDENTITY_BOOTSTRAP=false "$dir/identity-server" --port "$port" --data-dir "$data" \
    --import "$scratch/import.json" "${bench_options[@]}" \
    >>"$data.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null -H "Authorization: $basic" -d grant_type=client_credentials "http://127.0.0.1:$port/oauth2/token"; do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$data.log" >&2; echo "server died" >&2; exit 1; }
    sleep 0.02
  done
  wall=$(( $(now_ms) - t0 ))
  # Clock ticks of 10 ms (USER_HZ 100).
  cpu=$(awk '{ print ($14 + $15) * 10 }' "/proc/$pid/stat")
  # The threads named "java": the launcher's and the one that runs main (the JIT compilers, GC and request threads
  # have names of their own), so the start-up code's own CPU.
  main=$(cat /proc/$pid/task/*/stat 2>/dev/null | awk '$2 == "(java)" { t += $14 + $15 } END { print t * 10 }')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=""
  echo "$wall $cpu $main"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "machine: $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds"
rows="$scratch/restarts.tsv"
: >"$rows"
for jdk in $jdks; do
  version=$("$jdk/bin/java" -version 2>&1 | head -1)
  for variant in "$@"; do
    name=${variant%%=*}; dir=$(cd "${variant#*=}" && pwd)
    data="$scratch/$name-$(basename "$jdk")"; rm -rf "$data" "$data.log"
    restart "$dir" "$jdk" "$data" >/dev/null
  done
  for round in $(seq "$rounds"); do
    for variant in "$@"; do
      name=${variant%%=*}; dir=$(cd "${variant#*=}" && pwd)
      r=$(restart "$dir" "$jdk" "$scratch/$name-$(basename "$jdk")")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$jdk")" "$name" "$round" ${r} "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$rows"
    done
  done
  echo "# $version"
done
echo "medians (jdk, variant, wall ms, cpu ms, main-thread cpu ms, restarts):"
for jdk in $jdks; do
  for variant in "$@"; do
    name=${variant%%=*}
    wall=$(awk -F'\t' -v j="$(basename "$jdk")" -v n="$name" '$1 == j && $2 == n { print $4 }' "$rows" | median)
    cpu=$(awk -F'\t' -v j="$(basename "$jdk")" -v n="$name" '$1 == j && $2 == n { print $5 }' "$rows" | median)
    main=$(awk -F'\t' -v j="$(basename "$jdk")" -v n="$name" '$1 == j && $2 == n { print $6 }' "$rows" | median)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$jdk")" "$name" "$wall" "$cpu" "$main" "$rounds"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
