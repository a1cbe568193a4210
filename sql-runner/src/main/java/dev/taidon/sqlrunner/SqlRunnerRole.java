package dev.taidon.sqlrunner;

import dev.taidon.sqlrunner.internal.SqlRunnerConfiguration;
import dev.taidon.core.role.RoleModule;
import java.util.List;
import java.util.Set;

/** The sql-runner role: planning, deterministic replay and execution of SQL chains with limits and streaming results. */
public final class SqlRunnerRole implements RoleModule {
  public static final String NAME = "sql-runner";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "planning, deterministic replay and execution of SQL chains with limits and streaming results.";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("env-manager", "snapshot-cache", "user-profile", "audit-log");
  }

  @Override
  public Class<?> configuration() {
    return SqlRunnerConfiguration.class;
  }

  @Override
  public List<Class<?>> api() {
    return List.of();
  }
}
