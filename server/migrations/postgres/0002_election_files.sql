-- zkvote-server schema, postgres: the files a voter fetches from the box (election.json,
-- census.json, the verifying and the proving key), stored with the election so that
-- every box process serves the same bytes. Same as ../sqlite/0002_election_files.sql
-- but for the byte type.
CREATE TABLE election_files (
    election_id TEXT   NOT NULL REFERENCES elections (id),
    name        TEXT   NOT NULL,
    content     BYTEA   NOT NULL,
    sha256      TEXT   NOT NULL CHECK (length(sha256) = 64),
    PRIMARY KEY (election_id, name)
);
