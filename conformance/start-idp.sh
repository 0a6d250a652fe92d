#!/bin/bash
# Start the provider under test on https://localhost:18844 (TLS from tls.p12), fresh H2 DB each time, with an
# import file of this directory (default idp-setup.json; idp-setup-backchannel.json adds the clients'
# back-channel logout URIs, for the back-channel plan only) and open dynamic registration.
# Usage: start-idp.sh [IMPORT_FILE_NAME]
# IDENTITY_OUTBOUND_ALLOW_PRIVATE_ADDRESSES: the suite is on 127.0.0.1 (suite-host.sh), which the outbound-request guard (SSRF)
# refuses by default where it exists; an environment variable, because one the server does not know is ignored.
# --implicit-hybrid-flows true: the Dynamic OP plan's clients register and use id_token and id_token token (OIDC Core
# §15.2) and discovery must list the implicit grant; the server's default is off (RFC 9700 §2.1.2).
# IDENTITY_REGISTRATION_LIMIT_ADDRESS: the suite registers a client or two per module, all from 127.0.0.1, far past
# the default 20 registrations per hour from one network (the rest were 429 temporarily_unavailable).
# Its JVM trusts the suite's certificate, for back-channel logout, jwks_uri and sector_identifier_uri fetches.
D=$(dirname "$(readlink -f "$0")")
P=${PROJECT:-$(dirname "$D")}; R=${OIDF_WORK:-/tmp/oidf}/run; cd $R; rm -rf idp-data
cp "$D/${1:-idp-setup.json}" $R/idp-setup.json
IDENTITY_OUTBOUND_ALLOW_PRIVATE_ADDRESSES=true IDENTITY_REGISTRATION_LIMIT_ADDRESS=1000 nohup java -Djavax.net.ssl.trustStore=$R/trust.p12 -Djavax.net.ssl.trustStorePassword=changeit \
  -Djavax.net.ssl.trustStoreType=PKCS12 -jar $P/identity-jersey-server/target/identity-server.jar \
  --host 127.0.0.1 --port 18844 --issuer https://localhost:18844 --data-dir $R/idp-data \
  --tls-keystore $R/tls.p12 --tls-keystore-password changeit \
  --import $R/idp-setup.json --bootstrap false --registration-mode open --implicit-hybrid-flows true --admin-audience oidf-admin-cli > $R/idp.log 2>&1 &
echo $! > $R/idp.pid
