package dev.taidon.gateway.internal;

import dev.taidon.auditlog.AuditEntry;
import dev.taidon.auditlog.AuditEvent;
import dev.taidon.auditlog.AuditLog;
import dev.taidon.auditlog.AuditQuery;
import dev.taidon.auditlog.AuditVerification;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit log for operators: queries and chain verification. */
@RestController
class AuditController {
  private final AuditLog auditLog;

  AuditController(AuditLog auditLog) {
    this.auditLog = auditLog;
  }

  @GetMapping("/api/v1/audit")
  List<AuditEntry> query(HttpServletRequest request, @RequestParam Optional<String> actor,
      @RequestParam Optional<String> type, @RequestParam Optional<String> from, @RequestParam Optional<String> to,
      @RequestParam(defaultValue = "100") int limit) {
    AccessTokenVerifier.Caller operator = requireOperator(request);
    AuditQuery query = new AuditQuery(actor, type, instant("from", from), instant("to", to), limit);
    List<AuditEntry> entries = auditLog.query(query);
    // Reading the log is itself an operator action the log keeps.
    Map<String, String> attributes = new LinkedHashMap<>();
    actor.ifPresent(value -> attributes.put("actor", value));
    type.ifPresent(value -> attributes.put("type", value));
    from.ifPresent(value -> attributes.put("from", value));
    to.ifPresent(value -> attributes.put("to", value));
    attributes.put("returned", Integer.toString(entries.size()));
    auditLog.append(new AuditEvent("audit.queried", operator.accountId(), attributes));
    return entries;
  }

  @GetMapping("/api/v1/audit/verification")
  AuditVerification verification(HttpServletRequest request) {
    AccessTokenVerifier.Caller operator = requireOperator(request);
    AuditVerification verification = auditLog.verify();
    auditLog.append(new AuditEvent("audit.verified", operator.accountId(),
        Map.of("entries", Long.toString(verification.entries()), "intact", Boolean.toString(verification.intact()))));
    return verification;
  }

  private static AccessTokenVerifier.Caller requireOperator(HttpServletRequest request) {
    AccessTokenVerifier.Caller caller = (AccessTokenVerifier.Caller) request.getAttribute(BearerAuthentication.CALLER);
    if (caller == null || !caller.operator()) {
      throw new TaidonException(ErrorCode.FORBIDDEN, "the audit log is for operators (taidon.auth.operators)");
    }
    return caller;
  }

  private static Optional<Instant> instant(String name, Optional<String> value) {
    try {
      return value.map(Instant::parse);
    } catch (DateTimeParseException e) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, name + " must be an ISO-8601 instant such as "
          + "2026-11-27T10:00:00Z");
    }
  }
}
