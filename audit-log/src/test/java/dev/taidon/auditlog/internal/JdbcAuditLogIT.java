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
    auditLog = new JdbcAuditLog(JdbcClient.create(dataSource),
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
