#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + pgAudit 1.7 cluster for the end-to-end test
# (tests/it/pgaudit_e2e.rs), which writes the scenario and calls:
#
#   run.sh LAB PORT WORK OUT
#
# LAB   a directory that must not exist yet: the cluster lives there and is removed on exit,
#       whatever happens (trap on EXIT; the test also removes it if this script is killed).
# PORT  a free TCP port on 127.0.0.1 (the server listens nowhere else).
# WORK  what the test wrote: officers.csv, persons.csv (read by setup.sql), scenario.env
#       (read by workload.sh) and, optionally, pg_hba.prepend (lines put above the trust
#       lines: first match wins, so a scram-sha-256 line there makes a bad password fail).
# OUT   where the three logs are copied: postgresql.log (stderr), .csv (csvlog), .json (jsonlog).
#
# Needs the distribution's postgresql-15 and postgresql-15-pgaudit (.ci/run installs them).
# initdb refuses to run as root, so as root the server runs as the `postgres` system user
# the package creates; otherwise as the current user. Takes about two seconds.
set -euo pipefail

if [ $# -ne 4 ]; then
    echo "usage: $0 LAB PORT WORK OUT" >&2
    exit 2
fi
LAB=$1 PORT=$2 WORK=$3 OUT=$4
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
HERE=$(cd "$(dirname "$0")" && pwd)

# Runs a server-side command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Never adopt (and so never delete) a directory this run did not create.
mkdir -m 0700 "$LAB"

cleanup() {
    local rc=$?
    set +e
    if [ -f "$LAB/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$LAB/data" -m immediate -w -t 30 stop >/dev/null 2>&1
    fi
    if [ "$rc" != 0 ]; then
        echo "run.sh: failed (exit $rc); the end of the server's logs:" >&2
        tail -n 20 "$LAB/startup.log" "$LAB/data/log/postgresql.log" >&2 2>/dev/null
    fi
    rm -rf "$LAB"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$LAB"
    if ! runuser -u postgres -- test -w "$LAB"; then
        echo "run.sh: the postgres user cannot reach $LAB (a parent directory is closed)" >&2
        exit 1
    fi
fi
# initdb and pg_ctl redirect their children to /dev/null; a root process that set its mode
# (chmod, or opening it through something that tightens file modes) breaks them obscurely.
if ! as_owner sh -c ': >/dev/null' 2>/dev/null; then
    echo "run.sh: /dev/null is not writable by the cluster's owner ($(stat -c %A /dev/null))" >&2
    exit 1
fi

as_owner "$PGBIN/initdb" -D "$LAB/data" -A trust -U postgres --no-sync -E UTF8 \
    --locale=C.UTF-8 >/dev/null

# Appended last, so these win over initdb's defaults (as in the reference setup.sh).
cat >>"$LAB/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$LAB'
shared_preload_libraries = 'pgaudit'
fsync = off                                 # a throwaway cluster
logging_collector = on                      # required for csvlog and jsonlog
log_destination = 'stderr,csvlog,jsonlog'   # log/postgresql.log, .csv, .json
log_directory = 'log'
log_filename = 'postgresql.log'
log_line_prefix = '%m [%p] %c %l %u@%d %h app=[%a] '
log_timezone = 'UTC'
log_connections = on
log_disconnections = on
pgaudit.log = 'read,write,misc_set'         # misc_set: SET LOCAL rms.case_id is logged
pgaudit.log_parameter = on
pgaudit.log_relation = on
pgaudit.log_rows = on
pgaudit.log_catalog = off
CONF

if [ -f "$WORK/pg_hba.prepend" ]; then
    hba=$(cat "$WORK/pg_hba.prepend" "$LAB/data/pg_hba.conf")
    # Rewrites the file in place: it keeps its owner and mode.
    printf '%s\n' "$hba" >"$LAB/data/pg_hba.conf"
fi

as_owner "$PGBIN/pg_ctl" -D "$LAB/data" -l "$LAB/startup.log" -w -t 30 start >/dev/null

# The schema and the officers' roles, unaudited (pgaudit.log = none for this connection
# only), from WORK (setup.sql's \copy paths are relative to it).
(
    cd "$WORK"
    PGOPTIONS='-c pgaudit.log=none' "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 \
        "host=127.0.0.1 port=$PORT user=postgres dbname=postgres" -f "$HERE/setup.sql"
)

PGBIN=$PGBIN PGHOST=127.0.0.1 PGPORT=$PORT PGDATABASE=records WORK=$WORK \
    bash "$HERE/workload.sh"

as_owner "$PGBIN/pg_ctl" -D "$LAB/data" -m fast -w -t 30 stop >/dev/null
# The logging collector may still be writing when pg_ctl returns: wait for the last line.
logs_complete() {
    local f
    for f in log csv json; do
        grep -q 'database system is shut down' "$LAB/data/log/postgresql.$f" || return 1
    done
}
for _ in $(seq 100); do
    logs_complete && break
    sleep 0.05
done
mkdir -p "$OUT"
cp "$LAB"/data/log/postgresql.{log,csv,json} "$OUT"/
