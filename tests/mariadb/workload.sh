#!/usr/bin/env bash
# The scripted workload of the MariaDB end-to-end test, run by run.sh against the
# throwaway server (MARIADB_PORT set; everything over TCP on 127.0.0.1). Who looks up whom
# is chosen by tests/it/mariadb_e2e.rs from a generated world (the same choice as the
# PostgreSQL test) and handed over in $WORK/scenario.env; the test asserts the alerts this
# workload must raise, so a change here needs the same change there.
#
# The real client only: `mariadb --comments` (without --comments it strips comments, and
# with them the sqlcommenter case ids). Case ids, person ids and plates are checked by the
# test to be letters, digits and dashes; names and dates are quoted by sqlq. Every
# officer's password is pw-LOGIN (the test's Scenario::password).
#
# Statements that read persons, 11 in all:
#   a) self-lookup .......... 1  SELF_USER: own last name + date of birth, no case
#   b) ex-partner ........... 1  EX_USER: name + dob, cover case in a sqlcommenter comment
#   c) no case .............. 3  NC_USER: by person id, by plate, by plate (two connections)
#   d) ordinary work ........ 4  W1_USER: a comment; SET @case_id then two lookups; and one
#                                statement longer than server_audit_query_log_limit (1024),
#                                whose WHERE clause the log cuts off
#                             2  W2_USER: a comment; SET @case_id then a name + dob lookup
#   e) a failed login ....... 0  W2_USER with a wrong password first
set -euo pipefail
: "${MARIADB_PORT:?}" "${WORK:?}"
# shellcheck source=/dev/null
. "$WORK/scenario.env"

# As USER (password pw-USER) on the records database; statements on standard input.
q() {
    local user=$1
    mariadb --no-defaults --comments --batch -h127.0.0.1 -P"$MARIADB_PORT" -u"$user" \
        -p"pw-$user" records >/dev/null
}

# A string literal: quotes and backslashes doubled.
sqlq() {
    local v=${1//\\/\\\\}
    printf "'%s'" "${v//\'/\'\'}"
}

COLS="person_id, last_name, first_name, dob, address, plate"

# a) Self-lookup: the officer's own surname and date of birth, without a case.
q "$SELF_USER" <<SQL
SELECT $COLS FROM persons WHERE last_name = $(sqlq "$SELF_LAST") AND dob = $(sqlq "$SELF_DOB");
SQL

# b) Ex-partner, with one of the officer's own open cases as cover in a sqlcommenter
#    comment (keys sorted, values percent-encoded, as sqlcommenter writes them).
q "$EX_USER" <<SQL
SELECT $COLS FROM persons WHERE last_name = $(sqlq "$EX_LAST") AND dob = $(sqlq "$EX_DOB") /*case_id='$EX_COVER_CASE',purpose='warrant%20check'*/;
SQL

# c) No case: three people unrelated to the officer, by person id and by plate.
q "$NC_USER" <<SQL
SELECT $COLS FROM persons WHERE person_id = '$NC_PID_1';
SELECT $COLS FROM persons WHERE plate = '$NC_PLATE_2';
SQL
q "$NC_USER" <<SQL
SELECT $COLS FROM persons WHERE plate = '$NC_PLATE_3';
SQL

# d) Ordinary work on the officer's own case. W1: a comment ...
q "$W1_USER" <<SQL
SELECT $COLS FROM persons WHERE person_id = '$W1_PID_A' /*case_id='$W1_CASE',purpose='case%20work'*/;
SQL
# ... a user variable that carries the case for the rest of the connection ...
q "$W1_USER" <<SQL
SET @case_id = '$W1_CASE', @purpose = 'case work';
SELECT $COLS FROM persons WHERE plate = '$W1_PLATE_B';
SELECT $COLS FROM persons WHERE person_id = '$W1_PID_C';
SQL
# ... and a statement padded past the log limit: the log keeps 1024 bytes, the WHERE
# clause is lost.
PAD=$(printf 'x%.0s' $(seq 1100))
q "$W1_USER" <<SQL
SELECT $COLS /* $PAD */ FROM persons WHERE person_id = '$W1_PID_D';
SQL

# e) W2 first mistypes the password (the login fails), then works.
if mariadb --no-defaults -h127.0.0.1 -P"$MARIADB_PORT" -u"$W2_USER" -pnot-the-password \
    records -e 'SELECT 1' >/dev/null 2>&1; then
    echo "workload.sh: the wrong password was accepted for $W2_USER" >&2
    exit 1
fi
q "$W2_USER" <<SQL
SELECT $COLS FROM persons WHERE plate = '$W2_PLATE_A' /*case_id='$W2_CASE',purpose='case%20work'*/;
SQL
q "$W2_USER" <<SQL
SET @case_id = '$W2_CASE';
SELECT $COLS FROM persons WHERE last_name = $(sqlq "$W2_LAST_B") AND dob = $(sqlq "$W2_DOB_B");
SQL
