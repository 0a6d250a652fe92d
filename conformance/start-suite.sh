#!/bin/bash
# Start the conformance suite (Spring Boot jar) on http://127.0.0.1:18842 behind an nginx TLS front on
# https://oidf-suite.test:18843 (suite-host.sh; nginx.conf.template), as the suite is deployed: the front passes the incoming TLS
# protocol and cipher, which the suite checks. The suite's JVM trusts our self-signed certificate (HtmlUnit
# fills our login form over https).
D=$(dirname "$(readlink -f "$0")")
R=${OIDF_WORK:-/tmp/oidf}/run
. "$D/suite-host.sh"; suite_host_cert $R
[ -f $R/tls.key ] || openssl pkcs12 -in $R/tls.p12 -nocerts -nodes -passin pass:changeit -out $R/tls.key 2>/dev/null
chmod 600 $R/tls.key; mkdir -p $R/nginx-tmp
sed "s|@RUN@|$R|g" "$D/nginx.conf.template" > $R/nginx.conf
nginx -c $R/nginx.conf -e $R/nginx-error.log   # daemonizes; its pid goes to $R/nginx.pid
cd ${OIDF_WORK:-/tmp/oidf}/suite
nohup /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Xmx3g \
  -Djdk.tls.maxHandshakeMessageSize=65536 \
  -Djavax.net.ssl.trustStore=$R/trust.p12 -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12 \
  -jar target/fapi-test-suite.jar \
  --server.address=127.0.0.1 --server.port=18842 \
  --fintechlabs.base_url=$SUITE_URL --fintechlabs.base_mtls_url=$SUITE_URL \
  --fintechlabs.devmode=true --fintechlabs.startredir=false \
  --spring.mongodb.uri=mongodb://127.0.0.1:18817/test_suite \
  --openid.mongodb.targetFeatureCompatibilityVersion= \
  > $R/suite.log 2>&1 &
echo $! > $R/suite.pid
