-- Every run, written when it starts and again when it ends: a run still 'running' after a restart
-- was interrupted by the crash, and start-up says so.
CREATE TABLE run (
    id              text        PRIMARY KEY,
    owner           text        NOT NULL,
    worksheet_id    text        NOT NULL,
    through_cell    text        NOT NULL,
    head_state      char(64)    NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    outcome         text        NOT NULL DEFAULT 'running'
                    CHECK (outcome IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
    restored_from   char(64),
    replayed_steps  integer     NOT NULL DEFAULT 0,
    executed_steps  integer     NOT NULL DEFAULT 0,
    duration_ms     double precision
);

CREATE INDEX run_owner ON run (owner, started_at DESC);
CREATE INDEX run_running ON run (started_at) WHERE outcome = 'running';

-- What a session needs besides the data to continue from a published state: the database it was
-- in and the settings it had SET. Keyed by state id, so as shared as the states themselves.
CREATE TABLE state_context (
    state_id   char(64)    PRIMARY KEY,
    database   text        NOT NULL,
    settings   jsonb       NOT NULL DEFAULT '{}'::jsonb
);
