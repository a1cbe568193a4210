package dev.taidon.auditlog;

import dev.taidon.auditlog.internal.AuditLogConfiguration;
import dev.taidon.core.role.RoleModule;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The audit-log role: append-only, tamper-evident record of user and system actions. */
public final class AuditLogRole implements RoleModule {
  public static final String NAME = "audit-log";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "append-only, tamper-evident record of user and system actions.";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of();
  }

  @Override
  public Class<?> configuration() {
    return AuditLogConfiguration.class;
  }

  @Override
  public List<Class<?>> api() {
    return List.of(AuditLog.class);
  }

  @Override
  public Optional<String> schema() {
    return Optional.of("audit_log");
  }
}
