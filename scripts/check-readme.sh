#!/usr/bin/env bash
# Runs README.md's quickstart exactly as written, on the fixed ports it documents (8080, 8081):
#   1. the first command of README's first ```bash block (the server with the quickstart import), in the
#      background, with a temporary --data-dir so that ./data is left alone;
#   2. every ```bash block of the "## Quickstart" section, in one `bash` with `set -euo pipefail`;
#   3. checks what the README promises: /api/me 200 naming alice, the reused refresh token 400
#      invalid_grant, the family's access token then refused by the sample ("token revoked"), 401 with WWW-Authenticate Bearer realm="sample", 403 insufficient_scope.
# Everything it started is stopped on exit. Needs the server jar (`mvn -B verify` or the first run of
# ./identity-server builds it), curl, and free ports 8080 and 8081.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-readme: FAIL: $*" >&2; exit 1; }

for port in 8080 8081; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use; the README's quickstart needs 8080 (server) and 8081 (sample). Stop what listens there."
  fi
done
command -v curl >/dev/null || fail "curl is not installed"

work=$(mktemp -d)
server_pid=""
blocks_pid=""
cleanup() {
  # The blocks' shell runs in its own process group (setsid), so the sample app it put in the background stops with it.
  if [ -n "$blocks_pid" ]; then
    kill -TERM -- "-$blocks_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
      kill -0 -- "-$blocks_pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL -- "-$blocks_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The server, as README's first command starts it.
server_command=$(awk '/^```bash$/ { inside = 1; next } inside { print; exit }' README.md)
server_command=${server_command%%#*}
server_command=$(echo "$server_command" | sed 's/[[:space:]]*$//')
[ "${server_command#./identity-server }" != "$server_command" ] \
  || fail "README's first command is not ./identity-server ...: '$server_command'"
echo "check-readme: starting: $server_command --data-dir $work/data"
read -r -a server_argv <<<"$server_command"
"${server_argv[@]}" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -sf -o /dev/null http://127.0.0.1:8080/health && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server exited"; }
  sleep 0.5
done
curl -sf -o /dev/null http://127.0.0.1:8080/health || { cat "$work/server.log" >&2; fail "the server did not answer /health within 60 s"; }

# 2. The Quickstart section's blocks, in order, in one shell.
awk '
  /^## / { quickstart = ($0 == "## Quickstart"); next }
  quickstart && /^```bash$/ { inside = 1; next }
  quickstart && inside && /^```$/ { inside = 0; print ""; next }
  quickstart && inside { print }
' README.md >"$work/quickstart.sh"
[ -s "$work/quickstart.sh" ] || fail "README.md has no \`\`\`bash blocks under '## Quickstart'"
echo "check-readme: running the Quickstart section ($(grep -c . "$work/quickstart.sh") lines)"
set +e
setsid bash -c 'set -euo pipefail; source "$1"' quickstart "$work/quickstart.sh" >"$work/out.log" 2>"$work/err.log" &
blocks_pid=$!
wait "$blocks_pid"
status=$?
set -e
echo "----- quickstart output -----"; cat "$work/out.log"; echo "-----------------------------"
if [ "$status" -ne 0 ]; then
  cat "$work/err.log" >&2
  fail "the Quickstart section's commands exited with $status"
fi

# 3. What the README says they answer.
out=$(cat "$work/out.log")
expect() { grep -qE -- "$2" <<<"$out" || fail "expected $1 (/$2/) in the output above"; }
expect "/api/me 200 naming alice" '"name":"alice".*"greeting":"Hello, alice!"|"greeting":"Hello, alice!".*"name":"alice"'
expect "the reused refresh token refused (400 invalid_grant)" '"error":"invalid_grant"'
expect "the revoked family's access token refused by the sample (security events)" '^WWW-Authenticate: Bearer .*error_description="token revoked"'
expect "401 without a token" 'HTTP/[0-9.]+ 401'
expect "the 401 challenge" '^WWW-Authenticate: Bearer realm="sample"'
expect "403 for alice on the admin API" 'HTTP/[0-9.]+ 403'
expect "the 403 challenge" '^WWW-Authenticate: Bearer .*error="insufficient_scope"'
echo "check-readme: OK: the README quickstart works as written"
