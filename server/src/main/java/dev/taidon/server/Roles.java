package dev.taidon.server;

import dev.taidon.auditlog.AuditLogRole;
import dev.taidon.core.role.RoleGraph;
import dev.taidon.envmanager.EnvManagerRole;
import dev.taidon.gateway.GatewayRole;
import dev.taidon.idp.IdpRole;
import dev.taidon.snapshotcache.SnapshotCacheRole;
import dev.taidon.sqlrunner.SqlRunnerRole;
import dev.taidon.userprofile.UserProfileRole;
import dev.taidon.vcssync.VcsSyncRole;
import java.util.List;

/** Every role this server can run: the one place that lists them. */
public final class Roles {
  private Roles() {}

  public static RoleGraph graph() {
    return new RoleGraph(List.of(
        AuditLogRole.MODULE,
        IdpRole.MODULE,
        UserProfileRole.MODULE,
        VcsSyncRole.MODULE,
        SnapshotCacheRole.MODULE,
        EnvManagerRole.MODULE,
        SqlRunnerRole.MODULE,
        GatewayRole.MODULE));
  }
}
