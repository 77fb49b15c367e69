#!/usr/bin/env bash
# Makes a throw-away CA plus server and client certificates for the test engine's TLS API.
# Usage: certs.sh DIR   (idempotent: keeps existing, still-valid certificates)
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
if [ -s ca.pem ] && [ -s cert.pem ] && [ -s server-cert.pem ] &&
  openssl x509 -checkend 86400 -noout -in server-cert.pem >/dev/null 2>&1; then
  exit 0
fi
umask 077
openssl genrsa -out ca-key.pem 2048 2>/dev/null
openssl req -x509 -new -key ca-key.pem -sha256 -days 30 -subj "/CN=atq-test-ca" -out ca.pem
openssl genrsa -out server-key.pem 2048 2>/dev/null
openssl req -new -key server-key.pem -subj "/CN=localhost" -out server.csr
# The dind manager is reached through a published port on 127.0.0.1 too, so one server cert serves both.
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 -sha256 \
  -extfile server.ext -out server-cert.pem 2>/dev/null
openssl genrsa -out key.pem 2048 2>/dev/null
openssl req -new -key key.pem -subj "/CN=atq-test-client" -out client.csr
printf 'extendedKeyUsage=clientAuth\n' >client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 -sha256 \
  -extfile client.ext -out cert.pem 2>/dev/null
rm -f server.csr client.csr server.ext client.ext ca.srl
chmod 0644 ca.pem cert.pem server-cert.pem
