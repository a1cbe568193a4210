-- Learners' worksheets. base and cells are JSON documents of the public API's shape; cells is the
-- whole ordered list, replaced by every save (a worksheet is small: the API caps its cells).
CREATE TABLE worksheet (
    id          text        PRIMARY KEY CHECK (id ~ '^ws-[0-9a-f]{32}$'),
    owner       text        NOT NULL,
    title       text        NOT NULL,
    base        jsonb       NOT NULL,
    cells       jsonb       NOT NULL,
    version     bigint      NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX worksheet_owner ON worksheet (owner, updated_at DESC);
