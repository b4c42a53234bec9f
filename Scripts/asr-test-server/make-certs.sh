#!/usr/bin/env bash
# Generates the TLS material of the ASR test server with the openssl CLI, under
# <repo>/.data/asr-test-server/tls (never committed; private keys stay mode 600):
#   ca.pem                 test CA the client is told to trust (ca.key signs)
#   server.pem/.key        for 127.0.0.1: subjectAltName IP:127.0.0.1, DNS:localhost
#   other-name.pem/.key    signed by the test CA for DNS:asr.parley.invalid only (name mismatch)
#   rogue-ca.pem           a CA nobody trusts; rogue.pem/.key: 127.0.0.1's names, signed by it
# Idempotent: keeps existing files while every certificate is valid for 30 more days.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dir="${PARLEY_ASR_TLS:-$repo/.data/asr-test-server/tls}"
certs=(ca server other-name rogue-ca rogue)

fresh=1
for name in "${certs[@]}"; do
  if [[ ! -f "$dir/$name.pem" || ! -f "$dir/$name.key" ]] \
     || ! openssl x509 -in "$dir/$name.pem" -noout -checkend $((30 * 86400)) >/dev/null 2>&1; then
    fresh=0
  fi
done
if [[ $fresh == 1 ]]; then
  echo "asr-test-server: TLS certificates up to date ($dir)"
  exit 0
fi

umask 077
mkdir -p "$dir"
work="$(mktemp -d "$dir/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# make_ca NAME SUBJECT
make_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -keyout "$work/$1.key" -out "$work/$1.pem" -subj "$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# make_leaf NAME CA SUBJECT_ALT_NAMES
make_leaf() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$work/$1.key" -out "$work/$1.csr" -subj "/CN=parley-asr-test" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' "$3" \
    > "$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$work/$2.pem" -CAkey "$work/$2.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 825 -extfile "$work/$1.ext" -out "$work/$1.pem" 2>/dev/null
}

make_ca ca "/CN=Parley ASR Test CA"
make_ca rogue-ca "/CN=Parley Untrusted Test CA"
make_leaf server ca "IP:127.0.0.1,DNS:localhost"
make_leaf other-name ca "DNS:asr.parley.invalid"
make_leaf rogue rogue-ca "IP:127.0.0.1,DNS:localhost"
openssl verify -CAfile "$work/ca.pem" "$work/server.pem" "$work/other-name.pem" >/dev/null
for name in "${certs[@]}"; do
  mv -f "$work/$name.pem" "$work/$name.key" "$dir/"
done
chmod 644 "$dir"/*.pem
echo "asr-test-server: TLS certificates generated ($dir)"
