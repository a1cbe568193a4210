package dev.taidon.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.zaxxer.hikari.HikariDataSource;
import dev.taidon.core.role.RoleSchemas;
import dev.taidon.core.web.ProblemResponses;
import dev.taidon.gateway.GatewayRole;
import dev.taidon.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Token buckets shared through a real PostgreSQL by two limiters standing for two gateway replicas. */
class RateLimiterIT {
  /** So slow that no token comes back while a test runs. */
  private static final double NO_REFILL = 0.0001;
  private static TestPostgres postgres;
  private static HikariDataSource dataSource;
  private static JdbcClient jdbc;

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @BeforeAll
  static void migrate() {
    postgres = TestPostgres.start();
    dataSource = postgres.pool(4);
    RoleSchemas.migrate(dataSource, GatewayRole.MODULE);
    jdbc = JdbcClient.create(dataSource);
  }

  @AfterAll
  static void stop() {
    dataSource.close();
    postgres.close();
  }

  @Test
  void aSmallBurstIsCountedExactlyAcrossTwoReplicas() {
    RateLimiter first = new RateLimiter(jdbc, nanos::get);
    RateLimiter second = new RateLimiter(jdbc, nanos::get);

    int allowed = 0;
    RateLimiter.Decision last = null;
    for (int i = 0; i < 12; i++) {
      last = (i % 2 == 0 ? first : second).take("account:small", 0.5, 5);
      allowed += last.allowed() ? 1 : 0;
    }

    assertThat(allowed).as("requests allowed from a burst of 5 over two replicas").isEqualTo(5);
    assertThat(last.allowed()).isFalse();
    assertThat(last.retryAfterSeconds()).as("seconds until a token is back at 0.5/s").isBetween(1L, 2L);
  }

  @Test
  void tokensTakenAheadNeverLetTwoReplicasExceedTheBurst() {
    RateLimiter first = new RateLimiter(jdbc, nanos::get);
    RateLimiter second = new RateLimiter(jdbc, nanos::get);
    assertThat(RateLimiter.leaseSize(300)).as("lease for a burst of 300").isEqualTo(30);

    int allowed = 0;
    for (int i = 0; i < 700; i++) {
      allowed += (i % 3 == 0 ? first : second).take("address:classroom", NO_REFILL, 300).allowed() ? 1 : 0;
    }

    assertThat(allowed).as("requests allowed from a burst of 300 over two replicas taking 30 ahead").isEqualTo(300);
    assertThat(jdbc.sql("SELECT count(*) FROM gateway.rate_bucket WHERE key = 'address:classroom'").query(Integer.class)
        .single()).isEqualTo(1);
  }

  @Test
  void tokensOfALapsedLeaseAreNotSpent() {
    RateLimiter limiter = new RateLimiter(jdbc, nanos::get);
    assertThat(limiter.take("account:lapsing", NO_REFILL, 30).allowed()).isTrue();

    nanos.addAndGet(RateLimiter.LEASE_LIFETIME.toNanos());
    int allowed = 1;
    while (limiter.take("account:lapsing", NO_REFILL, 30).allowed()) {
      allowed++;
    }

    assertThat(allowed).as("of a burst of 30 taken 3 at a time, the 2 left in the lapsed lease are lost")
        .isEqualTo(28);
  }

  @Test
  void aRefusedKeyIsRefusedLocallyUntilItsBucketCanHoldATokenAgain() {
    RateLimiter limiter = new RateLimiter(jdbc, nanos::get);
    RateLimiter other = new RateLimiter(jdbc, nanos::get);
    assertThat(limiter.take("account:waiting", 1, 1).allowed()).isTrue();
    assertThat(limiter.take("account:waiting", 1, 1).allowed()).isFalse();
    // The shared bucket gets its token back meanwhile; this replica was told to wait and does.
    jdbc.sql("UPDATE gateway.rate_bucket SET tokens = 1 WHERE key = 'account:waiting'").update();

    RateLimiter.Decision stillWaiting = limiter.take("account:waiting", 1, 1);

    assertThat(stillWaiting.allowed()).as("a request within the wait it was told").isFalse();
    assertThat(stillWaiting.retryAfterSeconds()).isEqualTo(1);
    assertThat(other.take("account:waiting", 1, 1).allowed()).as("another replica asks the bucket").isTrue();
    nanos.addAndGet(1_000_000_001L);
    jdbc.sql("UPDATE gateway.rate_bucket SET tokens = 1 WHERE key = 'account:waiting'").update();
    assertThat(limiter.take("account:waiting", 1, 1).allowed()).as("after the wait").isTrue();
  }

