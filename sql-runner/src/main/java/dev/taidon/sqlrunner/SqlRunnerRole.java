package dev.taidon.sqlrunner;

import dev.taidon.core.role.RoleModule;
import dev.taidon.sqlrunner.internal.SqlRunnerConfiguration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The sql-runner role: planning, deterministic replay and execution of SQL chains with limits and streaming results. */
public final class SqlRunnerRole {
  public static final String NAME = "sql-runner";

  public static final RoleModule MODULE = new RoleModule(
      NAME,
      "planning, deterministic replay and execution of SQL chains with limits and streaming results.",
      Set.of("env-manager", "snapshot-cache", "user-profile", "vcs-sync", "audit-log"),
      SqlRunnerConfiguration.class,
      List.of(SqlRunner.class),
      Optional.of("sql_runner"));

  private SqlRunnerRole() {}
}
