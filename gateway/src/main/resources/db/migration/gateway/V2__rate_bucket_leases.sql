-- A gateway takes tokens from a bucket in small batches (a lease) and spends them locally.
ALTER TABLE rate_bucket ADD COLUMN last_taken integer NOT NULL DEFAULT 0;
ALTER TABLE rate_bucket DROP COLUMN last_allowed;
