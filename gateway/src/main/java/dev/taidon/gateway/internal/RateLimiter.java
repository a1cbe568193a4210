package dev.taidon.gateway.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Token buckets in the control database ({@code gateway.rate_bucket}), so every gateway replica
 * enforces the same limit. A replica does not go to the database for every request: it takes a
 * small batch of tokens at once (a lease of a tenth of the burst, at most {@link #MAX_LEASE}, at
 * least one) and spends them locally for up to {@link #LEASE_LIFETIME}. Tokens of a lease that
 * lapses unspent are lost, so a limit is never exceeded and at most one lease per replica and key
 * goes unused; with bursts under 20 every request still draws on the shared bucket directly.
 */
final class RateLimiter {
  /** How long a replica may spend tokens it took ahead. */
  static final Duration LEASE_LIFETIME = Duration.ofSeconds(1);
  /** The most tokens taken ahead at once. */
  static final int MAX_LEASE = 50;
  /** Above this many keys held, the lapsed leases are dropped. */
  static final int SWEEP_ABOVE = 10_000;

  /** The answer for one request: allowed, or refused until a token is back in {@code retryAfterSeconds}. */
  record Decision(boolean allowed, long retryAfterSeconds) {}

  /**
   * Tokens taken ahead for one key, or the time before which the shared bucket cannot have a token
   * again (it refills with time only, so no replica can make that sooner); guarded by its lock (a
   * lock rather than a monitor: it is held across a database call, which would pin a virtual
   * thread to its carrier on JDK 21).
   */
  private static final class Lease {
    final ReentrantLock lock = new ReentrantLock();
    int tokens;
    long lapsesAtNanos;
    long refusedUntilNanos;
  }

  private final JdbcClient jdbc;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

  RateLimiter(JdbcClient jdbc) {
    this(jdbc, System::nanoTime);
  }

  RateLimiter(JdbcClient jdbc, LongSupplier nanoTime) {
    this.jdbc = jdbc;
    this.nanoTime = nanoTime;
  }

  /** How many tokens a replica takes ahead for a bucket of this burst. */
  static int leaseSize(int burst) {
    return Math.max(1, Math.min(MAX_LEASE, burst / 10));
  }

  Decision take(String key, double ratePerSecond, int burst) {
    if (leases.size() > SWEEP_ABOVE) {
      long now = nanoTime.getAsLong();
      leases.values().removeIf(lease -> {
        if (!lease.lock.tryLock()) {
          return false;
        }
        try {
          return lease.lapsesAtNanos - now <= 0;
        } finally {
          lease.lock.unlock();
        }
      });
    }
    Lease lease = leases.computeIfAbsent(key, ignored -> new Lease());
    lease.lock.lock();
    try {
      long now = nanoTime.getAsLong();
      if (lease.tokens > 0 && lease.lapsesAtNanos - now > 0) {
        lease.tokens--;
        return new Decision(true, 0);
      }
      if (lease.refusedUntilNanos - now > 0) {
        return refused(lease.refusedUntilNanos - now);
      }
      Taken taken = takeShared(key, ratePerSecond, burst, leaseSize(burst));
      if (taken.count() == 0) {
        lease.tokens = 0;
        long waitNanos = (long) Math.ceil((1 - taken.left()) / ratePerSecond * 1e9);
        lease.refusedUntilNanos = now + waitNanos;
        lease.lapsesAtNanos = lease.refusedUntilNanos;
        return refused(waitNanos);
      }
      lease.tokens = taken.count() - 1;
      lease.lapsesAtNanos = now + LEASE_LIFETIME.toNanos();
      return new Decision(true, 0);
    } finally {
      lease.lock.unlock();
    }
  }

  private static Decision refused(long waitNanos) {
    return new Decision(false, Math.max(1, (long) Math.ceil(waitNanos / 1e9)));
  }

  private record Taken(int count, double left) {}

  /** Refills the shared bucket for the time passed and takes up to {@code wanted} whole tokens from it. */
  private Taken takeShared(String key, double ratePerSecond, int burst, int wanted) {
    return jdbc.sql("""
            INSERT INTO gateway.rate_bucket AS b (key, tokens, updated_at, last_taken)
            VALUES (:key, :burst - least(:wanted, :burst), clock_timestamp(), least(:wanted, :burst))
            ON CONFLICT (key) DO UPDATE SET (tokens, last_taken, updated_at) = (
              SELECT available - taken, taken, clock_timestamp() FROM (
                SELECT available, CAST(greatest(0, least(:wanted, floor(available))) AS integer) AS taken FROM (
                  SELECT least(CAST(:burst AS double precision),
                               b.tokens + :rate * extract(epoch FROM clock_timestamp() - b.updated_at)) AS available
                ) refilled
              ) decided)
            RETURNING last_taken, tokens""")
        .param("key", key)
        .param("rate", ratePerSecond)
        .param("burst", burst)
        .param("wanted", wanted)
        .query((rs, n) -> new Taken(rs.getInt(1), rs.getDouble(2)))
        .single();
  }
}
