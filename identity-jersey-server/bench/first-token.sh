#!/usr/bin/env bash
# One start of the packaged server up to its first token, as a whole process: starts the jar on DATA_DIR
# (a fresh temporary one when unset: first start, with key generation), polls the token endpoint with the
# demo client until client_credentials succeeds, prints the milliseconds, then kills the server.
# Time it from outside over several runs, e.g. with /usr/bin/time or hyperfine.
#
#   identity-jersey-server/bench/first-token.sh [extra JVM options...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/../target/identity-server.jar"
port="${PORT:-18082}"
data="${DATA_DIR:-}"
fresh=""
if [ -z "$data" ]; then data="$(mktemp -d)"; fresh="$data"; fi
secret_file="$data/demo-secret"
start_ns=$(date +%s%N)
java "$@" -jar "$jar" --port "$port" --data-dir "$data" --bootstrap-print true >"$data/out.log" 2>&1 &
pid=$!
trap 'kill -9 "$pid" 2>/dev/null || true; [ -n "$fresh" ] && rm -rf "$fresh"' EXIT
secret="$(cat "$secret_file" 2>/dev/null || true)"
while :; do
  if [ -z "$secret" ]; then
    secret="$(sed -n 's/.*demo client: *demo \/ \([^ ]*\).*/\1/p' "$data/out.log" | head -1)"
    [ -n "$secret" ] && printf '%s' "$secret" >"$secret_file"
  fi
  if [ -n "$secret" ] && curl -sf -o /dev/null -u "demo:$secret" -d grant_type=client_credentials \
      "http://127.0.0.1:$port/oauth2/token"; then
    break
  fi
  kill -0 "$pid" 2>/dev/null || { cat "$data/out.log" >&2; echo "server died" >&2; exit 1; }
  sleep 0.01
done
echo "first token after $(( ($(date +%s%N) - start_ns) / 1000000 )) ms"
