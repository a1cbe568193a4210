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

  int MAX_PAGE = 1000;
}
