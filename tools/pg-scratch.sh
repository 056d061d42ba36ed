#!/usr/bin/env bash
# pg-scratch.sh - a throwaway PostgreSQL 15 + PostGIS cluster for tests and the bench.
#
#   eval "$(tools/pg-scratch.sh start [DIR])"   # prints export lines (see below)
#   tools/pg-scratch.sh stop DIR                 # stops it and deletes DIR
#   tools/pg-scratch.sh status DIR
#
# start: initdb in DIR (default: a new mktemp dir), listen on 127.0.0.1 only (a
# free port) plus a Unix socket inside DIR, trust authentication (the cluster is
# private to this machine and lives minutes), create database "parkgis" with the
# postgis extension. It prints, for eval:
#   export PG_SCRATCH_DIR=... PGHOST=127.0.0.1 PGPORT=... PGUSER=parkgis PGDATABASE=parkgis
#   export PG_SCRATCH_CONN='PG:host=127.0.0.1 port=... dbname=parkgis user=parkgis'
# PostgreSQL refuses to run as root, so as root the server runs as the
# "postgres" system user (made by Debian's postgresql package), as anyone else
# it runs as the caller.
#
# Exit codes: 0 ok; 77 PostgreSQL 15 or PostGIS is not installed (callers treat
# that as "skip": tools/install-deps.sh installs postgresql-15-postgis-3);
# 1 anything else (the server log is printed).
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}

die() { echo "pg-scratch: $*" >&2; exit 1; }

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

have_postgis() {
    [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] && [ -x "$PGBIN/postgres" ] || return 1
    ls /usr/share/postgresql/15/extension/postgis.control >/dev/null 2>&1 || return 1
    if [ "$(id -u)" = 0 ]; then id postgres >/dev/null 2>&1 || return 1; fi
    return 0
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "$cmd" in
start)
    if ! have_postgis; then
        echo "pg-scratch: SKIPPED: PostgreSQL 15 server or PostGIS 3 not installed ($PGBIN/initdb, postgis.control); run tools/install-deps.sh" >&2
        exit 77
    fi
    if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/pg-scratch.XXXXXX); fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ -e "$dir/data/PG_VERSION" ] && die "$dir already holds a cluster (stop it first)"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    as_owner "$PGBIN/initdb" -D "$dir/data" -U parkgis -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed in $dir"; }
    started=0
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        port_free "$port" || continue
        # small buffers and mmap shared memory: containers often have a tiny /dev/shm
        if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c shared_buffers=32MB \
-c dynamic_shared_memory_type=mmap -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null 2>&1; then
            started=1
            break
        fi
        grep -q "could not bind\|already in use" "$dir/server.log" 2>/dev/null || break
    done
    if [ "$started" != 1 ]; then
        cat "$dir/server.log" >&2 2>/dev/null || true
        die "could not start PostgreSQL in $dir"
    fi
    echo "$port" >"$dir/port"
    psql=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U parkgis)
    "${psql[@]}" -d postgres -c "CREATE DATABASE parkgis" >/dev/null ||
        { as_owner "$PGBIN/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true; die "CREATE DATABASE failed"; }
    "${psql[@]}" -d parkgis -c "CREATE EXTENSION postgis" >/dev/null ||
        { as_owner "$PGBIN/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true; die "CREATE EXTENSION postgis failed"; }
    echo "export PG_SCRATCH_DIR='$dir' PGHOST=127.0.0.1 PGPORT=$port PGUSER=parkgis PGDATABASE=parkgis"
    echo "export PG_SCRATCH_CONN='PG:host=127.0.0.1 port=$port dbname=parkgis user=parkgis'"
    ;;
stop)
    [ -n "$dir" ] || die "usage: pg-scratch.sh stop DIR"
    [ -d "$dir" ] || exit 0
    # only ever delete a directory this script made (it holds our marker files)
    [ -e "$dir/initdb.log" ] || die "$dir does not look like a pg-scratch cluster; not touching it"
    if [ -e "$dir/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" stop -m fast -w -t 30 >/dev/null 2>&1 ||
            as_owner "$PGBIN/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
status)
    [ -n "$dir" ] || die "usage: pg-scratch.sh status DIR"
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" status
    ;;
*)
    sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
    [ "$cmd" = "-h" ] || [ "$cmd" = "--help" ] || exit 2
    ;;
esac
