package dev.taidon.userprofile;

import dev.taidon.userprofile.internal.UserProfileConfiguration;
import dev.taidon.core.role.RoleModule;
import java.util.List;
import java.util.Set;

/** The user-profile role: accounts, sandboxes and worksheets per owner, quotas and limits. */
public final class UserProfileRole implements RoleModule {
  public static final String NAME = "user-profile";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "accounts, sandboxes and worksheets per owner, quotas and limits.";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("idp", "audit-log");
  }

  @Override
  public Class<?> configuration() {
    return UserProfileConfiguration.class;
  }

  @Override
  public List<Class<?>> api() {
    return List.of();
  }
}
