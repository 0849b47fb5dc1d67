#!/usr/bin/env bash
# Makes a small PKI, with openssl alone, for a TLS Mosquitto that requires client certificates: a CA and
# its CRL, the broker's server cert, the hub's client cert (CN=hub) and one client cert per device (CN=id).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/make-test-pki.sh [options] OUT_DIR [DEVICE_ID...]

Makes, with openssl only, a PKI for config/mosquitto/ (see docs/broker-tls-acl.md):

  OUT_DIR/ca.crt, ca.key            a new certificate authority (EC P-256)
  OUT_DIR/crl.pem                   its revocation list (Mosquitto's crlfile), empty until --revoke
  OUT_DIR/server.crt, server.key    the broker's cert: SAN IP:127.0.0.1, DNS:localhost (+ --server-name)
  OUT_DIR/hub.crt, hub.key          the hub's client cert, CN=hub (--hub-cn)
  OUT_DIR/devices/ID.crt, ID.key    a client cert per DEVICE_ID: CN=ID and SAN DNS:ID

Private keys are written mode 0600, certificates 0644. The CN is the identity Mosquitto uses
(use_identity_as_username), so it must be the device id the agent is configured with.

Options:
  --reuse-ca          issue from the CA already in OUT_DIR: makes only the certs that are missing
                      (server, hub, each DEVICE_ID), keeps every existing one, and rewrites crl.pem;
                      with no DEVICE_ID it just refreshes the CRL before it expires
  --force             replace an existing CA in OUT_DIR (every cert it issued stops working)
  --reissue ID        a new key and cert for device ID (repeatable; implies --reuse-ca); the old
                      cert moves to OUT_DIR/retired/ID-SERIAL.crt, to be revoked once replaced
  --reissue-server, --reissue-hub
                      the same for the broker's or the hub's cert
  --revoke CERT_FILE  revoke that certificate (repeatable; implies --reuse-ca) and rewrite crl.pem;
                      copy crl.pem to the broker and reload it (SIGHUP) to apply
  --server-name NAME  another DNS name or IP address for the server cert (repeatable)
  --hub-cn NAME       the hub identity's CN (default: hub); must match the ACL file's `user` line
  --days N            validity of server, hub and device certs in days (default: 825)
  --crl-days N        days until the CRL's nextUpdate (default: 365); once passed, the broker
                      refuses every client until the CRL is rewritten
  -h, --help          show this help

Without --reuse-ca or --force it refuses to touch an OUT_DIR that already holds a CA: running it
twice never silently replaces the keys a broker and its fleet trust.

Examples:
  scripts/make-test-pki.sh pki ugv-01 ugv-02          # new CA, server, hub, two devices
  scripts/make-test-pki.sh --reuse-ca pki uav-07      # add a device later
  scripts/make-test-pki.sh --reissue ugv-01 pki       # rotate ugv-01's cert; once it is installed:
  scripts/make-test-pki.sh --revoke pki/retired/ugv-01-*.crt pki
EOF
}

die() {
  echo "make-test-pki: $*" >&2
  exit 1
}

# Device ids become MQTT topic levels and ACL usernames: the same rule as config/common.ts idSchema.
ID_RE='^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'

out=''
reuse=0
force=0
days=825
crl_days=365
hub_cn='hub'
revoke=()
reissue=()
server_names=()
devices=()
positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --reuse-ca) reuse=1 ;;
    --force) force=1 ;;
    --revoke) [ $# -ge 2 ] || die "--revoke needs a certificate file"; revoke+=("$2"); reuse=1; shift ;;
    --reissue) [ $# -ge 2 ] || die "--reissue needs a device id"; reissue+=("devices/$2"); devices+=("$2"); reuse=1; shift ;;
    --reissue-server) reissue+=(server); reuse=1 ;;
    --reissue-hub) reissue+=(hub); reuse=1 ;;
    --server-name) [ $# -ge 2 ] || die "--server-name needs a DNS name or IP address"; server_names+=("$2"); shift ;;
    --hub-cn) [ $# -ge 2 ] || die "--hub-cn needs a name"; hub_cn="$2"; shift ;;
    --days) [ $# -ge 2 ] || die "--days needs a number"; days="$2"; shift ;;
    --crl-days) [ $# -ge 2 ] || die "--crl-days needs a number"; crl_days="$2"; shift ;;
    --) shift; break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) positional+=("$1") ;;
  esac
  shift
