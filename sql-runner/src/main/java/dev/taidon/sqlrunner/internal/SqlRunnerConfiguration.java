package dev.taidon.sqlrunner.internal;

import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.role.PeriodicTask;
import dev.taidon.core.role.RoleService;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.snapshotcache.SnapshotCache;
import dev.taidon.sqlrunner.RunnerSettings;
import dev.taidon.sqlrunner.SqlRunnerRole;
import dev.taidon.sqlrunner.internal.wire.TypeNames;
import dev.taidon.userprofile.Worksheets;
import dev.taidon.vcssync.Projects;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The beans of the sql-runner role. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RunnerSettings.class)
public class SqlRunnerConfiguration {
  private static final Logger log = LoggerFactory.getLogger(SqlRunnerConfiguration.class);

  @Bean(destroyMethod = "shutdownNow")
  ScheduledExecutorService runnerWatchdog() {
    return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("runner-watchdog").daemon().factory());
  }

  @Bean(destroyMethod = "shutdownNow")
  ExecutorService runnerWorkers() {
    return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("run-", 0).factory());
  }

  @Bean
  RunStore runStore(JdbcClient jdbc, JsonMapper json) {
    return new RunStore(jdbc, json);
  }

  @Bean
  LocalSqlRunner sqlRunner(EnvManager envManager, SnapshotCache cache, Worksheets worksheets, Projects projects,
      AuditLog auditLog, RunStore store, JsonMapper json, RunnerSettings settings, MeterRegistry registry,
      ScheduledExecutorService runnerWatchdog, ExecutorService runnerWorkers) {
    TypeNames typeNames = new TypeNames();
    StepExecutor executor = new StepExecutor(runnerWatchdog, typeNames, json);
    return new LocalSqlRunner(envManager, cache, worksheets, auditLog, store, executor, new SchemaReader(json), typeNames,
        settings, json, new RunnerMetrics(registry), runnerWorkers, projects,
        new ScriptChains(envManager, cache, store, executor));
  }

  /** Sessions unused for {@code taidon.runner.session-idle} are closed, checked twice as often (at most every minute). */
  @Bean
  RoleService sessionUpkeep(LocalSqlRunner runner, RunnerSettings settings) {
    Duration every = settings.sessionIdle().dividedBy(2);
    Duration interval = every.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : every;
    return new PeriodicTask(SqlRunnerRole.NAME, "session-upkeep", interval, interval,
        () -> runner.closeIdleSessions(settings.sessionIdle()));
  }

  /**
   * At start: runs a crash cut short are recorded as interrupted, and the datasets are loaded in the
   * background. At stop: runs are cancelled and sessions closed, before env-manager stops sandboxes.
   */
  @Bean
  RoleService runnerLifecycle(LocalSqlRunner runner, RunStore store, RunnerSettings settings,
      ExecutorService runnerWorkers) {
    return new RoleService() {
      @Override
      public String role() {
        return SqlRunnerRole.NAME;
      }

      @Override
      public void start() {
        int interrupted = store.interruptUnfinished();
        if (interrupted > 0) {
          log.warn("{} runs were in progress when the platform stopped; they are recorded as interrupted", interrupted);
        }
        if (settings.prebuildDatasets()) {
          runnerWorkers.execute(runner::prebuildDatasets);
        }
      }

      @Override
      public void stop() {
        runner.closeAll();
      }
    };
  }
}
