#!/usr/bin/env bash
# The scripted workload of the end-to-end test, run by run.sh against the throwaway cluster
# (PGHOST, PGPORT, PGDATABASE set; everything over TCP on 127.0.0.1). Who looks up whom is
# chosen by tests/it/pgaudit_e2e.rs from a generated world and handed over in
# $WORK/scenario.env; the test asserts the alerts this workload must raise, so a change
# here needs the same change there (the count of lookups, below, included).
#
# Real clients only: psql (simple protocol, literals; psql's :'var' quotes names safely)
# and pgbench -M extended (extended protocol: $n placeholders, values bound as parameters,
# which pgAudit logs in its PARAMETER field). Case ids, person ids and plates are checked by
# the test to be letters, digits and dashes, so they can be written into statements and
# comments; names and dates go through psql variables or pgbench -D.
#
# Lookups of persons (statements that read persons), 11 in all:
#   a) self-lookup .......... 1  SELF_USER: own last name + date of birth, no case
#   b) ex-partner ........... 1  EX_USER: pgbench, bound name + dob, cover case in a comment
#   c) no case .............. 3  NC_USER: by person id (psql), by plate (pgbench), by plate (psql)
#   d) ordinary work ........ 6  W1_USER: 4 (comment, pgbench + comment, SET LOCAL, COPY export)
#                                W2_USER: 2 (comment, pgbench + comment)
#   e) a failed login ....... 0  W2_USER with a wrong password (pg_hba.prepend asks it for one)
set -euo pipefail
: "${PGBIN:?}" "${WORK:?}"
# shellcheck source=/dev/null
. "$WORK/scenario.env"

# psql as USER with application_name APP; statements on standard input or in the arguments.
q() {
    local app=$1 user=$2
    shift 2
    PGAPPNAME=$app "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -U "$user" "$@" >/dev/null
}

# One transaction of a pgbench script, extended protocol, as USER with application_name APP.
bench() {
    local app=$1 user=$2 script=$3
    shift 3
    PGAPPNAME=$app "$PGBIN/pgbench" -n -M extended -t 1 -c 1 -U "$user" "$@" -f "$script" \
        >/dev/null
}

# a) Self-lookup: the officer searches their own surname and date of birth, without a case.
q psql "$SELF_USER" -v lname="$SELF_LAST" -v dob="$SELF_DOB" <<'SQL'
SELECT person_id, last_name, first_name, dob, address, plate FROM persons WHERE last_name = :'lname' AND dob = :'dob';
SQL

# b) Ex-partner: bound parameters, and one of the officer's own open cases as cover in a
#    sqlcommenter comment (keys sorted, values percent-encoded, as sqlcommenter writes them).
cat >"$WORK/ex_partner.sql" <<SQL
SELECT person_id, last_name, first_name, dob, address, plate FROM persons WHERE last_name = :lname AND dob = :dob /*case_id='$EX_COVER_CASE',purpose='warrant%20check'*/;
SQL
bench rms-web "$EX_USER" "$WORK/ex_partner.sql" -D "lname=$EX_LAST" -D "dob=$EX_DOB"

# c) No case: three people unrelated to the officer, by person id and by plate.
q psql "$NC_USER" -v pid="$NC_PID_1" -v plate="$NC_PLATE_3" <<'SQL'
SELECT person_id, last_name, first_name, dob FROM persons WHERE person_id = :'pid';
SELECT person_id, last_name, first_name, plate FROM persons WHERE plate = :'plate';
SQL
cat >"$WORK/by_plate.sql" <<'SQL'
SELECT person_id, last_name, first_name, plate FROM persons WHERE plate = :plate;
SQL
bench rms-web "$NC_USER" "$WORK/by_plate.sql" -D "plate=$NC_PLATE_2"

# d) Ordinary work: subjects of the officer's own assigned open case, with the case id
#    carried four ways. W1: a trailing comment (psql) ...
q rms-desktop "$W1_USER" <<SQL
SELECT person_id, last_name, first_name, dob, address FROM persons WHERE person_id = '$W1_PID_A' /*case_id='$W1_CASE',purpose='case%20work'*/;
SQL
# ... a comment on a statement with a bound parameter (pgbench) ...
cat >"$WORK/w1_plate.sql" <<SQL
SELECT person_id, last_name, first_name, plate FROM persons WHERE plate = :plate /*case_id='$W1_CASE',purpose='case%20work'*/;
SQL
bench rms-web "$W1_USER" "$WORK/w1_plate.sql" -D "plate=$W1_PLATE_B"
# ... SET LOCAL in a transaction, no comment (pgaudit.log has misc_set, so the SET is
# logged) ...
q rms-desktop "$W1_USER" <<SQL
BEGIN;
SET LOCAL rms.case_id = '$W1_CASE';
SELECT person_id, last_name, first_name, dob, address FROM persons WHERE person_id = '$W1_PID_C';
COMMIT;
SQL
# ... and an export: COPY of a query to the client, with a comment.
q rms-desktop "$W1_USER" <<SQL
COPY (SELECT * FROM persons WHERE person_id = '$W1_PID_D') TO STDOUT WITH CSV /*case_id='$W1_CASE',purpose='case%20export'*/;
SQL

# e) W2 first mistypes the password (pg_hba asks W2 for one; the login fails), then works.
if PGPASSWORD=not-the-password q psql "$W2_USER" -c 'SELECT 1' 2>/dev/null; then
    echo "workload.sh: the wrong password was accepted for $W2_USER" >&2
    exit 1
fi
export PGPASSWORD=$W2_PASSWORD
q psql "$W2_USER" <<SQL
SELECT person_id, last_name, first_name, plate FROM persons WHERE plate = '$W2_PLATE_A' /*case_id='$W2_CASE',purpose='case%20work'*/;
SQL
cat >"$WORK/w2_name_dob.sql" <<SQL
SELECT person_id, last_name, first_name, dob, address FROM persons WHERE last_name = :lname AND dob = :dob /*case_id='$W2_CASE',purpose='case%20work'*/;
SQL
bench rms-web "$W2_USER" "$WORK/w2_name_dob.sql" -D "lname=$W2_LAST_B" -D "dob=$W2_DOB_B"
unset PGPASSWORD
