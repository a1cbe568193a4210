-- Share links: immutable copies of a worksheet's title, base and cells. The token is stored only
-- as its SHA-256, so reading this table does not open the shares.
CREATE TABLE share (
    token_digest  char(64)    PRIMARY KEY CHECK (token_digest ~ '^[0-9a-f]{64}$'),
    owner         text        NOT NULL,
    worksheet_id  text        NOT NULL,
    title         text        NOT NULL,
    base          jsonb       NOT NULL,
    cells         jsonb       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX share_owner ON share (owner);
