package dev.taidon.snapshotcache;

import dev.taidon.core.role.RoleModule;
import dev.taidon.snapshotcache.internal.SnapshotCacheConfiguration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The snapshot-cache role: the state tree and its copy-on-write snapshots: lookup, publish, pin, retention, eviction. */
public final class SnapshotCacheRole {
  public static final String NAME = "snapshot-cache";

  public static final RoleModule MODULE = new RoleModule(
      NAME,
      "the state tree and its copy-on-write snapshots: lookup, publish, pin, retention, eviction.",
      Set.of("audit-log"),
      SnapshotCacheConfiguration.class,
      List.of(SnapshotCache.class),
      Optional.of("snapshot_cache"));

  private SnapshotCacheRole() {}
}
