#!/usr/bin/env bash
# Runs the production deployment of README.md ("Running in production") on this machine, and checks it:
#   - Debian's nginx (/usr/sbin/nginx; installed with apt-get when missing and run as root) with
#     deploy/nginx/identity.conf as shipped, except for the ports (free high ports on 127.0.0.1), the server
#     name, a self-signed certificate and the two upstream addresses; nginx runs from a temporary directory as
#     the calling user (no root needed);
#   - two server instances (the jar, IDENTITY_SERVER_JAR or identity-jersey-server/target/identity-server.jar)
#     on one PostgreSQL (IDENTITY_TEST_POSTGRES_URL, default jdbc:postgresql://127.0.0.1:5432/test?user=postgres)
#     in a schema of their own, with README's server.properties and one shared master key;
#   - through nginx over https: discovery names the https issuer; a password-grant login (of a client the first
#     instance imports) gets a token of that issuer; the forwarded client address reaches the servers (5 wrong
#     passwords from 127.0.0.2 throttle 127.0.0.2, while 127.0.0.3 still signs in: the servers saw two
#     addresses, not nginx's one); both instances served; http redirects to https; the bootstrap secrets,
#     given as _FILE, never reach the logs; deploy/identity-server.service parses (systemd-analyze verify);
#     README's pg_dump backup command writes a restorable dump.
# Everything it started is stopped and the schema dropped on exit. Exit codes: 0 checked, 1 a check failed,
# 3 could not run (no nginx and it cannot be installed, or PostgreSQL unreachable): the caller decides
# whether that is a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-nginx: FAIL: $*" >&2; exit 1; }
cannot() { echo "check-nginx: CANNOT RUN: $*" >&2; exit 3; }
log() { echo "check-nginx: $*"; }

nginx=/usr/sbin/nginx
if [ ! -x "$nginx" ]; then
  [ "$(id -u)" = 0 ] || cannot "$nginx is missing; install Debian's nginx: apt-get install nginx"
  log "installing nginx"
  export DEBIAN_FRONTEND=noninteractive
  # The package would start a root nginx on port 80; a policy-rc.d (when there is none) keeps it from starting.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d && policy=/usr/sbin/policy-rc.d
  fi
  apt-get install -y -q --no-install-recommends nginx >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends nginx >/dev/null 2>&1; } || true
  [ -z "$policy" ] || rm -f "$policy"
  [ -x "$nginx" ] || cannot "apt-get could not install nginx"
fi
for tool in curl openssl psql pg_dump pg_restore java; do
  command -v "$tool" >/dev/null || cannot "$tool is not installed"
