#!/usr/bin/env bash
# Certificates for the test broker's SSL and SASL_SSL listeners, made with openssl and keytool.
#
#   bash scripts/kafka/certs.sh DIR PASSWORD
#
# Makes (once: an existing complete set that is valid for another 30 days is kept):
#   ca.pem ca.key                       the test CA the broker's certificate is signed by
#   broker.p12                          the broker's key store (PKCS12; SAN IP:127.0.0.1, DNS:localhost)
#   client.pem client.key               a client certificate (for mutual TLS) and its PKCS#8 key
#   client-encrypted.key                the same key, encrypted with PASSWORD (ssl.key.password)
#   client.p12                          client key store (PKCS12, PASSWORD)
#   truststore.p12                      trust store holding only the CA (keytool, PKCS12, PASSWORD)
#   truststore.jks                      the same as JKS (which Sluice refuses)
#   untrusted-ca.pem                    a CA nobody trusts (negative tests)
#   untrusted-client.pem/.key           a client certificate signed by the untrusted CA
set -euo pipefail

DIR=$1
PASS=$2
DAYS=3650

complete() {
  local f
  for f in ca.pem ca.key broker.p12 client.pem client.key client-encrypted.key client.p12 truststore.p12 \
    truststore.jks untrusted-ca.pem untrusted-client.pem untrusted-client.key; do
    [[ -s "$DIR/$f" ]] || return 1
  done
  openssl x509 -checkend $((30 * 86400)) -noout -in "$DIR/ca.pem" >/dev/null 2>&1 || return 1
  openssl x509 -checkend $((30 * 86400)) -noout -in "$DIR/client.pem" >/dev/null 2>&1 || return 1
}

complete && exit 0

command -v openssl >/dev/null || { echo "openssl not found (needed for the broker's certificates)" >&2; exit 1; }
command -v keytool >/dev/null || { echo "keytool not found (needed for the broker's certificates)" >&2; exit 1; }

TMP="$(mktemp -d "${DIR%/}.tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"

# ca NAME SUBJECT: a self-signed CA.
ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" -days "$DAYS" -subj "$2" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# leaf NAME CA SUBJECT EXTFILE: a key and a certificate signed by CA.
leaf() {
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$3" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days "$DAYS" \
    -extfile "$4" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr"
}

cat >server.ext <<'EOF'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EOF
cat >client.ext <<'EOF'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
EOF

ca ca '/CN=Sluice Test CA'
ca untrusted-ca '/CN=Sluice Untrusted CA'
leaf broker ca '/CN=localhost' server.ext
leaf client ca '/CN=sluice-client' client.ext
leaf untrusted-client untrusted-ca '/CN=sluice-untrusted-client' client.ext

openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem -name broker \
  -passout "pass:$PASS" -out broker.p12
openssl pkcs12 -export -in client.pem -inkey client.key -certfile ca.pem -name client \
  -passout "pass:$PASS" -out client.p12
openssl pkcs8 -topk8 -in client.key -v2 aes-256-cbc -passout "pass:$PASS" -out client-encrypted.key
# truststore NAME TYPE: a key store holding only the CA, as keytool makes it.
truststore() {
  keytool -importcert -noprompt -alias ca -file ca.pem -keystore "$1" -storetype "$2" -storepass "$PASS" \
    >keytool.log 2>&1 || { cat keytool.log >&2; exit 1; }
}
truststore truststore.p12 PKCS12
truststore truststore.jks JKS

rm -f ./*.ext ./*.srl keytool.log broker.key broker.pem untrusted-ca.key
chmod 600 ./*.key ./*.p12 ./*.jks
mkdir -p "$DIR"
mv -f ./* "$DIR"/
