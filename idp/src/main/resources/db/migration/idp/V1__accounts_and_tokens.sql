CREATE TABLE account (
    id            text        PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('ANONYMOUS', 'REGISTERED')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);

-- Signing keys: the newest active one signs; every key not yet past retire_after verifies.
CREATE TABLE signing_key (
    kid           text        PRIMARY KEY,
    jwk           text        NOT NULL,   -- the private key as a JWK; never leaves the idp role
    created_at    timestamptz NOT NULL DEFAULT now(),
    retire_after  timestamptz NOT NULL
);

-- Refresh tokens are stored by SHA-256 only. A family is every token descended from one sign-in.
CREATE TABLE refresh_token (
    token_hash    char(64)    PRIMARY KEY,
    family        uuid        NOT NULL,
    account_id    text        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    issued_at     timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    revoked_at    timestamptz
);

CREATE INDEX refresh_token_family ON refresh_token (family);
