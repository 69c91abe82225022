-- zkvote-server schema, PostgreSQL. Same tables, columns and constraints as
-- ../sqlite/0001_ballot_log.sql; only the byte type differs (BYTEA here, BLOB there).

-- One row per election; the row is also the election's append lock (see store/mod.rs).
CREATE TABLE elections (
    id        TEXT    NOT NULL PRIMARY KEY,
    bundle    TEXT    NOT NULL,                 -- the election bundle (JSON), as given
    opens_at  BIGINT  NOT NULL,                 -- Unix seconds, inclusive
    closes_at BIGINT  NOT NULL,                 -- Unix seconds, exclusive
    revote    TEXT    NOT NULL CHECK (revote IN ('first', 'last')),
    created   BIGINT  NOT NULL,
    log_size  BIGINT  NOT NULL DEFAULT 0 CHECK (log_size >= 0),
    CHECK (opens_at < closes_at),
    UNIQUE (id, revote)                         -- target of entries' (election_id, revote) key
);

-- The append-only log: entry log_index of election election_id.
CREATE TABLE entries (
    election_id TEXT   NOT NULL,
    log_index   BIGINT NOT NULL CHECK (log_index >= 0),
    revote      TEXT   NOT NULL,                -- the election's policy, forced equal by the key
    nullifier   TEXT   NOT NULL,
    ballot      BYTEA  NOT NULL,
    leaf_hash   BYTEA  NOT NULL CHECK (length(leaf_hash) = 32),
    created     BIGINT NOT NULL,
    PRIMARY KEY (election_id, log_index),
    UNIQUE (election_id, leaf_hash),            -- a ballot is logged once (no replay)
    FOREIGN KEY (election_id, revote) REFERENCES elections (id, revote)
);

-- Policy 'first': a nullifier at most once per election, enforced by the database.
CREATE UNIQUE INDEX entries_first_nullifier ON entries (election_id, nullifier)
    WHERE revote = 'first';
-- Policy 'last' keeps every entry; look-ups by nullifier use this index.
CREATE INDEX entries_nullifier ON entries (election_id, nullifier, log_index);

CREATE TABLE checkpoints (
    election_id TEXT   NOT NULL REFERENCES elections (id),
    tree_size   BIGINT NOT NULL CHECK (tree_size >= 0),
    root        BYTEA  NOT NULL CHECK (length(root) = 32),
    note        TEXT   NOT NULL,                -- the signed note, as served
    created     BIGINT NOT NULL,
    PRIMARY KEY (election_id, tree_size)
);
