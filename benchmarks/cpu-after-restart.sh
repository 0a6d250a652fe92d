#!/usr/bin/env bash
# Issue 13: what a start-up change costs after the start. For each VARIANT (a directory holding a launcher,
# `identity-server`, and its jar, as for startup-restarts.sh): a first start on a fresh data directory (it writes the
# archive or cache), then ROUNDS rounds in which every variant restarts once, in turn, and serves TOKENS
# client_credentials tokens one after the other on one keep-alive connection; prints the process's CPU (user + system
# from /proc/PID/stat, all threads: the JIT compilers included) and the wall time per WINDOW tokens, as CPU/wall ms.
# A change that makes the restart cheaper by compiling later shows here as more CPU in the first windows.
#
#   JDKS=/usr/lib/jvm/java-17-openjdk-amd64 benchmarks/cpu-after-restart.sh before=/tmp/before after=.
#
# Environment (optional): JDKS (default as startup-restarts.sh), ROUNDS (default 3), TOKENS (default 6000), WINDOW
# (default 1000), SCRATCH (default /tmp/identity-after-restart), IDENTITY_JAVA_OPTS (passed to every launcher).
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/bench-common.sh"
[ $# -gt 0 ] || { echo "usage: cpu-after-restart.sh NAME=DIRECTORY..." >&2; exit 2; }
jdks="${JDKS:-/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64}"
rounds="${ROUNDS:-3}" tokens="${TOKENS:-6000}" window="${WINDOW:-1000}"
scratch="${SCRATCH:-/tmp/identity-after-restart}"
mkdir -p "$scratch"
write_bench_import "$scratch/import.json"
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi' EXIT

# Starts variant directory $1 on JDK $2 with data directory $3 and waits for its first token; sets pid and port.
start() {
  local dir=$1 jdk=$2 data=$3
  port=$(free_port)
  PATH="$jdk/bin:$PATH" IDENTITY_BOOTSTRAP=false "$dir/identity-server" --port "$port" --data-dir "$data" \
    --import "$scratch/import.json" "${bench_options[@]}" >>"$data.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null -H "Authorization: $basic" -d grant_type=client_credentials "http://127.0.0.1:$port/oauth2/token"; do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$data.log" >&2; echo "server died" >&2; exit 1; }
    sleep 0.02
  done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

# Sends $tokens tokens to $port one after the other; prints "cpu/wall" ms of process $pid per $window tokens.
tokens() {
  python3 - "$port" "$pid" "$tokens" "$window" "$basic" <<'PY'
import http.client, sys, time
port, pid, n, w, basic = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def cpu():  # user + system clock ticks (USER_HZ 100) of the whole process
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 10
c = http.client.HTTPConnection("127.0.0.1", port)
out, c0, t0 = [], cpu(), time.monotonic()
for i in range(1, n + 1):
    c.request("POST", "/oauth2/token", "grant_type=client_credentials",
              {"Authorization": basic, "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse(); r.read()
    if r.status != 200: sys.exit(f"token {i}: HTTP {r.status}")
    if i % w == 0:
        c1, t1 = cpu(), time.monotonic(); out.append("%d/%d" % (c1 - c0, (t1 - t0) * 1000)); c0, t0 = c1, t1
print(" ".join(out))
PY
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds of $tokens tokens, CPU/wall ms per $window"
for jdk in $jdks; do
  for variant in "$@"; do
    name=${variant%%=*}; dir=$(cd "${variant#*=}" && pwd)
    data="$scratch/$name-$(basename "$jdk")"; rm -rf "$data" "$data.log"
    start "$dir" "$jdk" "$data"; stop
  done
  for round in $(seq "$rounds"); do
    for variant in "$@"; do
      name=${variant%%=*}; dir=$(cd "${variant#*=}" && pwd)
      start "$dir" "$jdk" "$scratch/$name-$(basename "$jdk")"
      r=$(tokens)
      stop
      total=$(echo "$r" | tr ' ' '\n' | awk -F/ '{ c += $1 } END { print c }')
      printf '%s\t%s\t%s\t%s\ttotal %s ms\tload %s\n' "$(basename "$jdk")" "$name" "$round" "$r" "$total" "$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
