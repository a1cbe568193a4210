package dev.taidon.auditlog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.taidon.auditlog.AuditEntry;
import dev.taidon.auditlog.AuditEvent;
import dev.taidon.auditlog.AuditLogRole;
import dev.taidon.auditlog.AuditQuery;
import dev.taidon.auditlog.AuditVerification;
import dev.taidon.core.role.RoleSchemas;
import dev.taidon.testkit.TestPostgres;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

// The destructive tests run last and start from an empty log: they break the chain on purpose.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JdbcAuditLogIT {
  private static TestPostgres postgres;
  private static HikariDataSource dataSource;
  private static JdbcAuditLog auditLog;

  @BeforeAll
  static void migrate() {
    postgres = TestPostgres.start();
    dataSource = postgres.pool(8);
    RoleSchemas.migrate(dataSource, AuditLogRole.MODULE);
    auditLog = new JdbcAuditLog(dataSource,
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)), JsonMapper.builder().build(),
        Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    dataSource.close();
    postgres.close();
  }

  @Test
  void everyEntryLinksToThePreviousOneByHashWithoutGapsEvenUnderConcurrentAppends() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Callable<AuditEntry>> appends = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int n = i;
      appends.add(() -> auditLog.append(new AuditEvent("test.appended", "user-" + (n % 3), Map.of("n", "" + n))));
    }
    for (Future<AuditEntry> done : pool.invokeAll(appends)) {
      done.get();
    }
    pool.shutdown();

    List<AuditEntry> newestFirst = auditLog.recent(1000);
    List<AuditEntry> entries = newestFirst.reversed();
    assertThat(entries.size()).isGreaterThanOrEqualTo(60);
    String previous = AuditChain.GENESIS;
    for (int i = 0; i < entries.size(); i++) {
      AuditEntry entry = entries.get(i);
      assertThat(entry.sequence()).as("sequence without gaps").isEqualTo(i + 1);
      assertThat(entry.previousHash()).as("link of entry %d", entry.sequence()).isEqualTo(previous);
      assertThat(AuditChain.hash(previous, entry.sequence(), entry.recordedAt(), entry.event()))
          .as("hash of entry %d recomputed from what was read back", entry.sequence()).isEqualTo(entry.hash());
      previous = entry.hash();
    }
  }

  @Test
  void appendsThatQueueBehindAWriterShareOneTransaction() throws Exception {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      events.add(new AuditEvent("test.grouped", "user-" + i, Map.of("n", "" + i)));
    }
    List<Outcome> outcomes = appendWhileAnotherWriterHoldsTheTable(events.getFirst(), events.subList(1, events.size()));

    List<Long> sequences = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      assertThat(outcome.failure()).as("append of %s", outcome.event()).isNull();
      assertThat(outcome.entry().event()).isEqualTo(outcome.event());
      sequences.add(outcome.entry().sequence());
    }
    assertThat(sequences).as("sequence numbers handed out").doesNotHaveDuplicates();
    assertThat(transactionsThatWrote(sequences))
        .as("transactions that wrote 40 entries queued behind one writer (the first writer's own, then one for the rest)")
        .isLessThanOrEqualTo(2);
    assertThat(auditLog.verify().intact()).isTrue();
  }

  @Test
  void anEntryTheDatabaseRefusesFailsAloneAndTheRestOfItsGroupIsWritten() throws Exception {
    // Events are checked when made, so the database refuses one only by a rule of its own: here a
    // constraint that stands for any such rule.
    JdbcClient.create(dataSource).sql("""
        ALTER TABLE audit_log.entry ADD CONSTRAINT refuses_one_actor CHECK (actor <> 'refused-actor')""").update();
    AuditEvent refused = new AuditEvent("test.refused", "refused-actor", Map.of());
    List<AuditEvent> queued = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      queued.add(new AuditEvent("test.beside-refused", "user-" + i, Map.of("n", "" + i)));
    }
    queued.add(5, refused);
    List<Outcome> outcomes;
    try {
      outcomes = appendWhileAnotherWriterHoldsTheTable(new AuditEvent("test.first-writer", "user-first", Map.of()), queued);
    } finally {
      JdbcClient.create(dataSource).sql("ALTER TABLE audit_log.entry DROP CONSTRAINT refuses_one_actor").update();
    }

    for (Outcome outcome : outcomes) {
      if (outcome.event() == refused) {
        assertThat(outcome.failure()).as("append of an entry the table's constraint refuses")
            .isNotNull().hasMessageContaining("refuses_one_actor");
      } else {
        assertThat(outcome.failure()).as("append of %s, queued beside the refused one", outcome.event()).isNull();
        assertThat(auditLog.query(new AuditQuery(Optional.of(outcome.event().actor()), Optional.of(outcome.event().type()),
            Optional.empty(), Optional.empty(), 10))).contains(outcome.entry());
      }
    }
    assertThat(auditLog.verify().intact()).as("the chain after a refused entry").isTrue();
  }

  @Test
  void anEntryWaitsForAConnectionInsteadOfFailingWhenThePoolIsBusyForAMoment() throws Exception {
    try (HikariDataSource onlyOne = postgres.pool(1)) {
      onlyOne.setConnectionTimeout(500);
      JdbcAuditLog busyLog = new JdbcAuditLog(onlyOne, new TransactionTemplate(new DataSourceTransactionManager(onlyOne)),
          JsonMapper.builder().build(), Clock.systemUTC());
      busyLog.append(new AuditEvent("test.pool-warm", "user-pool", Map.of()));
      java.util.concurrent.CompletableFuture<AuditEntry> appended = new java.util.concurrent.CompletableFuture<>();
      try (java.sql.Connection taken = onlyOne.getConnection()) {
        Thread.ofVirtual().start(() -> {
          try {
            appended.complete(busyLog.append(new AuditEvent("test.pool-busy", "user-pool", Map.of())));
          } catch (RuntimeException e) {
            appended.completeExceptionally(e);
          }
        });
        awaitCondition("the append waits for the pool's only connection",
            () -> onlyOne.getHikariPoolMXBean().getThreadsAwaitingConnection() == 1);
        // Longer than one connection timeout (500 ms), shorter than the three attempts an entry gets.
        Thread.sleep(700);
      }
      assertThat(appended.get(30, java.util.concurrent.TimeUnit.SECONDS).event().type())
          .as("the entry, written once the connection was back after its first attempt timed out")
          .isEqualTo("test.pool-busy");
    }
  }

  private record Outcome(AuditEvent event, AuditEntry entry, Throwable failure) {}

  /**
   * Holds the table's lock from another connection, lets {@code first} start writing and block on
   * it, queues {@code rest} behind that writer, then lets go and collects every outcome.
   */
  private static List<Outcome> appendWhileAnotherWriterHoldsTheTable(AuditEvent first, List<AuditEvent> rest)
      throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
    try (java.sql.Connection holder = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      holder.createStatement().execute("LOCK TABLE audit_log.entry IN SHARE ROW EXCLUSIVE MODE");
      threads.add(Thread.ofVirtual().start(() -> outcomes.add(appendCatching(first))));
      awaitCondition("the first writer waits for the table's lock", () -> JdbcClient.create(dataSource).sql("""
              SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'audit_log.entry'::regclass""")
          .query(Long.class).single() == 1);
      for (AuditEvent event : rest) {
        threads.add(Thread.ofVirtual().start(() -> outcomes.add(appendCatching(event))));
      }
      // The first writer waits in the database; the others wait for it in the audit log.
      awaitCondition("every later append waits", () -> threads.stream().skip(1)
          .allMatch(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING));
      holder.commit();
    }
    for (Thread thread : threads) {
      thread.join(java.time.Duration.ofSeconds(30));
      assertThat(thread.isAlive()).as("an append still running 30 s after the table was released").isFalse();
    }
    return outcomes;
  }

  private static Outcome appendCatching(AuditEvent event) {
    try {
      return new Outcome(event, auditLog.append(event), null);
    } catch (RuntimeException e) {
      return new Outcome(event, null, e);
    }
  }

  private static void awaitCondition(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting 30 s until %s", what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** Rows written in one transaction share their {@code xmin}. */
  private static long transactionsThatWrote(List<Long> sequences) {
    return JdbcClient.create(dataSource).sql("""
            SELECT count(DISTINCT xmin::text) FROM audit_log.entry WHERE sequence = ANY (?)""")
        .param(sequences.toArray(Long[]::new)).query(Long.class).single();
  }

  @Test
  void readsBackExactlyWhatWasAppended() {
    AuditEntry appended = auditLog.append(new AuditEvent("test.exact", "u-ü", Map.of("quote", "it's \"x\"", "nul", "a\\u0000")));
    AuditEntry read = auditLog.recent(1).getFirst();
    assertThat(read).isEqualTo(appended);
  }

  /** Destructive tests start from an empty log, so each finds only its own damage. */
  private static void startAfresh() {
    JdbcClient.create(dataSource).sql("TRUNCATE audit_log.entry").update();
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void changingAnEntryBehindThePlatformsBackBreaksItsHash() {
    startAfresh();
    auditLog.append(AuditEvent.system("test.before-tampering", Map.of()));
    AuditEntry appended = auditLog.append(AuditEvent.system("test.tampered", Map.of("amount", "10")));
    JdbcClient.create(dataSource).sql("UPDATE audit_log.entry SET attributes = '{\"amount\":\"1000\"}' WHERE sequence = ?")
        .param(appended.sequence()).update();
    AuditEntry read = auditLog.recent(1).getFirst();
    assertThat(AuditChain.hash(read.previousHash(), read.sequence(), read.recordedAt(), read.event()))
        .as("the stored hash no longer matches the edited entry").isNotEqualTo(read.hash());
    AuditVerification verification = auditLog.verify();
    assertThat(verification.intact()).isFalse();
    assertThat(verification.firstBroken()).contains(appended.sequence());
    assertThat(verification.problem()).hasValueSatisfying(problem -> assertThat(problem).contains("was changed"));
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void verificationWalksTheWholeChainAndFindsAMissingEntry() {
    startAfresh();
    for (int i = 0; i < 5; i++) {
      auditLog.append(AuditEvent.system("test.verified", Map.of("i", "" + i)));
    }
    AuditVerification intact = auditLog.verify();
    assertThat(intact.intact()).as("chain before any tampering: %s", intact).isTrue();
    assertThat(intact.entries()).isEqualTo(auditLog.recent(1).getFirst().sequence());

    long removed = auditLog.recent(3).get(1).sequence();
    JdbcClient.create(dataSource).sql("DELETE FROM audit_log.entry WHERE sequence = ?").param(removed).update();
    AuditVerification gap = auditLog.verify();
    assertThat(gap.firstBroken()).contains(removed);
    assertThat(gap.problem()).hasValueSatisfying(problem -> assertThat(problem).contains("is missing"));
  }

  @Test
  void operatorsQueryByActorTypeAndTime() {
    java.time.Instant before = java.time.Instant.now().minusSeconds(1);
    auditLog.append(new AuditEvent("test.query", "operator-query-actor", Map.of()));
    auditLog.append(new AuditEvent("test.other", "operator-query-actor", Map.of()));
    assertThat(auditLog.query(new AuditQuery(Optional.of("operator-query-actor"), Optional.empty(), Optional.empty(),
        Optional.empty(), 10))).extracting(entry -> entry.event().type()).containsExactly("test.other", "test.query");
    assertThat(auditLog.query(new AuditQuery(Optional.of("operator-query-actor"), Optional.of("test.query"),
        Optional.of(before), Optional.empty(), 10))).hasSize(1);
    assertThat(auditLog.query(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(before), 1000)))
        .noneMatch(entry -> entry.event().actor().equals("operator-query-actor"));
    assertThatThrownBy(() -> new AuditQuery(Optional.empty(), Optional.empty(), Optional.of(before), Optional.of(before), 5))
        .hasMessageContaining("from must be before to");
  }

  @Test
  void refusesPageSizesOutsideItsLimits() {
    assertThatThrownBy(() -> auditLog.recent(0)).hasMessageContaining("between 1 and 1000");
    assertThatThrownBy(() -> auditLog.recent(1001)).hasMessageContaining("between 1 and 1000");
  }
}
