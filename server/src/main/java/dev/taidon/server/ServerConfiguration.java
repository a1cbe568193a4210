package dev.taidon.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.DataDirectory;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.core.remote.RoleRpcEndpoint;
import dev.taidon.core.role.RoleModule;
import dev.taidon.core.role.RoleService;
import dev.taidon.core.role.RoleStates;
import dev.taidon.core.role.Topology;
import dev.taidon.core.web.ProblemResponses;
import dev.taidon.pg.OsAccount;
import dev.taidon.pg.PostgresBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.catalina.core.StandardHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import tools.jackson.databind.json.JsonMapper;

/**
 * The beans every server process has, whatever roles it runs: the data directory, the PostgreSQL
 * engine, the control database, the role lifecycle, role-to-role remoting and error responses.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableConfigurationProperties(ServerSettings.class)
@Import({ProblemResponses.class, ParameterProblems.class, ProblemErrorController.class, RolesHealthIndicator.class})
class ServerConfiguration {

  /**
   * Tomcat's base directory and document root in the data directory. By default each start makes
   * two new directories in the system's temporary directory and a killed server never removes
   * them; here every start reuses the same two.
   */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> webServerDirectories(DataDirectory data) {
    return factory -> {
      Path documentRoot = data.webServer().resolve("document-root");
      try {
        Files.createDirectories(documentRoot);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the web server's directory " + documentRoot, e);
      }
      factory.setBaseDirectory(data.webServer().toFile());
      factory.setDocumentRoot(documentRoot.toFile());
    };
  }

  /** Tomcat's own error responses (to requests no servlet sees) as problem documents too. */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
    return factory -> factory.addContextCustomizers(context -> {
      if (context.getParent() instanceof StandardHost host) {
        host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
      }
    });
  }

  @Bean
  CommandRunner commandRunner() {
    return new ProcessCommandRunner();
  }

  @Bean
  @Lazy
  OsAccount postgresAccount(CommandRunner runner, ServerSettings settings, DataDirectory data) {
    OsAccount account = OsAccount.forPostgres(runner, settings.postgresAccount());
    account.requireReachable(data.root());
    return account;
  }

  @Bean
  @Lazy
  PostgresBinaries postgresBinaries(ServerSettings settings, DataDirectory data, CommandRunner runner) {
    if (settings.postgresBinaries() != null) {
      return PostgresBinaries.at(settings.postgresBinaries(), runner);
    }
    return PostgresBinaries.pinned(Optional.ofNullable(settings.engineDirectory()).orElse(data.engine()), runner);
  }

  @Bean(initMethod = "start", destroyMethod = "stop")
  @Conditional(EmbeddedControlDatabase.Wanted.class)
  EmbeddedControlDatabase embeddedControlDatabase(ServerSettings settings, DataDirectory data,
      PostgresBinaries binaries, OsAccount account, CommandRunner runner) {
    return new EmbeddedControlDatabase(data, binaries, account, runner, settings.controlDb().startTimeout());
  }

  @Bean(destroyMethod = "close")
  HikariDataSource controlDatabase(ServerSettings settings, ObjectProvider<EmbeddedControlDatabase> embeddedProvider) {
    Optional<EmbeddedControlDatabase> embedded = Optional.ofNullable(embeddedProvider.getIfAvailable());
    HikariConfig config = new HikariConfig();
    config.setPoolName("control-db");
    config.setMaximumPoolSize(settings.controlDb().poolSize());
    config.setMinimumIdle(Math.min(2, settings.controlDb().poolSize()));
    config.setConnectionTimeout(settings.controlDb().connectionTimeout().toMillis());
    long statementTimeout = settings.controlDb().statementTimeout().toMillis();
    if (statementTimeout > 0) {
      // Set on each new connection, so it holds for every statement of every role, migrations too.
      config.setConnectionInitSql("SET statement_timeout = " + statementTimeout);
    }
    if (embedded.isPresent()) {
      config.setJdbcUrl(embedded.get().jdbcUrl());
      config.setUsername(embedded.get().username());
    } else {
      config.setJdbcUrl(settings.controlDb().url());
      config.setUsername(settings.controlDb().username());
      config.setPassword(settings.controlDb().password());
    }
    return new HikariDataSource(config);
  }

  @Bean
  RoleStates roleStates(Topology topology) {
    return new RoleStates(topology.local());
  }

  @Bean
  RemoteRoleClient remoteRoleClient(JsonMapper json, ServerSettings settings) {
    return new RemoteRoleClient(json, settings.internalToken(), Duration.ofSeconds(2), settings.roleCallTimeout());
  }

  @Bean
  RoleRpcEndpoint roleRpcEndpoint(Topology topology, ApplicationContext context, RoleStates states, JsonMapper json,
      ServerSettings settings) {
    Map<String, Map<Class<?>, Object>> served = new LinkedHashMap<>();
    for (String name : topology.local()) {
      RoleModule role = topology.graph().role(name);
      Map<Class<?>, Object> apis = new LinkedHashMap<>();
      role.api().forEach(api -> apis.put(api, context.getBean(api)));
      served.put(name, apis);
    }
    return new RoleRpcEndpoint(served, states, json, settings.internalToken());
  }

  /** Tells the operator where to go once the server answers. */
  @Bean
  ApplicationListener<ApplicationReadyEvent> readyAnnouncement(Environment environment, Topology topology) {
    Logger log = LoggerFactory.getLogger(TaidonServer.class);
    return event -> log.info("Taidon is ready at http://localhost:{}/ (roles: {})",
        environment.getProperty("local.server.port"), String.join(", ", topology.local()));
  }

  @Bean
  RoleLifecycle roleLifecycle(Topology topology, RoleStates states, List<RoleService> services, DataSource dataSource,
      AuditLog auditLog, ServerSettings settings, Environment environment) {
    settings.requireTokenWhenSplit(topology.isAllInOne());
    return new RoleLifecycle(topology, states, services, dataSource, auditLog,
        environment.getProperty("taidon.audit.platform-events", Boolean.class, true));
  }
}
