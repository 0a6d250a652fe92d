#!/usr/bin/env bash
# Load run of the packaged server on its embedded default (H2 file, RS256), with wrk:
#   1. the JWKS endpoint (precomputed bytes): the reference, what the HTTP stack alone costs;
#   2. client_credentials tokens (one RS256 signature each);
# then the server's resident memory after the load.
#
#   identity-jersey-server/bench/load.sh [JAVA] [extra JVM options...]
#
# Environment: DURATION (default 20s), CONNECTIONS (default 16), THREADS (default 2), PORT (default 18081).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/../target/identity-server.jar"
java="${1:-java}"; shift || true
port="${PORT:-18081}"; duration="${DURATION:-20s}"; connections="${CONNECTIONS:-16}"; threads="${THREADS:-2}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
[ -f "$jar" ] || { echo "build first: mvn -pl identity-jersey-server -am package -DskipTests" >&2; exit 1; }
data="$(mktemp -d)"; out="$data/out.log"
"$java" "$@" -jar "$jar" --port "$port" --data-dir "$data/d" --bootstrap-print true >"$out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

secret=""
until [ -n "$secret" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do
  secret="$(sed -n 's/.*demo client: *demo \/ \([^ ]*\).*/\1/p' "$out" | head -1)"
  kill -0 "$pid" 2>/dev/null || { cat "$out"; echo "server died" >&2; exit 1; }
  sleep 0.1
done
export BASIC_CREDENTIALS="$(printf 'demo:%s' "$secret" | base64 -w0)"

rate() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
# Warm both paths up first so that the JIT has compiled them.
wrk -t"$threads" -c"$connections" -d5s "http://127.0.0.1:$port/oauth2/jwks" >/dev/null
wrk -t"$threads" -c"$connections" -d5s -s "$here/client-credentials.lua" "http://127.0.0.1:$port/oauth2/token" >/dev/null

jwks=$(wrk -t"$threads" -c"$connections" -d"$duration" "http://127.0.0.1:$port/oauth2/jwks" | tee "$data/jwks.txt" | rate)
tokens=$(wrk -t"$threads" -c"$connections" -d"$duration" -s "$here/client-credentials.lua" --latency \
  "http://127.0.0.1:$port/oauth2/token" | tee "$data/token.txt" | rate)
non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *//p' "$data/token.txt"); non2xx=${non2xx:-0}
rss_mb=$(( $(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status") / 1024 ))
hwm_mb=$(( $(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status") / 1024 ))

echo "java: $("$java" -version 2>&1 | head -1)  options: ${*:-none}"
echo "JWKS (reference):        ${jwks} req/s"
echo "client_credentials:      ${tokens} tokens/s  (non-2xx: ${non2xx})"
sed -n '/Latency Distribution/,/99%/p' "$data/token.txt"
echo "token / JWKS throughput: $(awk -v a="$tokens" -v b="$jwks" 'BEGIN { printf "%.3f", a / b }')"
echo "RSS after load: ${rss_mb} MB (peak ${hwm_mb} MB)"