  @Test
  void requestsSpendTheTokensInHandWhileTheLeaseIsRenewed() throws Exception {
    RateLimiter limiter = new RateLimiter(jdbc, nanos::get);
    String key = "address:renewing";
    assertThat(limiter.take(key, NO_REFILL, 300).allowed()).as("first request, which takes a lease of 30").isTrue();

    try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        Connection blocker = dataSource.getConnection()) {
      lockBucket(blocker, key);
      for (int i = 0; i < 14; i++) {
        assertThat(limiter.take(key, NO_REFILL, 300).allowed()).isTrue();
      }
      awaitRenewalBlockedOnTheBucket();
      Future<Integer> restOfTheLease = requests.submit(() -> allowedOf(limiter, key, 300, 15));
      assertThat(restOfTheLease).as("the 15 tokens left in hand, spent while the renewal waits for the database")
          .succeedsWithin(HANG_GUARD).isEqualTo(15);
      Future<Integer> pastTheLease = requests.submit(() -> allowedOf(limiter, key, 300, 1));
      awaitWaiting(limiter, key, 1);
      blocker.commit();
      assertThat(pastTheLease).as("a request past the lease, answered by the renewal it waited for")
          .succeedsWithin(HANG_GUARD).isEqualTo(1);
    }
    assertThat(bucketTokens(key)).as("tokens left after two leases of 30").isEqualTo(240.0, within(0.01));
  }

  @Test
  void oneRenewalServesEveryRequestWaitingForIt() throws Exception {
    RateLimiter limiter = new RateLimiter(jdbc, nanos::get);
    String key = "address:crowd";
    int burst = 100_000;
    assertThat(RateLimiter.leaseSize(burst)).isEqualTo(RateLimiter.MAX_LEASE);
    assertThat(limiter.take(key, NO_REFILL, burst).allowed()).isTrue();
    jdbc.sql("CREATE TABLE IF NOT EXISTS public.crowd_renewal (at timestamptz NOT NULL DEFAULT clock_timestamp())")
        .update();
    jdbc.sql("""
        CREATE OR REPLACE FUNCTION public.count_crowd_renewal() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO public.crowd_renewal DEFAULT VALUES; RETURN NEW; END $$""").update();
    jdbc.sql("""
        CREATE OR REPLACE TRIGGER count_crowd_renewal AFTER UPDATE ON gateway.rate_bucket
        FOR EACH ROW WHEN (NEW.key = 'address:crowd') EXECUTE FUNCTION public.count_crowd_renewal()""").update();

    int crowd = 200;
    List<Future<Integer>> waiting = new ArrayList<>();
    // The connection closes first, so a failed assertion releases the lock that requests may wait on.
    try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        Connection blocker = dataSource.getConnection()) {
      lockBucket(blocker, key);
      assertThat(allowedOf(limiter, key, burst, RateLimiter.MAX_LEASE - 1)).as("the rest of the first lease")
          .isEqualTo(RateLimiter.MAX_LEASE - 1);
      awaitRenewalBlockedOnTheBucket();
      for (int i = 0; i < crowd; i++) {
        waiting.add(requests.submit(() -> allowedOf(limiter, key, burst, 1)));
      }
      awaitWaiting(limiter, key, crowd);
      blocker.commit();
      for (Future<Integer> request : waiting) {
        assertThat(request).succeedsWithin(HANG_GUARD).isEqualTo(1);
      }
    }
    assertThat(jdbc.sql("SELECT count(*) FROM public.crowd_renewal").query(Integer.class).single())
        .as("renewals that served %d waiting requests with leases of %d: the one they waited for and at most one"
            + " more sized to them", crowd, RateLimiter.MAX_LEASE)
        .isBetween(1, 2);
  }

  @Test
  void requestsWaitingForARenewalThatFailsFailWithItAtOnce() throws Exception {
    RateLimiter limiter = new RateLimiter(jdbc, nanos::get);
    String key = "address:failing";
    assertThat(limiter.take(key, NO_REFILL, 300).allowed()).isTrue();
    int crowd = 20;
    List<Future<Integer>> waiting = new ArrayList<>();
    // The connection closes first, so a failed assertion releases the lock that requests may wait on.
    try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        Connection blocker = dataSource.getConnection()) {
      lockBucket(blocker, key);
      assertThat(allowedOf(limiter, key, 300, 29)).as("the rest of the first lease").isEqualTo(29);
      awaitRenewalBlockedOnTheBucket();
      for (int i = 0; i < crowd; i++) {
        waiting.add(requests.submit(() -> allowedOf(limiter, key, 300, 1)));
      }
      awaitWaiting(limiter, key, crowd);

      jdbc.sql("""
          SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE wait_event_type = 'Lock' AND query LIKE '%gateway.rate_bucket%'""").query().listOfRows();

      long giveUpAt = System.nanoTime() + HANG_GUARD.toNanos();
      for (Future<Integer> request : waiting) {
        assertThat(request).as("a request that waited for the renewal whose connection was cut")
            .failsWithin(Duration.ofNanos(Math.max(1, giveUpAt - System.nanoTime())))
            .withThrowableThat().as("failed, not still waiting").isInstanceOf(ExecutionException.class);
      }
      assertThat(bucketTokens(key)).as("tokens left: the failed renewal took none").isEqualTo(270.0, within(0.01));
      blocker.commit();
    }
    assertThat(limiter.take(key, NO_REFILL, 300).allowed()).as("the next request, which renews anew").isTrue();
    assertThat(bucketTokens(key)).isEqualTo(240.0, within(0.01));
  }

  @Test
  void aRenewalHeldUpByALockedBucketGivesUpAfterItsTimeoutAndTheNextOneSucceeds() throws Exception {
    RateLimiter limiter = new RateLimiter(RateLimiter.boundedTo(dataSource, Duration.ofSeconds(1)), nanos::get);
    String key = "address:stuck";
    assertThat(limiter.take(key, NO_REFILL, 300).allowed()).isTrue();
    Future<Integer> pastTheLease;
    // The connection closes first, so a failed assertion releases the lock that requests may wait on.
    try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        Connection blocker = dataSource.getConnection()) {
      lockBucket(blocker, key);
      assertThat(allowedOf(limiter, key, 300, 29)).as("the rest of the first lease").isEqualTo(29);
      pastTheLease = requests.submit(() -> allowedOf(limiter, key, 300, 1));

      assertThat(pastTheLease).as("a request waiting for a renewal that the locked bucket holds up")
          .failsWithin(HANG_GUARD)
          .withThrowableThat().as("failed while the lock was still held, not still waiting")
          .isInstanceOf(ExecutionException.class)
          .satisfies(failure -> assertThat(ProblemResponses.isControlDatabaseUnavailable(failure))
              .as("answered 503 control-database-unavailable, not an incident: %s", failure).isTrue());
      assertThat(jdbc.sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
          + " AND query LIKE '%gateway.rate_bucket%'").query(Integer.class).single())
          .as("statements still waiting for the bucket after the timeout").isZero();
      blocker.commit();
    }
    assertThat(limiter.take(key, NO_REFILL, 300).allowed()).as("the next request, which renews anew").isTrue();
    assertThat(bucketTokens(key)).as("tokens left: the cancelled renewal took none").isEqualTo(240.0, within(0.01));
  }

  /** Generous: only a limiter that never answers gets near it. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);

  private static int allowedOf(RateLimiter limiter, String key, int burst, int requests) {
    int allowed = 0;
    for (int i = 0; i < requests; i++) {
      allowed += limiter.take(key, NO_REFILL, burst).allowed() ? 1 : 0;
    }
    return allowed;
  }

  private static void awaitWaiting(RateLimiter limiter, String key, int count) throws InterruptedException {
    long giveUpAt = System.nanoTime() + HANG_GUARD.toNanos();
    while (limiter.waitingFor(key) < count) {
      assertThat(System.nanoTime()).as("%d requests waiting for the renewal", count).isLessThan(giveUpAt);
      Thread.sleep(5);
    }
  }

  private static void lockBucket(Connection connection, String key) throws SQLException {
    connection.setAutoCommit(false);
    try (PreparedStatement lock = connection.prepareStatement(
        "SELECT tokens FROM gateway.rate_bucket WHERE key = ? FOR UPDATE")) {
      lock.setString(1, key);
      lock.executeQuery().close();
    }
  }

  private static void awaitRenewalBlockedOnTheBucket() throws InterruptedException {
    long giveUpAt = System.nanoTime() + HANG_GUARD.toNanos();
    while (jdbc.sql("""
        SELECT count(*) FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND query LIKE '%gateway.rate_bucket%'""").query(Integer.class).single() == 0) {
      assertThat(System.nanoTime()).as("a lease renewal waiting for the locked bucket").isLessThan(giveUpAt);
      Thread.sleep(5);
    }
  }

  private static double bucketTokens(String key) {
    return jdbc.sql("SELECT tokens FROM gateway.rate_bucket WHERE key = :key").param("key", key)
        .query(Double.class).single();
  }
}
