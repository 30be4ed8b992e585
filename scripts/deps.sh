#!/bin/sh
# Install what mamori needs to build and test on Debian 12, only where it is missing.
# Non-interactive and idempotent: a second run installs nothing.
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev clang-format \
libjansson-dev libcmocka-dev libsodium-dev libsqlite3-dev libmicrohttpd-dev libcurl4-openssl-dev curl ca-certificates time python3 python3-cryptography openssl"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
# Node.js and npm run the independent OSCAL validator (ajv). A machine may already have
# a newer Node.js outside Debian's packages; use it when present.
if ! command -v node >/dev/null 2>&1; then missing="$missing nodejs"; fi
if ! command -v npm >/dev/null 2>&1; then missing="$missing npm"; fi

if [ -n "$missing" ]; then
    echo "deps: installing:$missing"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $missing
else
    echo "deps: all Debian packages present"
fi
