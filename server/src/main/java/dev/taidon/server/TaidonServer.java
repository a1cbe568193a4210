package dev.taidon.server;

import dev.taidon.pg.UnixSocketJdbc;
import org.slf4j.LoggerFactory;

import dev.taidon.core.DataDirectory;
import dev.taidon.core.TaidonException;
import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.core.role.RoleGraph;
import dev.taidon.core.role.RoleModule;
import dev.taidon.core.role.Topology;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The one executable of the platform. It runs the roles named by {@code --target} in this JVM and
 * reaches the others over HTTP through the same Java interfaces, in the manner of a single binary
 * with targets.
 */
public final class TaidonServer {
  /** Exit status for a command line or configuration the server cannot run with. */
  static final int EXIT_USAGE = 2;
  /** Exit status of {@code --verify-audit} when the chain is broken. */
  static final int EXIT_AUDIT_BROKEN = 3;

  static {
    // Before anything uses the common pool: control-database reads over junixsocket poll there.
    UnixSocketJdbc.widenCommonPool();
  }

  private TaidonServer() {}

  public static void main(String[] args) {
    try {
      ServerOptions options = ServerOptions.parse(args);
      if (options.verifyAudit()) {
        System.exit(verifyAudit(options));
      }
      start(args);
    } catch (TaidonException e) {
      System.err.println("taidon: " + e.getMessage());
      System.exit(EXIT_USAGE);
    } catch (RuntimeException e) {
      // Spring Boot has logged the failure; say in one line what went wrong and exit non-zero.
      System.err.println("taidon: the server could not start: " + rootMessage(e));
      System.exit(1);
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      if (cause instanceof TaidonException) {
        break;
      }
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  /**
   * Starts a server from command-line arguments; returns {@code null} when the arguments only asked
   * for information ({@code --help}, {@code --list-targets}).
   */
  public static ConfigurableApplicationContext start(String... args) {
    if (UnixSocketJdbc.widenCommonPool() < UnixSocketJdbc.COMMON_POOL_PARALLELISM) {
      LoggerFactory.getLogger(TaidonServer.class).warn("The common fork-join pool has {} workers, not {}: it was in use"
          + " before the server started, and socket reads of virtual threads may wait on each other",
          java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(), UnixSocketJdbc.COMMON_POOL_PARALLELISM);
    }
    ServerOptions options = ServerOptions.parse(args);
    RoleGraph graph = Roles.graph();
    if (options.help()) {
      System.out.print(ServerOptions.USAGE);
      return null;
    }
    if (options.listTargets()) {
      System.out.print(graph.describe());
      return null;
    }
    List<RoleModule> local = graph.select(options.target());
    Topology topology = new Topology(graph, local.stream().map(RoleModule::name).toList(), options.roleUrls());
    DataDirectory data = new DataDirectory(options.dataDirectory().orElseGet(TaidonServer::defaultDataDirectory));
    DataDirectoryLock lock = DataDirectoryLock.acquire(data);

    List<Class<?>> sources = new ArrayList<>();
    sources.add(ServerConfiguration.class);
    local.forEach(role -> sources.add(role.configuration()));
    SpringApplication application = new SpringApplication(sources.toArray(Class<?>[]::new));
    application.setBannerMode(Banner.Mode.OFF);
    application.setDefaultProperties(defaultProperties(options, data));
    application.addInitializers(context -> {
      GenericApplicationContext registry = (GenericApplicationContext) context;
      registry.registerBean(DataDirectory.class, () -> data);
      registry.registerBean(Topology.class, () -> topology);
      registry.registerBean(DataDirectoryLock.class, () -> lock, definition -> definition.setDestroyMethodName("close"));
      registerRemoteApis(registry, topology);
    });
    return application.run(options.springArguments().toArray(String[]::new));
  }

  /**
   * Checks the audit chain of a stopped server's data directory: starts the control database and
   * the audit-log role only, serves nothing, records nothing, prints the result.
   */
  static int verifyAudit(ServerOptions options) {
    List<String> arguments = new ArrayList<>(List.of("--target=audit-log"));
    options.dataDirectory().ifPresent(dir -> arguments.add("--data-dir=" + dir));
    arguments.addAll(options.springArguments());
    arguments.add("--spring.main.web-application-type=none");
    arguments.add("--taidon.audit.platform-events=false");
    arguments.add("--taidon.internal-token=" + java.util.UUID.randomUUID() + java.util.UUID.randomUUID());
    arguments.add("--logging.level.root=warn");
    try (ConfigurableApplicationContext context = start(arguments.toArray(String[]::new))) {
      dev.taidon.auditlog.AuditVerification result = context.getBean(dev.taidon.auditlog.AuditLog.class).verify();
      if (result.intact()) {
        System.out.println("audit log intact: " + result.entries() + " entries, every link verified");
        return 0;
      }
      System.out.println("audit log BROKEN at entry " + result.firstBroken().orElseThrow() + ": "
          + result.problem().orElseThrow() + " (" + result.entries() + " entries before it verified)");
      return EXIT_AUDIT_BROKEN;
    }
  }

  /** Each API of a role that runs elsewhere becomes a bean that calls it over HTTP. */
  private static void registerRemoteApis(GenericApplicationContext registry, Topology topology) {
    topology.remote().forEach((name, url) -> {
      for (Class<?> api : topology.graph().role(name).api()) {
        registerProxy(registry, api, name, url);
      }
    });
  }

  private static <T> void registerProxy(GenericApplicationContext registry, Class<T> api, String role, URI url) {
    registry.registerBean(api, () -> registry.getBean(RemoteRoleClient.class).proxy(api, role, url));
  }

  private static Map<String, Object> defaultProperties(ServerOptions options, DataDirectory data) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("server.port", options.port().orElse(8080));
    properties.put("taidon.data-dir", data.root().toString());
    if (options.jsonLogs()) {
      properties.put("logging.structured.format.console", "logstash");
    }
    return properties;
  }

  /**
   * {@code $TAIDON_DATA_DIR}; otherwise {@code /var/lib/taidon} for root, whose home PostgreSQL's
   * unprivileged account cannot enter, and {@code $XDG_DATA_HOME/taidon} or
   * {@code ~/.local/share/taidon} for everyone else.
   */
  static Path defaultDataDirectory() {
    String configured = System.getenv("TAIDON_DATA_DIR");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    if ("root".equals(System.getProperty("user.name"))) {
      return Path.of("/var/lib/taidon");
    }
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("taidon");
  }
}
