package dev.taidon.server;

import dev.taidon.core.role.RoleStates;
import dev.taidon.core.role.RoleStatus;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health contributor {@code roles}: UP when every role of this process is up. */
@Component("roles")
class RolesHealthIndicator implements HealthIndicator {
  private final RoleStates states;

  RolesHealthIndicator(RoleStates states) {
    this.states = states;
  }

  @Override
  public Health health() {
    Map<String, RoleStatus> snapshot = states.snapshot();
    boolean allUp = snapshot.values().stream().allMatch(status -> status == RoleStatus.UP);
    return (allUp ? Health.up() : Health.outOfService()).withDetails(Map.copyOf(snapshot)).build();
  }
}
