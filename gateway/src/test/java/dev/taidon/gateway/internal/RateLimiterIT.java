package dev.taidon.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.taidon.core.role.RoleSchemas;
import dev.taidon.gateway.GatewayRole;
import dev.taidon.testkit.TestPostgres;
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
}
