-- Every sandbox the platform keeps, whatever its presence. state_id is the state its data was last
-- restored to or published as: a cold sandbox is recreated from it.
CREATE TABLE sandbox (
    id            text        PRIMARY KEY CHECK (id ~ '^sb-[0-9a-f]{32}$'),
    owner         text        NOT NULL,
    owner_kind    text        NOT NULL CHECK (owner_kind IN ('ANONYMOUS', 'REGISTERED', 'POOL')),
    presence      text        NOT NULL CHECK (presence IN ('HOT', 'WARM', 'COLD')),
    state_id      char(64)    NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now(),
    failure       text
);

CREATE INDEX sandbox_owner ON sandbox (owner);
CREATE INDEX sandbox_pool ON sandbox (state_id) WHERE owner_kind = 'POOL';
