-- The audit log is append-only: the platform's role has no UPDATE or DELETE on it in practice, and
-- every row links to the one before by hash, so an edit made behind the platform's back is visible.
CREATE TABLE entry (
    sequence      bigint      PRIMARY KEY CHECK (sequence > 0),
    recorded_at   timestamptz NOT NULL,
    type          text        NOT NULL,
    actor         text        NOT NULL,
    attributes    jsonb       NOT NULL,
    previous_hash char(64)    NOT NULL,
    hash          char(64)    NOT NULL UNIQUE
);

CREATE INDEX entry_type_recorded_at ON entry (type, recorded_at);
CREATE INDEX entry_actor_recorded_at ON entry (actor, recorded_at);
