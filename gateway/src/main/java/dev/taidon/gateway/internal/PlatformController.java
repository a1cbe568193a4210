package dev.taidon.gateway.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.taidon.core.TaidonException;
import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.core.role.RoleModule;
import dev.taidon.core.role.RoleStates;
import dev.taidon.core.role.RoleStatus;
import dev.taidon.core.role.Topology;
import dev.taidon.envmanager.EngineInfo;
import dev.taidon.envmanager.EnvManager;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/platform}: which roles run where, whether they are up, and the engine. */
@RestController
class PlatformController {
  private static final Logger log = LoggerFactory.getLogger(PlatformController.class);

  private final Topology topology;
  private final RoleStates localStates;
  private final RemoteRoleClient remote;
  private final EnvManager envManager;
  private final String version;

  PlatformController(Topology topology, RoleStates localStates, RemoteRoleClient remote, EnvManager envManager,
      ObjectProvider<BuildProperties> build) {
    this.topology = topology;
    this.localStates = localStates;
    this.remote = remote;
    this.envManager = envManager;
    BuildProperties properties = build.getIfAvailable();
    this.version = properties == null ? "development" : properties.getVersion();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record RoleView(String name, List<String> dependsOn, String location, String url, RoleStatus status) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PlatformView(String version, List<RoleView> roles, EngineInfo engine) {}

  /**
   * Public, for the start page. The internal addresses of roles in other processes are shown to
   * operators only: to anyone else they would map the platform's network.
   */
  @GetMapping("/api/v1/platform")
  PlatformView platform(jakarta.servlet.http.HttpServletRequest request) {
    boolean operator = request.getAttribute(BearerAuthentication.CALLER) instanceof AccessTokenVerifier.Caller caller
        && caller.operator();
    Map<URI, Map<String, RoleStatus>> remoteStates = new HashMap<>();
    List<RoleView> roles = topology.graph().roles().stream().map(role -> view(role, remoteStates, operator)).toList();
    return new PlatformView(version, roles, engine());
  }

  private RoleView view(RoleModule role, Map<URI, Map<String, RoleStatus>> remoteStates, boolean showAddress) {
    List<String> dependsOn = topology.graph().names().stream().filter(role.dependsOn()::contains).toList();
    if (topology.isLocal(role.name())) {
      return new RoleView(role.name(), dependsOn, "local", null, localStates.get(role.name()));
    }
    URI url = topology.remote().get(role.name());
    if (url == null) {
      return new RoleView(role.name(), dependsOn, "absent", null, RoleStatus.DOWN);
    }
    RoleStatus status = remoteStates.computeIfAbsent(url, this::statusesAt).getOrDefault(role.name(), RoleStatus.DOWN);
    return new RoleView(role.name(), dependsOn, "remote", showAddress ? url.toString() : null, status);
  }

  private Map<String, RoleStatus> statusesAt(URI url) {
    try {
      return remote.statuses(url);
    } catch (TaidonException e) {
      log.debug("roles at {} did not answer: {}", url, e.getMessage());
      return Map.of();
    }
  }

  private EngineInfo engine() {
    try {
      return envManager.engine();
    } catch (TaidonException e) {
      log.debug("engine information unavailable: {}", e.getMessage());
      return null;
    }
  }
}
