package dev.taidon.vcssync;

import dev.taidon.vcssync.internal.VcsSyncConfiguration;
import dev.taidon.core.role.RoleModule;
import java.util.List;
import java.util.Set;

/** The vcs-sync role: projects on the local file system as source of truth and Git sync on demand. */
public final class VcsSyncRole implements RoleModule {
  public static final String NAME = "vcs-sync";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "projects on the local file system as source of truth and Git sync on demand.";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("user-profile", "audit-log");
  }

  @Override
  public Class<?> configuration() {
    return VcsSyncConfiguration.class;
  }

  @Override
  public List<Class<?>> api() {
    return List.of();
  }
}
