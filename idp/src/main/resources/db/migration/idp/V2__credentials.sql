-- Email and password of registered accounts. The hash is Argon2id in PHC string form.
CREATE TABLE credential (
    account_id       text        PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    email            text        NOT NULL UNIQUE CHECK (email = lower(email)),
    password_hash    text        NOT NULL,
    failed_attempts  integer     NOT NULL DEFAULT 0,
    locked_until     timestamptz
);

-- Failed logins per client address, for throttling guessing across many accounts.
CREATE TABLE login_failure (
    address  text        NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_failure_address_at ON login_failure (address, at);
