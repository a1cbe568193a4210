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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
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

  JdbcAuditLog(JdbcClient jdbc, TransactionTemplate transactions, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public AuditEntry append(AuditEvent event) {
    return transactions.execute(status -> {
      // One writer at a time: the chain needs the previous hash, and sequence numbers have no gaps.
      jdbc.sql("LOCK TABLE audit_log.entry IN SHARE ROW EXCLUSIVE MODE").update();
      record Last(long sequence, String hash) {}
      Last last = jdbc.sql("SELECT sequence, hash FROM audit_log.entry ORDER BY sequence DESC LIMIT 1")
          .query((rs, n) -> new Last(rs.getLong(1), rs.getString(2)))
          .optional()
          .orElse(new Last(0, AuditChain.GENESIS));
      long sequence = last.sequence() + 1;
      Instant recordedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
      String hash = AuditChain.hash(last.hash(), sequence, recordedAt, event);
      jdbc.sql("""
              INSERT INTO audit_log.entry (sequence, recorded_at, type, actor, attributes, previous_hash, hash)
              VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)""")
          .params(sequence, Timestamp.from(recordedAt), event.type(), event.actor(),
              json.writeValueAsString(event.attributes()), last.hash(), hash)
          .update();
      return new AuditEntry(sequence, recordedAt, event, last.hash(), hash);
    });
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
