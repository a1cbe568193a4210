package dev.taidon.auditlog.internal;

import dev.taidon.auditlog.AuditEntry;
import dev.taidon.auditlog.AuditEvent;
import dev.taidon.auditlog.AuditLog;
import dev.taidon.auditlog.AuditQuery;
import dev.taidon.auditlog.AuditVerification;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The audit log in the control database, table {@code audit_log.entry}. */
final class JdbcAuditLog implements AuditLog {
  private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final JsonMapper json;
  private final Clock clock;
  private final JdbcTemplate batchInserts;
  private final ConcurrentLinkedDeque<Pending> queue = new ConcurrentLinkedDeque<>();
  private final ReentrantLock writer = new ReentrantLock();

  /** Bounds a group commit's transaction, and so how long the table lock is held at once. */
  static final int MOST_PER_TRANSACTION = 500;
  /** How often a batch is tried while no connection for its transaction can be had. */
  static final int MOST_ATTEMPTS = 3;
  /** How long a waiting caller trusts the current writer before it looks at the lock again. */
  private static final long RECHECK_MILLIS = 20;

  JdbcAuditLog(DataSource dataSource, TransactionTemplate transactions, JsonMapper json, Clock clock) {
    this.jdbc = JdbcClient.create(dataSource);
    this.batchInserts = new JdbcTemplate(dataSource);
    this.transactions = transactions;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Appends by group commit: the caller queues its event and waits until a transaction holding it
   * has committed. Whoever takes the free writer lock writes every event queued so far (up to
   * {@value #MOST_PER_TRANSACTION}) in one transaction, so concurrent appends share one WAL flush
   * and one table lock instead of queueing for both one by one, each holding a pooled connection
   * while it waits.
   *
   * <p>A caller inside a transaction of its own gets its entry written in that transaction, alone,
   * so that the entry commits or rolls back with what it records; it never carries other callers'
   * entries, whose commit it cannot promise.
   */
  @Override
  public AuditEntry append(AuditEvent event) {
    Pending pending = new Pending(event);
    if (TransactionSynchronizationManager.isActualTransactionActive()) {
      return write(List.of(pending)).getFirst();
    }
    queue.add(pending);
    while (!pending.result.isDone()) {
      if (writer.tryLock()) {
        try {
          writeQueued();
        } finally {
          writer.unlock();
        }
      } else {
        // Someone is writing: wait for this entry, not for the lock. Waiting in line for the lock
        // would make every caller whose entry is already written pass through it one by one
        // before the next batch could start: a convoy, each handoff waiting for a busy core.
        awaitWritten(pending);
      }
    }
    writeWhatIsLeft();
    try {
      return pending.result.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException failure ? failure : e;
    }
  }

  /**
   * Writes entries queued while this caller's own batch was written, whose callers found the lock
   * taken and wait for their entries: whoever leaves the lock looks at the queue once more, so no
   * entry is left waiting for a writer that has gone.
   */
  private void writeWhatIsLeft() {
    while (!queue.isEmpty() && writer.tryLock()) {
      try {
        writeQueued();
      } finally {
        writer.unlock();
      }
    }
  }

  /** Waits a moment for the entry; the caller then looks at the lock again. */
  private static void awaitWritten(Pending pending) {
    try {
      pending.result.get(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaidonException(ErrorCode.INTERNAL, "interrupted while the audit entry was being written", e);
    } catch (ExecutionException | TimeoutException e) {
      // Written with a failure (reported by the caller's loop), or not yet: look again.
    }
  }

  /** Takes what is queued and writes it; a batch the database refuses is written again entry by entry. */
  private void writeQueued() {
    List<Pending> batch = new ArrayList<>();
    for (Pending next; batch.size() < MOST_PER_TRANSACTION && (next = queue.poll()) != null; ) {
      batch.add(next);
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      complete(batch, write(batch));
    } catch (DataIntegrityViolationException refused) {
      if (batch.size() == 1) {
        batch.getFirst().result.completeExceptionally(refused);
        return;
      }
      // The database refused an entry (by a rule of its own): that one must not take the others
      // down. Only then is the batch written again: after any other failure (a connection lost in
      // the commit, say) it may already be stored, and writing it again would duplicate it.
      for (Pending single : batch) {
        try {
          complete(List.of(single), write(List.of(single)));
        } catch (RuntimeException failure) {
          single.result.completeExceptionally(failure);
        }
      }
    } catch (CannotCreateTransactionException unopened) {
      // Nothing was written: no connection came. The batch goes back to the head of the queue, in
      // order, so that a moment of pool exhaustion delays its entries rather than failing them
      // all; an entry fails once its batch could not start {@value #MOST_ATTEMPTS} times.
      List<Pending> again = new ArrayList<>();
      for (Pending pending : batch) {
        if (++pending.attempts < MOST_ATTEMPTS) {
          again.add(pending);
        } else {
          pending.result.completeExceptionally(unopened);
        }
      }
      batch.removeAll(again);
      for (Pending pending : again.reversed()) {
        queue.offerFirst(pending);
      }
    } catch (RuntimeException failure) {
      batch.forEach(pending -> pending.result.completeExceptionally(failure));
    } finally {
      // Whatever went wrong, no caller may wait for an entry that nobody will write.
      for (Pending unwritten : batch) {
        unwritten.result.completeExceptionally(
            new TaidonException(ErrorCode.INTERNAL, "the audit entry was not written: its transaction ended abnormally"));
      }
    }
  }

  private static void complete(List<Pending> batch, List<AuditEntry> entries) {
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result.complete(entries.get(i));
    }
  }

  private List<AuditEntry> write(List<Pending> batch) {
    return transactions.execute(status -> {
      // One writer at a time across processes too: the chain needs the previous hash, and sequence
      // numbers have no gaps.
      jdbc.sql("LOCK TABLE audit_log.entry IN SHARE ROW EXCLUSIVE MODE").update();
      record Last(long sequence, String hash) {}
      Last last = jdbc.sql("SELECT sequence, hash FROM audit_log.entry ORDER BY sequence DESC LIMIT 1")
          .query((rs, n) -> new Last(rs.getLong(1), rs.getString(2)))
          .optional()
          .orElse(new Last(0, AuditChain.GENESIS));
      Instant recordedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
      List<AuditEntry> entries = new ArrayList<>(batch.size());
      List<Object[]> rows = new ArrayList<>(batch.size());
      long sequence = last.sequence();
      String previous = last.hash();
      for (Pending pending : batch) {
        AuditEvent event = pending.event;
        sequence++;
        String hash = AuditChain.hash(previous, sequence, recordedAt, event);
        entries.add(new AuditEntry(sequence, recordedAt, event, previous, hash));
        rows.add(new Object[] {sequence, Timestamp.from(recordedAt), event.type(), event.actor(),
            json.writeValueAsString(event.attributes()), previous, hash});
        previous = hash;
      }
      batchInserts.batchUpdate("""
          INSERT INTO audit_log.entry (sequence, recorded_at, type, actor, attributes, previous_hash, hash)
          VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)""", rows);
      return entries;
    });
  }

  /** An event waiting for the transaction that stores it. */
  private static final class Pending {
    final AuditEvent event;
    final CompletableFuture<AuditEntry> result = new CompletableFuture<>();
    /** Batches holding this entry that could not start a transaction; touched by the writer only. */
    int attempts;

    Pending(AuditEvent event) {
      this.event = event;
    }
  }

  @Override
  public List<AuditEntry> recent(int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "limit must be between 1 and " + MAX_PAGE + ", not " + limit);
    }
    return jdbc.sql("""
            SELECT sequence, recorded_at, type, actor, attributes::text, previous_hash, hash
            FROM audit_log.entry ORDER BY sequence DESC LIMIT ?""")
        .param(limit)
        .query(this::entry)
        .list();
  }

  @Override
  public List<AuditEntry> query(AuditQuery query) {
    return jdbc.sql("""
            SELECT sequence, recorded_at, type, actor, attributes::text, previous_hash, hash
              FROM audit_log.entry
             WHERE (CAST(:actor AS text) IS NULL OR actor = :actor)
               AND (CAST(:type AS text) IS NULL OR type = :type)
               AND (CAST(:from AS timestamptz) IS NULL OR recorded_at >= :from)
               AND (CAST(:to AS timestamptz) IS NULL OR recorded_at < :to)
             ORDER BY sequence DESC LIMIT :limit""")
        .param("actor", query.actor().orElse(null))
        .param("type", query.type().orElse(null))
        .param("from", query.from().map(Timestamp::from).orElse(null))
        .param("to", query.to().map(Timestamp::from).orElse(null))
        .param("limit", query.limit())
        .query(this::entry)
        .list();
  }

  /** Reads the chain in pages, so verifying a long log never holds it whole in memory. */
  @Override
  public AuditVerification verify() {
    String previous = AuditChain.GENESIS;
    long expected = 1;
    while (true) {
      List<AuditEntry> page = jdbc.sql("""
              SELECT sequence, recorded_at, type, actor, attributes::text, previous_hash, hash
                FROM audit_log.entry WHERE sequence >= ? ORDER BY sequence LIMIT ?""")
          .params(expected, MAX_PAGE).query(this::entry).list();
      if (page.isEmpty()) {
        return new AuditVerification(expected - 1, Optional.empty(), Optional.empty());
      }
      for (AuditEntry entry : page) {
        if (entry.sequence() != expected) {
          return broken(expected, expected, "entry " + expected + " is missing (the next one is " + entry.sequence() + ")");
        }
        if (!entry.previousHash().equals(previous)) {
          return broken(expected, entry.sequence(), "entry " + entry.sequence() + " does not link to the entry before it");
        }
        String recomputed = AuditChain.hash(previous, entry.sequence(), entry.recordedAt(), entry.event());
        if (!recomputed.equals(entry.hash())) {
          return broken(expected, entry.sequence(), "entry " + entry.sequence() + " was changed after it was recorded");
        }
        previous = entry.hash();
        expected++;
      }
    }
  }

  private static AuditVerification broken(long next, long sequence, String problem) {
    return new AuditVerification(next - 1, Optional.of(sequence), Optional.of(problem));
  }

  private AuditEntry entry(ResultSet rs, int row) throws SQLException {
    AuditEvent event = new AuditEvent(rs.getString("type"), rs.getString("actor"),
        json.readValue(rs.getString("attributes"), ATTRIBUTES));
    return new AuditEntry(rs.getLong("sequence"), rs.getTimestamp("recorded_at").toInstant(), event,
        rs.getString("previous_hash"), rs.getString("hash"));
  }
}
