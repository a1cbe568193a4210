-- Accounts linked to an external OpenID Connect provider, by issuer and subject.
CREATE TABLE external_identity (
    issuer      text        NOT NULL,
    subject     text        NOT NULL,
    account_id  text        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    linked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject)
);

-- A login in flight at a provider: what the callback must match (state), check (nonce) and prove (PKCE).
CREATE TABLE oidc_attempt (
    state          text        PRIMARY KEY,
    provider       text        NOT NULL,
    nonce          text        NOT NULL,
    code_verifier  text        NOT NULL,
    anonymous_account_id text,
    expires_at     timestamptz NOT NULL
);

-- One-time codes the callback hands to the browser, exchanged once for tokens by the SPA.
CREATE TABLE login_code (
    code_hash   char(64)    PRIMARY KEY,
    account_id  text        NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL
);
