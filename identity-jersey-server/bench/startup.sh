#!/usr/bin/env bash
# Start-up time to the first token and max RSS of the packaged server on its embedded default (H2 file, RS256).
#
#   identity-jersey-server/bench/startup.sh [JAVA] [extra JVM options...]
#
# Starts target/identity-server.jar under /usr/bin/time -v in a fresh data dir, polls the token endpoint
# with the bootstrapped demo client until client_credentials succeeds, then sends LOAD_REQUESTS more
# tokens (default 2000) and stops the server. Prints ms to first token and max RSS in MB.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/../target/identity-server.jar"
java="${1:-java}"; shift || true
port="${PORT:-18080}"
load="${LOAD_REQUESTS:-2000}"
[ -f "$jar" ] || { echo "build first: mvn -pl identity-jersey-server -am package -DskipTests" >&2; exit 1; }
data="$(mktemp -d)"; out="$data/out.log"; timing="$data/time.log"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

start_ns=$(date +%s%N)
/usr/bin/time -v -o "$timing" "$java" "$@" -jar "$jar" --port "$port" --data-dir "$data/d" --bootstrap-print true >"$out" 2>&1 &
pid=$!
secret=""
while :; do
  [ -z "$secret" ] && secret="$(sed -n 's/.*demo client: *demo \/ \([^ ]*\).*/\1/p' "$out" | head -1)"
  if [ -n "$secret" ] && curl -sf -o /dev/null -u "demo:$secret" -d grant_type=client_credentials "http://127.0.0.1:$port/oauth2/token"; then
    break
  fi
  kill -0 "$pid" 2>/dev/null || { cat "$out"; echo "server died" >&2; exit 1; }
  sleep 0.02
done
first_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

load_start=$(date +%s%N)
seq "$load" | xargs -P 4 -I{} curl -sf -o /dev/null -u "demo:$secret" -d grant_type=client_credentials "http://127.0.0.1:$port/oauth2/token"
load_ms=$(( ($(date +%s%N) - load_start) / 1000000 ))

# /usr/bin/time wraps the JVM: stop the JVM (its child) so time writes its report.
jvm=$(pgrep -P "$pid" || echo "$pid"); kill "$jvm"; wait "$pid" || true
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$timing")
echo "java: $("$java" -version 2>&1 | head -1)  options: ${*:-none}"
echo "first token after: ${first_ms} ms"
echo "load: ${load} client_credentials tokens in ${load_ms} ms (4 concurrent curl processes)"
echo "max RSS: $((rss_kb / 1024)) MB"
