-- The records database of the end-to-end test, as the superuser (left out of the audit by
-- run.sh), from the directory where the test wrote persons.csv (every synthetic person of
-- the generated reference data, one row per person_id). run.sh appends one account per
-- officer from officers.csv.
CREATE DATABASE records;
USE records;

CREATE TABLE persons(
    person_id varchar(40) PRIMARY KEY,
    last_name varchar(100),
    first_name varchar(100),
    dob date,
    address varchar(200),
    plate varchar(20)
);
LOAD DATA LOCAL INFILE 'persons.csv' INTO TABLE persons
    CHARACTER SET utf8mb4
    FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''
    LINES TERMINATED BY '\n'
    IGNORE 1 LINES
    (person_id, last_name, first_name, @dob, address, plate)
    SET dob = NULLIF(@dob, '');
