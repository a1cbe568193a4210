-- Read-only queries are recorded like runs: through_cell is the cell whose state was queried (''
-- for the worksheet's base) and head_state that state; nothing a query does is published.
ALTER TABLE run ADD COLUMN kind text NOT NULL DEFAULT 'run' CHECK (kind IN ('run', 'query'));
