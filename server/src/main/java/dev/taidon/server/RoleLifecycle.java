package dev.taidon.server;

import dev.taidon.auditlog.AuditEvent;
import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.TaidonException;
import dev.taidon.core.role.RoleModule;
import dev.taidon.core.role.RoleSchemas;
import dev.taidon.core.role.RoleService;
import dev.taidon.core.role.RoleStates;
import dev.taidon.core.role.RoleStatus;
import dev.taidon.core.role.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the roles of this process in dependency order (schema migration, then the role's
 * services) and stops them in reverse order. It runs before the web server opens its port and
 * stops after the port is closed, so no request reaches a role that is not up.
 */
final class RoleLifecycle implements SmartLifecycle {
  /** Before the web server's start (and after its stop), which Spring Boot runs at DEFAULT_PHASE - 1024. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  private static final Logger log = LoggerFactory.getLogger(RoleLifecycle.class);

  private final Topology topology;
  private final RoleStates states;
  private final List<RoleService> services;
  private final DataSource controlDatabase;
  private final AuditLog auditLog;
  private final boolean recordPlatformEvents;
  private final List<RoleModule> started = new ArrayList<>();
  private volatile boolean running;

  RoleLifecycle(Topology topology, RoleStates states, List<RoleService> services, DataSource controlDatabase,
      AuditLog auditLog, boolean recordPlatformEvents) {
    this.recordPlatformEvents = recordPlatformEvents;
    this.topology = topology;
    this.states = states;
    this.services = services;
    this.controlDatabase = controlDatabase;
    this.auditLog = auditLog;
  }

  @Override
  public void start() {
    long all = System.nanoTime();
    for (String name : topology.local()) {
      RoleModule role = topology.graph().role(name);
      long began = System.nanoTime();
      states.set(name, RoleStatus.STARTING);
      RoleSchemas.migrate(controlDatabase, role);
      servicesOf(name).forEach(RoleService::start);
      started.add(role);
      states.set(name, RoleStatus.UP);
      log.info("Role {} up in {} ms", name, (System.nanoTime() - began) / 1_000_000);
    }
    running = true;
    log.info("Roles up in {} ms: {}", (System.nanoTime() - all) / 1_000_000, String.join(", ", topology.local()));
    record("platform.started");
  }

  @Override
  public void stop() {
    record("platform.stopping");
    for (RoleModule role : started.reversed()) {
      states.set(role.name(), RoleStatus.STOPPING);
      for (RoleService service : servicesOf(role.name()).reversed()) {
        try {
          service.stop();
        } catch (RuntimeException e) {
          log.error("Role {} did not stop cleanly", role.name(), e);
        }
      }
      states.set(role.name(), RoleStatus.DOWN);
    }
    started.clear();
    running = false;
  }

  private void record(String type) {
    if (!recordPlatformEvents) {
      return;
    }
    try {
      auditLog.append(AuditEvent.system(type, Map.of("roles", String.join(",", topology.local()),
          "pid", Long.toString(ProcessHandle.current().pid()))));
    } catch (TaidonException e) {
      log.warn("Could not record {} in the audit log: {}", type, e.getMessage());
    }
  }

  private List<RoleService> servicesOf(String role) {
    return services.stream().filter(service -> service.role().equals(role)).toList();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
