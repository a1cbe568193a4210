package dev.taidon.auditlog;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.time.Instant;
import java.util.Optional;

/**
 * Which audit entries an operator asks for: every filter is optional; newest first.
 *
 * @param actor only entries of this actor (an account id, or {@code system})
 * @param type only entries of this type
 * @param from only entries recorded at or after this instant
 * @param to only entries recorded before this instant
 * @param limit at most this many entries, 1 to {@link AuditLog#MAX_PAGE}
 */
public record AuditQuery(Optional<String> actor, Optional<String> type, Optional<Instant> from, Optional<Instant> to,
    int limit) {

  public AuditQuery {
    if (limit < 1 || limit > AuditLog.MAX_PAGE) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "limit must be between 1 and " + AuditLog.MAX_PAGE + ", not " + limit);
    }
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "from must be before to");
    }
  }
}
