-- The records database of the end-to-end test, as the superuser. run.sh runs it with
-- pgaudit.log = none for its connection, so none of this is audited, from the directory
-- where the test wrote officers.csv (login,password) and persons.csv (every synthetic
-- person of the generated reference data, one row per person_id).
CREATE DATABASE records;
\c records
CREATE EXTENSION pgaudit;

CREATE TABLE persons(
    person_id text PRIMARY KEY,
    last_name text,
    first_name text,
    dob date,
    address text,
    plate text
);
\copy persons FROM 'persons.csv' WITH (FORMAT csv, HEADER true)

-- One login role per officer, named exactly like personnel.csv's `user`, with a password
-- (only the failed-login officer is asked for it: pg_hba.prepend).
CREATE ROLE officers NOLOGIN;
CREATE TEMP TABLE officer_logins(login text, password text);
\copy officer_logins FROM 'officers.csv' WITH (FORMAT csv, HEADER true)
DO $$
DECLARE
    o record;
BEGIN
    FOR o IN SELECT login, password FROM officer_logins ORDER BY login LOOP
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE officers', o.login, o.password);
    END LOOP;
END
$$;
GRANT SELECT ON persons TO officers;

-- Object auditing (as the reference scenario.sql): every access to persons is logged as an
-- OBJECT line besides the SESSION line of pgaudit.log, so the reader must merge the two.
CREATE ROLE auditor NOLOGIN;
GRANT SELECT ON persons TO auditor;
ALTER DATABASE records SET pgaudit.role = 'auditor';
