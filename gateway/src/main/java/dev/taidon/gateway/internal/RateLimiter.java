package dev.taidon.gateway.internal;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Token buckets in the control database ({@code gateway.rate_bucket}), so every gateway replica
 * enforces the same limit: one upsert per check refills the bucket for the time passed and takes a
 * token if there is one.
 */
final class RateLimiter {
  /** The answer for one request: allowed, or refused until a token is back in {@code retryAfterSeconds}. */
  record Decision(boolean allowed, long retryAfterSeconds) {}

  private final JdbcClient jdbc;

  RateLimiter(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Decision take(String key, double ratePerSecond, int burst) {
    return jdbc.sql("""
            WITH refill AS (
              SELECT least(CAST(:burst AS double precision),
                           coalesce((SELECT tokens + :rate * extract(epoch FROM clock_timestamp() - updated_at)
                                       FROM gateway.rate_bucket WHERE key = :key), :burst)) AS available)
            INSERT INTO gateway.rate_bucket AS b (key, tokens, updated_at, last_allowed)
            SELECT :key, CASE WHEN available >= 1 THEN available - 1 ELSE available END, clock_timestamp(), available >= 1
              FROM refill
            ON CONFLICT (key) DO UPDATE
               SET tokens = CASE
                              WHEN least(CAST(:burst AS double precision),
                                         b.tokens + :rate * extract(epoch FROM clock_timestamp() - b.updated_at)) >= 1
                              THEN least(CAST(:burst AS double precision),
                                         b.tokens + :rate * extract(epoch FROM clock_timestamp() - b.updated_at)) - 1
                              ELSE least(CAST(:burst AS double precision),
                                         b.tokens + :rate * extract(epoch FROM clock_timestamp() - b.updated_at))
                            END,
                   last_allowed = least(CAST(:burst AS double precision),
                                        b.tokens + :rate * extract(epoch FROM clock_timestamp() - b.updated_at)) >= 1,
                   updated_at = clock_timestamp()
            RETURNING last_allowed, tokens""")
        .param("key", key)
        .param("rate", ratePerSecond)
        .param("burst", burst)
        .query((rs, n) -> {
          boolean allowed = rs.getBoolean(1);
          double tokens = rs.getDouble(2);
          long wait = allowed ? 0 : (long) Math.ceil((1 - tokens) / ratePerSecond);
          return new Decision(allowed, Math.max(wait, allowed ? 0 : 1));
        })
        .single();
  }
}
