#!/usr/bin/env bash
# Test/demo PKI for the Mosquitto TLS listener: a CA, a server certificate for localhost/127.0.0.1 (plus any names
# given as further arguments), and one client certificate. Production uses the operator's own CA.
# Usage: make-certs.sh OUTPUT_DIR [extra-dns-name...]
set -euo pipefail
out="${1:?usage: make-certs.sh OUTPUT_DIR [dns-name...]}"
shift
mkdir -p "$out"
cd "$out"
days=825
san="DNS:localhost,IP:127.0.0.1"
for name in "$@"; do san="$san,DNS:$name"; done

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.crt \
  -subj "/CN=iot-audio test CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

openssl req -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -sha256 -out server.crt \
  -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "$san") 2>/dev/null

openssl req -newkey rsa:2048 -nodes -sha256 -keyout client.key -out client.csr -subj "/CN=iot-client" 2>/dev/null
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -sha256 -out client.crt \
  -extfile <(printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n') 2>/dev/null

rm -f server.csr client.csr ca.srl
chmod 600 ca.key server.key client.key
echo "certificates in $out: ca.crt server.crt/server.key client.crt/client.key (SAN $san)"
