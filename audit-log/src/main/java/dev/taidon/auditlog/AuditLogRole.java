package dev.taidon.auditlog;

import dev.taidon.core.role.RoleModule;
import dev.taidon.auditlog.internal.AuditLogConfiguration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The audit-log role: append-only, tamper-evident record of user and system actions. */
public final class AuditLogRole {
  public static final String NAME = "audit-log";

  public static final RoleModule MODULE = new RoleModule(
      NAME,
      "append-only, tamper-evident record of user and system actions.",
      Set.of(),
      AuditLogConfiguration.class,
      List.of(AuditLog.class),
      Optional.of("audit_log"));

  private AuditLogRole() {}
}
