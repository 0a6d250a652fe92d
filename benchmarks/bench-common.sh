# Shared by compare-keycloak.sh, login-storm.sh, builds-ab.sh, memory-footprint.sh and startup-restarts.sh (sourced,
# not run): the benchmark's client and user, the options every run of this server gets, and small helpers.
# Argon2id at Keycloak's default cost (m = 7168 KiB, t = 5) so that both servers hash alike; login limits out of the
# way, since a benchmark logs in one user from one address thousands of times.
secret="bench-secret-0123456789-0123456789-abcdef"
user_password="bench-user-password-1"
basic="Basic $(printf 'bench:%s' "$secret" | base64 -w0)"
bench_options=(--password-hash-memory-kib 7168 --password-hash-iterations 5
  --login-limit-account-address 1000000000 --login-limit-address 1000000000 --login-limit-account 1000000000)

# Writes the import file of the benchmark's user and client to $1.
write_bench_import() {
  cat >"$1" <<JSON
{ "users": [ { "username": "bench-user", "password": "$user_password", "roles": ["user"],
               "profile": { "name": "Bench User", "email": "bench@example.com", "emailVerified": true } } ],
  "clients": [ { "clientId": "bench", "secret": "$secret",
                 "grantTypes": ["password", "refresh_token", "client_credentials"],
                 "scopes": ["openid", "profile", "email"], "accessTokenTtl": "1h", "refreshPolicy": { "type": "bound" } } ] }
JSON
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# User + system CPU time of process $1 so far, in clock ticks of 10 ms (USER_HZ 100).
process_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# An awk function, ms(v): one of wrk's latency fields (850.00us, 12.34ms, 1.20s, 2.00m) in milliseconds. Put it in
# front of an awk program: awk "$wrk_ms_awk"' $1 == "99%" { print ms($2) }'.
wrk_ms_awk='function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; return v * 1000 }'
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