done
jar=${IDENTITY_SERVER_JAR:-identity-jersey-server/target/identity-server.jar}
[ -f "$jar" ] || cannot "no server jar at $jar (mvn -B -q -pl identity-jersey-server -am package -DskipTests)"
jdbc_url=${IDENTITY_TEST_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
libpq_url=${jdbc_url#jdbc:}   # jdbc:postgresql://host:port/db?user=u is libpq's postgresql://host:port/db?user=u
psql -q -X "$libpq_url" -c 'SELECT 1' >/dev/null 2>&1 || cannot "PostgreSQL at $jdbc_url is unreachable"

work=$(mktemp -d)
chmod 0755 "$work"   # nginx's workers (another user when started as root) read below it
schema="nginx_check_$(date +%s)_$$"
nginx_pid=""
server_pids=()
cleanup() {
  status=$?
  [ -z "$nginx_pid" ] || { kill -QUIT "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; }
  for pid in "${server_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q -X "$libpq_url" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    for f in "$work"/*.log; do [ -f "$f" ] && { echo "----- $(basename "$f") -----"; tail -n 40 "$f"; }; done >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT   # so that the EXIT trap cleans up when the caller stops the script

# Below the kernel's ephemeral range: a port chosen there can be taken, before nginx binds it, by any outgoing
# connection of this machine (a CI run once lost its https port to one).
ephemeral_low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$ephemeral_low" -gt 12000 ] 2>/dev/null || ephemeral_low=32768
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((10000 + RANDOM % (ephemeral_low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  fail "no free port found"
}
https_port=$(free_port); http_port=$(free_port); port1=$(free_port); port2=$(free_port)
issuer="https://127.0.0.1:$https_port"
log "nginx https :$https_port http :$http_port -> instances :$port1 :$port2, schema $schema"

# --- PostgreSQL: a schema of its own (the database is shared with the tests) ---
psql -q -X "$libpq_url" -c "CREATE SCHEMA $schema" >/dev/null
db_url="$jdbc_url$(case "$jdbc_url" in *\?*) echo '&' ;; *) echo '?' ;; esac)currentSchema=$schema"

# --- Secrets, as README has them: files named by IDENTITY_..._FILE ---
openssl rand -base64 32 >"$work/master.key"
admin_password="admin-$(openssl rand -hex 12)"
demo_secret="demo-$(openssl rand -hex 24)"
printf '%s\n' "$admin_password" >"$work/admin-password"
printf '%s\n' "$demo_secret" >"$work/demo-secret"
client_secret="nginx-check-secret-$(openssl rand -hex 16)"
cat >"$work/setup.json" <<EOF
{"users": [{"username": "alice", "password": "alice-password-1", "roles": ["user"]}],
 "clients": [{"clientId": "nginx-check", "secret": "$client_secret", "grantTypes": ["password"], "scopes": ["openid"]}]}
EOF

# README's server.properties, as written; what differs here comes from the environment, which wins over the file.
awk '/^## Running in production/ { p = 1 } p && /^```properties$/ { inside = 1; next } inside && /^```$/ { exit } inside { print }' \
  README.md >"$work/server.properties"
grep -q '^proxy.trusted=' "$work/server.properties" || fail "README's Running in production has no server.properties block with proxy.trusted"

start_instance() {   # port, log, extra arguments
  local port=$1 out=$2; shift 2
  env IDENTITY_DB_URL="$db_url" IDENTITY_HOST=127.0.0.1 IDENTITY_PORT="$port" IDENTITY_ISSUER="$issuer" \
    IDENTITY_PROXY_TRUSTED=127.0.0.1 IDENTITY_MASTER_KEY_FILE="$work/master.key" \
    IDENTITY_BOOTSTRAP_ADMIN_PASSWORD_FILE="$work/admin-password" IDENTITY_BOOTSTRAP_DEMO_SECRET_FILE="$work/demo-secret" \
    java -XX:+UseSerialGC -jar "$jar" --config "$work/server.properties" "$@" >"$out" 2>&1 &
  server_pids+=($!)
}
wait_ready() {   # port, pid
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/.well-known/openid-configuration" && return
    kill -0 "$2" 2>/dev/null || fail "the instance on :$1 exited"
    sleep 0.25
  done
  fail "the instance on :$1 did not answer within 60 s"
}
# The first instance creates the schema, keys, admin and the imported client; the second joins it.
start_instance "$port1" "$work/instance1.log" --import "$work/setup.json"
wait_ready "$port1" "${server_pids[0]}"
start_instance "$port2" "$work/instance2.log"
wait_ready "$port2" "${server_pids[1]}"

# --- nginx: the shipped file with this machine's ports, name, certificate and instances ---
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/tls.key" -out "$work/tls.crt" >/dev/null 2>&1
sed -e "s|listen 443 ssl|listen 127.0.0.1:$https_port ssl|" \
    -e "s|listen 80;|listen 127.0.0.1:$http_port;|" \
    -e "s|server_name id.example.com;|server_name 127.0.0.1;|" \
    -e "s|/etc/letsencrypt/live/id.example.com/fullchain.pem|$work/tls.crt|" \
    -e "s|/etc/letsencrypt/live/id.example.com/privkey.pem|$work/tls.key|" \
    -e "s|server 10.0.0.11:8080|server 127.0.0.1:$port1|" \
    -e "s|server 10.0.0.12:8080|server 127.0.0.1:$port2|" \
    deploy/nginx/identity.conf >"$work/identity.conf"
for expected in "127.0.0.1:$https_port ssl" "127.0.0.1:$port1" "127.0.0.1:$port2" "$work/tls.crt"; do
  grep -qF "$expected" "$work/identity.conf" || fail "deploy/nginx/identity.conf changed shape: '$expected' not substituted"
done
mkdir -p "$work/nginx-temp"
{
  # Started as root (CI), nginx would switch its workers to nobody; as anyone else it stays that user.
  [ "$(id -u)" != 0 ] || echo "user root;"
  cat <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 64; }
http {
    access_log $work/nginx-access.log;
    log_format upstream '\$remote_addr \$status "\$request" upstream=\$upstream_addr';
    access_log $work/nginx-upstream.log upstream;
    client_body_temp_path $work/nginx-temp/body;
    proxy_temp_path $work/nginx-temp/proxy;
    fastcgi_temp_path $work/nginx-temp/fastcgi;
    uwsgi_temp_path $work/nginx-temp/uwsgi;
    scgi_temp_path $work/nginx-temp/scgi;
    include $work/identity.conf;
}
EOF
} >"$work/nginx.conf"
"$nginx" -t -q -e "$work/nginx-error.log" -p "$work" -c "$work/nginx.conf" 2>"$work/nginx-test.log" \
  || { cat "$work/nginx-test.log" >&2; fail "nginx refuses the configuration"; }
"$nginx" -e "$work/nginx-error.log" -p "$work" -c "$work/nginx.conf" -g 'daemon off;' 2>>"$work/nginx-error.log" &
nginx_pid=$!
https() { curl -s --cacert "$work/tls.crt" "$@"; }
for _ in $(seq 1 40); do https -o /dev/null "$issuer/" && break; sleep 0.25; done

# --- 1. Discovery through nginx names the https issuer ---
discovery=$(https "$issuer/.well-known/openid-configuration")
grep -qF "\"issuer\":\"$issuer\"" <<<"$discovery" || fail "discovery does not name $issuer: $discovery"
grep -qF "\"token_endpoint\":\"$issuer/oauth2/token\"" <<<"$discovery" || fail "token endpoint not under $issuer: $discovery"
log "discovery: issuer $issuer"

# --- 2. A login through nginx ---
login() {   # from-address, password; prints "status body"
  https --interface "$1" -w ' %{http_code}' -u "nginx-check:$client_secret" -d grant_type=password -d username=alice \
    -d password="$2" -d scope=openid "$issuer/oauth2/token"
}
answer=$(login 127.0.0.2 alice-password-1)
[ "${answer##* }" = 200 ] || fail "password grant through nginx: $answer"
access=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' <<<"$answer")
payload=$(cut -d. -f2 <<<"$access" | tr '_-' '/+')
while [ $(( ${#payload} % 4 )) -ne 0 ]; do payload="$payload="; done
grep -qF "\"iss\":\"$issuer\"" <<<"$(base64 -d <<<"$payload" 2>/dev/null)" || fail "the token's iss is not $issuer"
log "login: token issued by $issuer"

# --- 3. The forwarded client address reaches the servers: budgets are per client address ---
for i in 1 2 3 4 5; do
  answer=$(login 127.0.0.2 wrong-password-$i)
  [ "${answer##* }" = 400 ] || fail "wrong password $i from 127.0.0.2: $answer"
done
answer=$(login 127.0.0.2 alice-password-1)
grep -q 'Too many' <<<"$answer" || fail "127.0.0.2 after 5 wrong passwords is not throttled: $answer"
answer=$(login 127.0.0.3 alice-password-1)
[ "${answer##* }" = 200 ] || fail "127.0.0.3 is throttled too: the servers did not see the forwarded address: $answer"
log "forwarded address: 127.0.0.2 throttled after 5 failures, 127.0.0.3 signs in"

# --- 4. Both instances served, http redirects to https, no secret in the logs ---
for _ in 1 2 3 4; do https -o /dev/null "$issuer/oauth2/jwks"; done
grep -q "upstream=127.0.0.1:$port1" "$work/nginx-upstream.log" || fail "instance :$port1 served nothing"
grep -q "upstream=127.0.0.1:$port2" "$work/nginx-upstream.log" || fail "instance :$port2 served nothing"
redirect=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$http_port/.well-known/openid-configuration")
case "$redirect" in "301 https://"*) ;; *) fail "http is not redirected to https: $redirect" ;; esac
for secret in "$admin_password" "$demo_secret" "$client_secret" alice-password-1; do
  if grep -qF -- "$secret" "$work"/instance*.log; then fail "a secret is in an instance's output"; fi
done
log "both instances served; http -> https; no secret in the logs"

# --- 5. The systemd unit parses (every key known), where systemd-analyze exists ---
if command -v systemd-analyze >/dev/null; then
  verdict=$(systemd-analyze verify deploy/identity-server.service 2>&1 || true)
  if grep -qiE 'unknown|ignoring|invalid|failed to parse' <<<"$verdict"; then
    fail "systemd-analyze verify deploy/identity-server.service: $verdict"
  fi
  log "systemd unit: every setting understood"
fi

# --- 6. README's backup command ---
pg_dump --format=custom --schema="$schema" --file="$work/identity.dump" "$libpq_url"
pg_restore --list "$work/identity.dump" >"$work/dump-contents.txt"
grep -q "TABLE DATA $schema signing_keys" "$work/dump-contents.txt" || fail "the dump has no signing_keys data"
log "pg_dump: $(stat -c %s "$work/identity.dump") bytes, signing keys included"
log "OK"
