-- The state tree: every known database state, whether or not its snapshot is still stored.
CREATE TABLE state (
    id              char(64)    PRIMARY KEY,
    parent_id       char(64),
    step_digest     char(64),
    snapshot        boolean     NOT NULL,
    backend         text,
    size_bytes      bigint      CHECK (size_bytes >= 0),  -- NULL until measured, just after publishing
    build_cost_ms   bigint      NOT NULL DEFAULT 0 CHECK (build_cost_ms >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz NOT NULL DEFAULT now(),
    use_count       bigint      NOT NULL DEFAULT 0,
    pins            integer     NOT NULL DEFAULT 0 CHECK (pins >= 0),
    in_use_until    timestamptz,
    owner           text,
    visibility      text        NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'shared', 'public'))
);

CREATE INDEX state_parent ON state (parent_id);
CREATE INDEX state_evictable ON state (last_used_at) WHERE snapshot AND pins = 0;
