package dev.taidon.idp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.zaxxer.hikari.HikariDataSource;
import dev.taidon.core.role.RoleSchemas;
import dev.taidon.idp.AuthSettings;
import dev.taidon.idp.IdpRole;
import dev.taidon.testkit.MovableClock;
import dev.taidon.testkit.TestPostgres;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The signing key's lookup while the database is slow to answer it. */
class SigningKeysIT {
  private static final AuthSettings SETTINGS = new AuthSettings("taidon", "taidon-api", Duration.ofMinutes(15),
      Duration.ofDays(30), Duration.ofDays(30), List.of(), Duration.ofDays(30), Map.of());

  private static TestPostgres postgres;
  private static HikariDataSource dataSource;

  @BeforeAll
  static void migrate() {
    postgres = TestPostgres.start();
    dataSource = postgres.pool(8);
    RoleSchemas.migrate(dataSource, IdpRole.MODULE);
  }

  @AfterAll
  static void stop() {
    dataSource.close();
    postgres.close();
  }

  @BeforeEach
  void noKeys() {
    JdbcClient.create(dataSource).sql("DELETE FROM idp.signing_key").update();
  }

  @Test
  void whileOneCallerWaitsForTheDatabaseTheOthersSignWithTheKeyInHand() throws Exception {
    MovableClock clock = new MovableClock(Instant.parse("2026-11-27T12:00:00Z"));
    SigningKeys keys = new SigningKeys(JdbcClient.create(dataSource), SETTINGS, clock);
    ECKey first = keys.current();
    clock.advance(Duration.ofSeconds(61));

    List<CompletableFuture<ECKey>> others = new ArrayList<>();
    CompletableFuture<ECKey> looking;
    try (Connection holder = lockSigningKeys()) {
      looking = call(keys);
      await("the first caller waits for the table", () -> waitersOnSigningKeys() == 1);
      for (int i = 0; i < 50; i++) {
        others.add(call(keys));
      }
      for (CompletableFuture<ECKey> other : others) {
        assertThat(other.get(30, TimeUnit.SECONDS).getKeyID())
            .as("key handed to a caller while another looks the key up again").isEqualTo(first.getKeyID());
      }
      assertThat(looking).as("the lookup, still waiting for the table").isNotDone();
      holder.commit();
    }
    assertThat(looking.get(30, TimeUnit.SECONDS).getKeyID()).as("the key found by the lookup").isEqualTo(first.getKeyID());
  }

  @Test
  void aKeyPastItsRotationIsNotHandedOutAndOnlyOneNewKeyIsMade() throws Exception {
    MovableClock clock = new MovableClock(Instant.parse("2026-11-27T12:00:00Z"));
    SigningKeys keys = new SigningKeys(JdbcClient.create(dataSource), SETTINGS, clock);
    ECKey first = keys.current();
    clock.advance(SETTINGS.keyRotation().plusSeconds(1));

    List<CompletableFuture<ECKey>> callers = new ArrayList<>();
    try (Connection holder = lockSigningKeys()) {
      callers.add(call(keys));
      await("the first caller waits for the table", () -> waitersOnSigningKeys() == 1);
      for (int i = 0; i < 20; i++) {
        callers.add(call(keys));
      }
      holder.commit();
    }
    List<String> handedOut = new ArrayList<>();
    for (CompletableFuture<ECKey> caller : callers) {
      handedOut.add(caller.get(30, TimeUnit.SECONDS).getKeyID());
    }
    assertThat(handedOut).as("keys handed out after the rotation").doesNotContain(first.getKeyID())
        .containsOnly(handedOut.getFirst());
    assertThat(JdbcClient.create(dataSource).sql("SELECT count(*) FROM idp.signing_key").query(Long.class).single())
        .as("keys in the table: the first and one new one").isEqualTo(2);
  }

  private static CompletableFuture<ECKey> call(SigningKeys keys) {
    CompletableFuture<ECKey> result = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        result.complete(keys.current());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private static Connection lockSigningKeys() throws Exception {
    Connection holder = dataSource.getConnection();
    holder.setAutoCommit(false);
    holder.createStatement().execute("LOCK TABLE idp.signing_key IN ACCESS EXCLUSIVE MODE");
    return holder;
  }

  private static long waitersOnSigningKeys() {
    return JdbcClient.create(dataSource).sql("""
            SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'idp.signing_key'::regclass""")
        .query(Long.class).single();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting 30 s until %s", what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