done
positional+=("$@")
[ "${#positional[@]}" -gt 0 ] || { usage >&2; exit 2; }
out="${positional[0]}"
devices+=("${positional[@]:1}")

command -v openssl >/dev/null || die "openssl not found on PATH"
[ "$force" = 0 ] || [ "$reuse" = 0 ] || die "--force replaces the CA: it cannot go with --reuse-ca, --reissue* or --revoke"
# Each device once, in the order given (--reissue ID and ID both name it).
unique=()
for id in "${devices[@]}"; do [[ " ${unique[*]} " == *" $id "* ]] || unique+=("$id"); done
devices=("${unique[@]}")
[[ "$days" =~ ^[1-9][0-9]*$ ]] || die "--days: expected a positive number of days, got \"$days\""
[[ "$crl_days" =~ ^[1-9][0-9]*$ ]] || die "--crl-days: expected a positive number of days, got \"$crl_days\""
[[ "$hub_cn" =~ $ID_RE ]] || die "--hub-cn: expected 1-64 letters, digits, \".\", \"_\" or \"-\", got \"$hub_cn\""
for id in "${devices[@]}"; do
  [[ "$id" =~ $ID_RE ]] || die "device id \"$id\": expected 1-64 letters, digits, \".\", \"_\" or \"-\" (it becomes an MQTT topic level)"
  [ "$id" != "$hub_cn" ] || die "device id \"$id\" is the hub's identity: a device with that CN would get the hub's ACL rights"
done
for name in "${server_names[@]}"; do
  [[ "$name" =~ ^[A-Za-z0-9.:-]+$ ]] || die "--server-name: expected a DNS name or an IP address, got \"$name\""
done
for f in "${revoke[@]}"; do
  [ -f "$f" ] || die "--revoke: no certificate file $f"
done

[ "$reuse" = 0 ] || [ -d "$out" ] || die "$out does not exist: there is no CA to reuse (run without --reuse-ca, --reissue* and --revoke to make one)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
db="$out/ca"

# Everything this script writes, so --force removes its own files and nothing else in OUT_DIR.
if [ -e "$out/ca.key" ] || [ -e "$out/ca.crt" ]; then
  if [ "$reuse" = 0 ]; then
    [ "$force" = 1 ] || die "$out already holds a CA (ca.crt/ca.key): use --reuse-ca to issue more certs from it, or --force to replace it (every cert it issued stops working)"
    rm -rf "$out/ca.crt" "$out/ca.key" "$out/crl.pem" "$db" "$out/server.crt" "$out/server.key" \
      "$out/hub.crt" "$out/hub.key" "$out/devices" "$out/retired"
  fi
elif [ "$reuse" = 1 ]; then
  die "$out holds no CA (ca.crt/ca.key) to reuse: run without --reuse-ca, --reissue* and --revoke to make one"
fi

umask 077
mkdir -p "$db" "$out/devices"
tmp="$(mktemp -d "$db/tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# A minimal openssl config, so the system's openssl.cnf adds no extensions of its own.
cat >"$tmp/req.cnf" <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
EOF

new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  chmod 0600 "$1"
}

serial() {
  echo "0x$(openssl rand -hex 16)"
}

if [ ! -e "$out/ca.crt" ]; then
  new_key "$out/ca.key"
  cat "$tmp/req.cnf" - >"$tmp/ca.cnf" <<'EOF'
