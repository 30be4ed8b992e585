#!/bin/sh
# Install what mamori needs to build and test on Debian 12, only where it is missing.
# Non-interactive and idempotent: a second run installs nothing.
set -eu

# `scripts/deps.sh bench` (make bench-deps): only what bench/server/run.sh needs besides the
# build (a load generator and a static-file server to compare with), so `make test` never
# needs them.
if [ "${1:-}" = bench ]; then
    missing=""
    for p in wrk nginx-light; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing="$missing $p"
        fi
    done
    # any nginx will do (nginx, nginx-full, nginx-light)
    if [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; then
        missing=$(echo "$missing" | sed 's/ nginx-light//')
    fi
    if [ -n "$missing" ]; then
        echo "deps: installing for the benchmarks:$missing"
        SUDO=""
        if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get update -q
        # shellcheck disable=SC2086
        $SUDO apt-get install -y -q --no-install-recommends $missing
    else
        echo "deps: benchmark packages present"
    fi
    exit 0
fi

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev clang-format \
libjansson-dev libcmocka-dev libsodium-dev libsqlite3-dev libpq-dev postgresql libmicrohttpd-dev libcurl4-openssl-dev curl ca-certificates time python3 python3-cryptography openssl \
libsystemd-dev scdoc debhelper dpkg-dev lintian man-db zsh systemd \
sqlite3 \
chromium"
# a Japanese (CJK) font, so that the browser tests' screenshots of Japanese pages show text,
# not empty boxes (docs/dashboard.md "Fonts")
PKGS="$PKGS fonts-noto-cjk"
# Graphviz's libraries: the alliance map's layout and SVG (src/supply/map.c)
PKGS="$PKGS libgraphviz-dev"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
# chromium (/usr/bin/chromium) is the browser of the dashboard's end-to-end tests
# (tests/web/), driven by playwright-core from npm; no browser is ever downloaded.
# Node.js and npm run the independent OSCAL validator (ajv) and those tests. A machine
# may already have a newer Node.js outside Debian's packages; use it when present.
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
