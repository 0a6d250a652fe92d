#!/bin/bash
# Sourced by the other scripts: the suite's host name, SUITE_HOST (oidf-suite.test, RFC 2606 §2 reserves
# .test), on 127.0.0.1 through /etc/hosts. Not localhost: OIDC Registration §2 forbids localhost redirect URIs to
# a web client using the implicit grant, and the server refuses them, so the Implicit, Hybrid and Dynamic OP plans'
# clients (whose redirect URIs are the suite's) need a real name. Not a *.localhost name either (RFC 6761 §6.3:
# the server reads it as localhost). Idempotent: adds the /etc/hosts line and re-issues the self-signed
# certificate (SAN localhost, SUITE_HOST, 127.0.0.1; the provider's JVM and the suite's HtmlUnit check host names)
# only when missing.
SUITE_HOST=oidf-suite.test   # also in idp-setup*.json (redirect URIs) and nginx.conf.template
SUITE_URL=https://$SUITE_HOST:18843
grep -Eq "^127\.0\.0\.1[[:space:]]+([^#]*[[:space:]])?$SUITE_HOST([[:space:]]|\$)" /etc/hosts \
  || echo "127.0.0.1 $SUITE_HOST" >> /etc/hosts
suite_host_cert() {   # $1: the run directory holding tls.p12, tls.crt, trust.p12 (setup.sh made them)
  local R=$1
  openssl x509 -in $R/tls.crt -noout -ext subjectAltName 2>/dev/null | grep -q "DNS:$SUITE_HOST\b" && return 0
  ( cd $R && rm -f tls.p12 trust.p12 tls.crt tls.key &&
    keytool -genkeypair -alias localhost -keyalg RSA -keysize 2048 -validity 30 -dname CN=localhost \
      -ext SAN=dns:localhost,dns:$SUITE_HOST,ip:127.0.0.1 -storetype PKCS12 -keystore tls.p12 -storepass changeit -keypass changeit &&
    keytool -exportcert -alias localhost -keystore tls.p12 -storepass changeit -rfc -file tls.crt &&
    keytool -importcert -noprompt -alias localhost -file tls.crt -keystore trust.p12 -storetype PKCS12 -storepass changeit ) \
    > $R/tls-reissue.log 2>&1 && echo "re-issued $R/tls.crt with SAN $SUITE_HOST"
}
