-- Token buckets for rate limits, shared by every gateway replica through the control database.
CREATE TABLE rate_bucket (
    key           text             PRIMARY KEY,
    tokens        double precision NOT NULL,
    updated_at    timestamptz      NOT NULL,
    last_allowed  boolean          NOT NULL
);