[ ca_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
  openssl req -new -x509 -config "$tmp/ca.cnf" -extensions ca_ext -key "$out/ca.key" -sha256 -days 3650 \
    -subj "/O=fieldproof test/CN=fieldproof test CA $(openssl rand -hex 4)" -set_serial "$(serial)" \
    -out "$out/ca.crt" 2>"$tmp/err" || die "cannot make the CA: $(cat "$tmp/err")"
  chmod 0644 "$out/ca.crt"
  echo "made CA $out/ca.crt"
fi

# The CA database openssl ca keeps for revocations (certs are issued with openssl x509, not listed here).
[ -e "$db/index.txt" ] || : >"$db/index.txt"
[ -e "$db/index.txt.attr" ] || echo 'unique_subject = no' >"$db/index.txt.attr"
[ -e "$db/crlnumber" ] || echo 1000 >"$db/crlnumber"
cat >"$db/openssl.cnf" <<EOF
# openssl ca settings for revoking certificates and writing crl.pem; made by scripts/make-test-pki.sh.
[ ca ]
default_ca = fieldproof_ca
[ fieldproof_ca ]
database = $db/index.txt
crlnumber = $db/crlnumber
certificate = $out/ca.crt
private_key = $out/ca.key
default_md = sha256
default_crl_days = $crl_days
crl_extensions = crl_ext
[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF

# issue NAME CN PURPOSE SAN: OUT_DIR/NAME.key and NAME.crt signed by the CA. An existing pair is kept
# unless NAME is to be re-issued (--reissue*), which moves the old cert to retired/ first.
issue() {
  local name="$1" cn="$2" purpose="$3" san="$4"
  local base="$out/$name"
  if [ -e "$base.crt" ]; then
    if [[ " ${reissue[*]} " != *" $name "* ]]; then
      echo "kept $base.crt (exists)"
      return
    fi
    mkdir -p "$out/retired"
    local old_serial
    old_serial="$(openssl x509 -in "$base.crt" -noout -serial | sed 's/^serial=//')"
    mv "$base.crt" "$out/retired/$(basename "$base")-$old_serial.crt"
    rm -f "$base.key"
  fi
  new_key "$base.key"
  cat >"$tmp/leaf.ext" <<EOF
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = $purpose
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  openssl req -new -config "$tmp/req.cnf" -key "$base.key" -subj "/O=fieldproof test/CN=$cn" -out "$tmp/leaf.csr" 2>"$tmp/err" \
    || die "cannot make the request for $cn: $(cat "$tmp/err")"
  openssl x509 -req -in "$tmp/leaf.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -set_serial "$(serial)" \
    -days "$days" -sha256 -extfile "$tmp/leaf.ext" -extensions leaf -out "$base.crt" 2>"$tmp/err" \
    || die "cannot sign the cert for $cn: $(cat "$tmp/err")"
  chmod 0644 "$base.crt"
  echo "made $base.crt (CN=$cn)"
}

server_san='IP:127.0.0.1, DNS:localhost'
for name in "${server_names[@]}"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then server_san+=", IP:$name"; else server_san+=", DNS:$name"; fi
done
issue server "${server_names[0]:-localhost}" serverAuth "$server_san"
issue hub "$hub_cn" clientAuth "DNS:$hub_cn"
for id in "${devices[@]}"; do
  issue "devices/$id" "$id" clientAuth "DNS:$id"
done

for f in "${revoke[@]}"; do
  issuer="$(openssl x509 -in "$f" -noout -issuer 2>/dev/null)" || die "--revoke: $f is not a PEM certificate"
  [ "${issuer#issuer=}" = "$(openssl x509 -in "$out/ca.crt" -noout -subject | sed 's/^subject=//')" ] \
    || die "--revoke: $f was not issued by the CA in $out"
  if ! openssl ca -config "$db/openssl.cnf" -revoke "$f" -batch 2>"$tmp/err"; then
    grep -q 'Already revoked' "$tmp/err" || die "cannot revoke $f: $(cat "$tmp/err")"
  fi
  echo "revoked $f (serial $(openssl x509 -in "$f" -noout -serial | sed 's/^serial=//'))"
done

openssl ca -config "$db/openssl.cnf" -gencrl -crldays "$crl_days" -out "$out/crl.pem" -batch 2>"$tmp/err" \
  || die "cannot write the CRL: $(cat "$tmp/err")"
chmod 0644 "$out/crl.pem"
echo "wrote $out/crl.pem (next update in $crl_days days)"
