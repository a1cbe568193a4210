package dev.taidon.snapshotcache;

import dev.taidon.snapshotcache.internal.SnapshotCacheConfiguration;
import dev.taidon.core.role.RoleModule;
import java.util.List;
import java.util.Set;

/** The snapshot-cache role: the state tree and its copy-on-write snapshots: lookup, publish, pin, retention, eviction. */
public final class SnapshotCacheRole implements RoleModule {
  public static final String NAME = "snapshot-cache";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "the state tree and its copy-on-write snapshots: lookup, publish, pin, retention, eviction.";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("audit-log");
  }

  @Override
  public Class<?> configuration() {
    return SnapshotCacheConfiguration.class;
  }

  @Override
  public List<Class<?>> api() {
    return List.of();
  }
}
