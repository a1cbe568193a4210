package dev.taidon.envmanager;

import dev.taidon.core.role.RoleModule;
import dev.taidon.envmanager.internal.EnvManagerConfiguration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The env-manager role: sandbox lifecycle on the pinned PostgreSQL engine: create, clone, start, stop, delete, TTLs, limits. */
public final class EnvManagerRole {
  public static final String NAME = "env-manager";

  public static final RoleModule MODULE = new RoleModule(
      NAME,
      "sandbox lifecycle on the pinned PostgreSQL engine: create, clone, start, stop, delete, TTLs, limits.",
      Set.of("snapshot-cache", "audit-log"),
      EnvManagerConfiguration.class,
      List.of(EnvManager.class),
      Optional.of("env_manager"));

  private EnvManagerRole() {}
}
