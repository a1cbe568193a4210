package dev.taidon.vcssync;

import dev.taidon.core.role.RoleModule;
import dev.taidon.vcssync.internal.VcsSyncConfiguration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The vcs-sync role: projects on the local file system as source of truth and Git sync on demand. */
public final class VcsSyncRole {
  public static final String NAME = "vcs-sync";

  public static final RoleModule MODULE = new RoleModule(
      NAME,
      "projects on the local file system as source of truth and Git sync on demand.",
      Set.of("user-profile", "audit-log"),
      VcsSyncConfiguration.class,
      List.of(Projects.class),
      Optional.of("vcs_sync"));

  private VcsSyncRole() {}
}
