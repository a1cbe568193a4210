package dev.taidon.envmanager;

import dev.taidon.envmanager.internal.EnvManagerConfiguration;
import dev.taidon.core.role.RoleModule;
import java.util.List;
import java.util.Set;

/** The env-manager role: sandbox lifecycle on the pinned PostgreSQL engine: create, clone, start, stop, delete, TTLs, limits. */
public final class EnvManagerRole implements RoleModule {
  public static final String NAME = "env-manager";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "sandbox lifecycle on the pinned PostgreSQL engine: create, clone, start, stop, delete, TTLs, limits.";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("snapshot-cache", "audit-log");
  }

  @Override
  public Class<?> configuration() {
    return EnvManagerConfiguration.class;
  }

  @Override
  public List<Class<?>> api() {
    return List.of(EnvManager.class);
  }
}
