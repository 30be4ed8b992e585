#!/bin/sh
# A throwaway PostgreSQL cluster for the tests (Debian's postgresql package).
#
#   scripts/pg-test.sh start STATE   initdb a cluster in a fresh /tmp directory, start it on a
#                                    free loopback port, create the database mamori_test; write
#                                    the URL to STATE/url and print it
#   scripts/pg-test.sh stop STATE    stop the cluster (pg_ctl stop -m fast), remove it and STATE
#   scripts/pg-test.sh run STATE VAR CMD...
#                                    run CMD with VAR set to the URL in STATE/url; fails with
#                                    a clear message when there is none (the start failed)
#   scripts/pg-test.sh newdb URL|URLFILE NAME
#                                    (re)create the empty database NAME on the cluster of URL
#                                    (a postgresql:// URL, or a file holding one, e.g. STATE/url)
#                                    and print its URL: each shell test's run on PostgreSQL
#                                    gets fresh databases of its own
#
# STATE is a directory of the caller's (e.g. in the build tree) that records where the cluster
# is. As root, the cluster belongs to the postgres system user (initdb refuses root). The role
# mamori_test (superuser of the throwaway cluster) connects over TCP on 127.0.0.1 with trust
# authentication; nothing listens elsewhere. Never skips: any failure is an error.
set -eu

die() {
    echo "pg-test: $*" >&2
    exit 1
}

bindir() {
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return 0
        fi
    done
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    die "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin:" \
        "install Debian's postgresql package (scripts/deps.sh does)"
}

# runs "$@" as the cluster's owner
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

stop() {
    state=$1
    [ -f "$state/cluster" ] || {
        forget "$state"
        return 0
    }
    cluster=$(cat "$state/cluster")
    case "$cluster" in
    /tmp/mamori-pg.*) ;;
    *) die "$state/cluster does not name a test cluster: $cluster" ;;
    esac
    if [ -f "$cluster/data/postmaster.pid" ]; then
        as_owner "$(bindir)/pg_ctl" stop -D "$cluster/data" -m fast -w >/dev/null 2>&1 ||
            as_owner "$(bindir)/pg_ctl" stop -D "$cluster/data" -m immediate -w >/dev/null 2>&1 ||
            true
    fi
    rm -rf "$cluster"
    forget "$state"
}

forget() {
    rm -f "$1/url" "$1/cluster" "$1/initdb.log"
    rmdir "$1" 2>/dev/null || true
}

start() {
    state=$1
    mkdir -p "$state"
    stop "$state" # a cluster left by an interrupted run
    mkdir -p "$state"
    bin=$(bindir)
    cluster=$(mktemp -d /tmp/mamori-pg.XXXXXX)
    echo "$cluster" >"$state/cluster"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root but there is no postgres user"
        chown postgres "$cluster"
    fi
    chmod 700 "$cluster"
    port=$(free_port)
    log="$cluster/log"
    if ! as_owner "$bin/initdb" -D "$cluster/data" -U mamori_test --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$state/initdb.log" 2>&1; then
        cat "$state/initdb.log" >&2
        die "initdb failed"
    fi
    # loopback TCP only; the unix socket in the cluster's own directory
    cat >>"$cluster/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$cluster'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
    cat >"$cluster/data/pg_hba.conf" <<EOF
local all mamori_test trust
host all mamori_test 127.0.0.1/32 trust
EOF
    if ! as_owner "$bin/pg_ctl" start -D "$cluster/data" -l "$log" -w -t 60 >/dev/null 2>&1; then
        cat "$log" >&2 2>/dev/null || true
        die "pg_ctl start failed (port $port)"
    fi
    if ! as_owner "$bin/createdb" -h "$cluster" -p "$port" -U mamori_test mamori_test; then
        die "createdb mamori_test failed"
    fi
    url="postgresql://mamori_test@127.0.0.1:$port/mamori_test"
    echo "$url" >"$state/url"
    echo "$url"
}

run() {
    state=$1
    var=$2
    shift 2
    [ -s "$state/url" ] ||
        die "no PostgreSQL test cluster ($state/url is missing): the fixture that starts it" \
            "(scripts/pg-test.sh start) failed; see its output"
    url=$(cat "$state/url")
    export "$var=$url"
    exec "$@"
}

newdb() {
    url=$1
    name=$2
    case "$url" in
    *://*) ;;
    *)
        [ -s "$url" ] || die "newdb: no URL in $url (did the cluster start?)"
        url=$(cat "$url")
        ;;
    esac
    case "$name" in
    *[!a-z0-9_]* | "") die "newdb: NAME must be [a-z0-9_]+: $name" ;;
    esac
    case "$url" in
    postgresql://*/* | postgres://*/*) ;;
    *) die "newdb: not a postgresql:// URL with a database: $url" ;;
    esac
    PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$url" \
        -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" -c "CREATE DATABASE \"$name\"" \
        >/dev/null || die "newdb: could not create $name"
    # the same server and options, another database
    base=${url%%\?*}
    query=${url#"$base"}
    echo "${base%/*}/$name$query"
}

case "${1:-}" in
start)
    [ $# -eq 2 ] || die "usage: pg-test.sh start STATE"
    start "$2"
    ;;
stop)
    [ $# -eq 2 ] || die "usage: pg-test.sh stop STATE"
    stop "$2"
    ;;
run)
    [ $# -ge 4 ] || die "usage: pg-test.sh run STATE VAR CMD..."
    shift
    run "$@"
    ;;
newdb)
    [ $# -eq 3 ] || die "usage: pg-test.sh newdb URL|URLFILE NAME"
    newdb "$2" "$3"
    ;;
*) die "usage: pg-test.sh start|stop|run STATE ... | newdb URL NAME" ;;
esac
