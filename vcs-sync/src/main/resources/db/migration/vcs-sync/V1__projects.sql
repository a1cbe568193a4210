-- Projects whose files lie in DATA/projects/<id>/. A project is immutable once created: a new
-- upload is a new project. The directory is written completely before the row; a directory
-- without a row is debris of a crash, removed at start.
CREATE TABLE project (
    id          text        PRIMARY KEY CHECK (id ~ '^pr-[0-9a-f]{32}$'),
    owner       text        NOT NULL,
    name        text        NOT NULL,
    files       jsonb       NOT NULL,
    bytes       bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX project_owner ON project (owner, created_at DESC);
