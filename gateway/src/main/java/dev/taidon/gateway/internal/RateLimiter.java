package dev.taidon.gateway.internal;

import dev.taidon.core.LazyCommit;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Token buckets in the control database ({@code gateway.rate_bucket}), so every gateway replica
 * enforces the same limit. A replica does not go to the database for every request: it takes a
 * small batch of tokens at once (a lease of a tenth of the burst, at most {@link #MAX_LEASE}, at
 * least one) and spends them locally. Tokens in hand lapse {@link #LEASE_LIFETIME} after the
 * latest renewal and are then lost, so a limit is never exceeded and at most one and a half leases
 * per replica and key go unused; with bursts under 20 every request still draws on the shared
 * bucket directly.
 *
 * <p>No request waits for the database while its replica holds tokens for its key: when half a
 * lease is left, one background renewal takes the next lease. A request that finds no tokens waits
 * for the renewal in flight, or starts one, and a renewal takes a token for every request already
 * waiting besides the lease, so a crowd behind one address (a classroom behind NAT) is served by
 * one round trip, not one per lease.
 *
 * <p>A renewal's statement may run at most {@link #RENEWAL_TIMEOUT}: the control database has no
 * statement timeout of its own, and a bucket row locked by something else would otherwise hold
 * every request of that key for as long as the lock lasts. Past it the renewal fails, and so do
 * the requests waiting for it (503, the control database being unavailable to them).
 */
final class RateLimiter {
  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
  /** How long a replica may spend tokens it took ahead. */
  static final Duration LEASE_LIFETIME = Duration.ofSeconds(1);
  /** The most tokens taken ahead at once. */
  static final int MAX_LEASE = 50;
  /** The longest a lease renewal's statement may run in the control database. */
  static final Duration RENEWAL_TIMEOUT = Duration.ofSeconds(5);
  /** Above this many keys held, the lapsed leases are dropped. */
  static final int SWEEP_ABOVE = 10_000;

  /** The answer for one request: allowed, or refused until a token is back in {@code retryAfterSeconds}. */
  record Decision(boolean allowed, long retryAfterSeconds) {}

  /**
   * Tokens taken ahead for one key, or the time before which the shared bucket cannot have a token
   * again (it refills with time only, so no replica can make that sooner); guarded by its lock,
   * which is never held across a database call.
   */
  private static final class Lease {
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a renewal ends, whatever its outcome. */
    final Condition renewalEnded = lock.newCondition();
    int tokens;
    long lapsesAtNanos;
    long refusedUntilNanos;
    boolean renewing;
    /** Requests waiting for the renewal in flight because no token is in hand. */
    int waiting;
    /** How many renewals have ended, so a waiter can tell that the one it waited for has. */
    long renewalsEnded;
    /** Why the latest renewal failed, or null when it succeeded. */
    RuntimeException lastRenewalFailure;

    /** Whether dropping this lease loses neither tokens nor a refusal nor a request's wait. */
    boolean idle(long now) {
      return !renewing && waiting == 0 && lapsesAtNanos - now <= 0 && refusedUntilNanos - now <= 0;
    }
  }

  private final JdbcClient jdbc;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

  /** A limiter on the control database whose renewals give up after {@link #RENEWAL_TIMEOUT}. */
  static RateLimiter over(DataSource controlDatabase) {
    return new RateLimiter(boundedTo(controlDatabase, RENEWAL_TIMEOUT), System::nanoTime);
  }

  /** A client whose statements the server cancels after {@code timeout} (whole seconds, at least one). */
  static JdbcClient boundedTo(DataSource dataSource, Duration timeout) {
    JdbcTemplate template = new JdbcTemplate(dataSource);
    template.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
    return JdbcClient.create(template);
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
      sweep();
    }
    Bucket bucket = new Bucket(key, ratePerSecond, burst, leaseSize(burst));
    Lease lease = lockedLease(key);
    try {
      while (true) {
        long now = nanoTime.getAsLong();
        if (lease.tokens > 0 && lease.lapsesAtNanos - now > 0) {
          lease.tokens--;
          if (bucket.leaseSize() > 1 && lease.tokens <= bucket.leaseSize() / 2 && !lease.renewing
              && lease.refusedUntilNanos - now <= 0) {
            lease.renewing = true;
            try {
              Thread.ofVirtual().name("rate-lease-renewal").start(() -> renewAhead(lease, bucket));
            } catch (RuntimeException | OutOfMemoryError e) {
              // The lease runs down instead; the request that finds it empty renews it itself.
              lease.renewing = false;
              log.warn("Could not start renewing the rate lease of {} ahead: {}", key, e.toString());
            }
          }
          return new Decision(true, 0);
        }
        if (lease.refusedUntilNanos - now > 0) {
          return refused(lease.refusedUntilNanos - now);
        }
        if (lease.renewing) {
          long ended = lease.renewalsEnded;
          lease.waiting++;
          try {
            while (lease.renewing && lease.renewalsEnded == ended) {
              lease.renewalEnded.awaitUninterruptibly();
            }
          } finally {
            lease.waiting--;
          }
          if (lease.lastRenewalFailure != null) {
            // The renewal this request waited for failed: it fails alike, at once, rather than
            // each waiter trying the database again after the one before it gave up.
            throw lease.lastRenewalFailure;
          }
        } else {
          lease.renewing = true;
          renew(lease, bucket);
        }
      }
    } finally {
      lease.lock.unlock();
    }
  }

  /** The key's lease with its lock held; a lease the sweep dropped meanwhile is not used. */
  private Lease lockedLease(String key) {
    while (true) {
      Lease lease = leases.computeIfAbsent(key, ignored -> new Lease());
      lease.lock.lock();
      if (leases.get(key) == lease) {
        return lease;
      }
      lease.lock.unlock();
    }
  }

  /** How many requests wait for a renewal of this key's lease, so tests can tell when a crowd has formed. */
  int waitingFor(String key) {
    Lease lease = leases.get(key);
    if (lease == null) {
      return 0;
    }
    lease.lock.lock();
    try {
      return lease.waiting;
    } finally {
      lease.lock.unlock();
    }
  }

  private void renewAhead(Lease lease, Bucket bucket) {
    lease.lock.lock();
    try {
      renew(lease, bucket);
    } catch (RuntimeException e) {
      // The lease runs down instead; the next request that finds it empty renews it and meets the error.
      log.debug("Renewing the rate lease of {} ahead failed", bucket.key(), e);
    } finally {
      lease.lock.unlock();
    }
  }

  /**
   * Takes the next lease from the shared bucket: the lease size plus a token for every request
   * waiting now. Called with the lease's lock held and {@code renewing} set; releases the lock for
   * the database call and holds it again on return, with {@code renewing} cleared and the waiting
   * requests woken, whether or not the call succeeded.
   */
  private void renew(Lease lease, Bucket bucket) {
    int wanted = (int) Math.min(bucket.burst(), (long) bucket.leaseSize() + lease.waiting);
    Taken taken;
    RuntimeException failure = null;
    lease.lock.unlock();
    try {
      taken = takeShared(bucket, wanted);
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      lease.lock.lock();
      lease.renewing = false;
      lease.renewalsEnded++;
      lease.lastRenewalFailure = failure;
      lease.renewalEnded.signalAll();
    }
    long now = nanoTime.getAsLong();
    int inHand = lease.lapsesAtNanos - now > 0 ? lease.tokens : 0;
    if (taken.count() == 0) {
      lease.tokens = inHand;
      lease.refusedUntilNanos = now + (long) Math.ceil((1 - taken.left()) / bucket.ratePerSecond() * 1e9);
      return;
    }
    lease.tokens = inHand + taken.count();
    lease.lapsesAtNanos = now + LEASE_LIFETIME.toNanos();
  }

  private void sweep() {
    long now = nanoTime.getAsLong();
    leases.values().removeIf(lease -> {
      if (!lease.lock.tryLock()) {
        return false;
      }
      try {
        return lease.idle(now);
      } finally {
        lease.lock.unlock();
      }
    });
  }

  private static Decision refused(long waitNanos) {
    return new Decision(false, Math.max(1, (long) Math.ceil(waitNanos / 1e9)));
  }

  private record Bucket(String key, double ratePerSecond, int burst, int leaseSize) {}

  private record Taken(int count, double left) {}

  /**
   * Refills the shared bucket for the time passed and takes up to {@code wanted} whole tokens from
   * it, committed lazily: should the control database itself crash and lose the last fraction of a
   * second, a bucket at worst grants those tokens again.
   */
  private Taken takeShared(Bucket bucket, int wanted) {
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
            RETURNING last_taken, tokens, """ + LazyCommit.COLUMN)
        .param("key", bucket.key())
        .param("rate", bucket.ratePerSecond())
        .param("burst", bucket.burst())
        .param("wanted", wanted)
        .query((rs, n) -> new Taken(rs.getInt(1), rs.getDouble(2)))
        .single();
  }
}
