package dev.taidon.auditlog;

import java.util.List;

/**
 * The append-only, tamper-evident record of what users and the system did. Each entry carries the
 * hash of the entry before it, so removing or changing an entry breaks every later link.
 */
public interface AuditLog {

  /** Appends an event and returns the entry as stored, with its sequence number and hash. */
  AuditEntry append(AuditEvent event);

  /** The newest entries, newest first, at most {@code limit} (1 to {@value #MAX_PAGE}). */
  List<AuditEntry> recent(int limit);

  /** Entries that match an operator's query, newest first. */
  List<AuditEntry> query(AuditQuery query);

  /**
   * Recomputes every link of the chain, oldest first, and reports the first entry that was changed,
   * removed (a gap in the sequence) or inserted behind the platform's back.
   */
  AuditVerification verify();

  int MAX_PAGE = 1000;
}
