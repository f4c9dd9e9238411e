#!/usr/bin/env bash
# A throwaway MariaDB server with the server_audit plugin for the end-to-end test
# (tests/it/mariadb_e2e.rs), which writes the scenario and calls:
#
#   run.sh LAB PORT WORK OUT
#
# LAB   a directory that must not exist yet: the server lives there and is removed on exit,
#       whatever happens (trap on EXIT; the test also stops it if this script is killed).
# PORT  a free TCP port on 127.0.0.1 (the server listens nowhere else).
# WORK  what the test wrote: officers.csv (login,password), persons.csv (read by
#       setup.sql) and scenario.env (read by workload.sh).
# OUT   where the audit log is copied: server_audit.log.
#
# Needs Debian's mariadb-server (.ci/run installs it; its system service is never used).
# The server's clock runs on UTC (TZ), so the log's local times are UTC. The superuser is
# left out of the audit (server_audit_excl_users), so only the officers' work is logged.
# Takes a few seconds.
set -euo pipefail

if [ $# -ne 4 ]; then
    echo "usage: $0 LAB PORT WORK OUT" >&2
    exit 2
fi
LAB=$1 PORT=$2 WORK=$3 OUT=$4
HERE=$(cd "$(dirname "$0")" && pwd)
MARIADBD=${MARIADBD:-/usr/sbin/mariadbd}

# Never adopt (and so never delete) a directory this run did not create.
mkdir -m 0700 "$LAB"

stop_server() {
    if [ -f "$LAB/mariadbd.pid" ]; then
        local pid
        pid=$(cat "$LAB/mariadbd.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
}

cleanup() {
    local rc=$?
    set +e
    stop_server
    if [ "$rc" != 0 ]; then
        echo "run.sh: failed (exit $rc); the end of the server's error log:" >&2
        tail -n 20 "$LAB/error.log" >&2 2>/dev/null
    fi
    rm -rf "$LAB"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# As root the server must be told to stay root (there is no mysql-owned directory here).
USER_ARG=()
if [ "$(id -u)" = 0 ]; then USER_ARG=(--user=root); fi

mariadb-install-db --no-defaults "${USER_ARG[@]}" --datadir="$LAB/data" \
    --auth-root-authentication-method=normal --skip-test-db >"$LAB/install.log" 2>&1 \
    || { cat "$LAB/install.log" >&2; exit 1; }

TZ=UTC "$MARIADBD" --no-defaults "${USER_ARG[@]}" --datadir="$LAB/data" \
    --port="$PORT" --bind-address=127.0.0.1 --socket="$LAB/mariadbd.sock" \
    --pid-file="$LAB/mariadbd.pid" --log-error="$LAB/error.log" --skip-name-resolve \
    --innodb-flush-log-at-trx-commit=0 --local-infile=1 \
    --plugin-load-add=server_audit --server-audit-logging=ON \
    --server-audit-events=CONNECT,QUERY,TABLE --server-audit-excl-users=root \
    --server-audit-output-type=file --server-audit-file-path="$LAB/server_audit.log" \
    --server-audit-query-log-limit=1024 &
for _ in $(seq 300); do
    [ -S "$LAB/mariadbd.sock" ] && [ -f "$LAB/mariadbd.pid" ] && break
    if ! kill -0 $! 2>/dev/null; then
        echo "run.sh: the server did not start" >&2
        exit 1
    fi
    sleep 0.1
done
[ -S "$LAB/mariadbd.sock" ] || { echo "run.sh: the server did not start in 30 s" >&2; exit 1; }

# The schema and the officers' accounts, as the (unaudited) superuser, from WORK.
{
    cat "$HERE/setup.sql"
    tail -n +2 "$WORK/officers.csv" | while IFS=, read -r login password; do
        printf "CREATE USER '%s'@'%%' IDENTIFIED BY '%s';\n" "$login" "$password"
        printf "GRANT SELECT ON records.persons TO '%s'@'%%';\n" "$login"
    done
} | (cd "$WORK" && mariadb --no-defaults --local-infile=1 --socket="$LAB/mariadbd.sock" -uroot)

MARIADB_PORT=$PORT WORK=$WORK bash "$HERE/workload.sh"

stop_server
mkdir -p "$OUT"
cp "$LAB/server_audit.log" "$OUT/server_audit.log"
