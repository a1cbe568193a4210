package dev.taidon.envmanager.internal;

import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.DataDirectory;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.core.role.RoleService;
import dev.taidon.envmanager.EnvManagerRole;
import dev.taidon.envmanager.SandboxSettings;
import dev.taidon.pg.OsAccount;
import dev.taidon.pg.PostgresBinaries;
import dev.taidon.snapshotcache.SnapshotCache;
import dev.taidon.snapshotcache.Snapshots;
import io.micrometer.core.instrument.MeterRegistry;
import dev.taidon.core.role.PeriodicTask;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The beans of the env-manager role with the local runtime. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SandboxSettings.class)
public class EnvManagerConfiguration {
  private static final Logger log = LoggerFactory.getLogger(EnvManagerConfiguration.class);

  @Bean
  LocalSandboxRuntime sandboxRuntime(ObjectProvider<Snapshots> snapshots, PostgresBinaries binaries, OsAccount account,
      CommandRunner runner, DataDirectory data, SandboxSettings settings) {
    Snapshots local = snapshots.getIfAvailable();
    if (local == null) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION, "the local sandbox runtime clones sandboxes from this "
          + "machine's state store, so env-manager needs snapshot-cache in the same process: add snapshot-cache to --target");
    }
    return new LocalSandboxRuntime(local, binaries, account, runner, data, settings.startTimeout(),
        settings.processMemoryLimit().toBytes());
  }

  @Bean
  SandboxManager envManager(LocalSandboxRuntime runtime, SnapshotCache cache, JdbcClient jdbc,
      TransactionTemplate transactions, SandboxSettings settings, PostgresBinaries binaries, AuditLog auditLog,
      MeterRegistry registry) {
    long memory = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getTotalMemorySize();
    int machineMaxHot = settings.machineMaxHot(memory);
    log.info("At most {} sandboxes run at once on this machine ({})", machineMaxHot, settings.machineMaxHot() > 0
        ? "taidon.sandbox.machine-max-hot" : String.format("%.0f%% of its %d MiB of memory at %d MiB each;"
            + " taidon.sandbox.machine-max-hot sets another number", SandboxSettings.HOT_SANDBOX_MEMORY_SHARE * 100,
            memory >> 20, SandboxSettings.HOT_SANDBOX_BUDGET.toMegabytes()));
    return new SandboxManager(runtime, cache, jdbc, transactions, settings, EngineDescription.of(binaries.version()),
        auditLog, new SandboxMetrics(registry, machineMaxHot), machineMaxHot);
  }

  /**
   * At start: stop servers a crashed platform left behind, reconcile and build the root state. At
   * stop (after upkeep has stopped, services stop in reverse): stop every sandbox, keeping its data.
   */
  @Bean
  RoleService sandboxRecovery(SandboxManager manager, LocalSandboxRuntime runtime) {
    return new RoleService() {
      @Override
      public String role() {
        return EnvManagerRole.NAME;
      }

      @Override
      public void start() {
        runtime.stopOrphans();
        manager.reconcile();
        manager.ensureRootState();
      }

      @Override
      public void stop() {
        manager.stopAll();
      }
    };
  }

  /** Idle times, disk limits, dead servers and the pool, every {@code maintenance-interval}. */
  @Bean
  RoleService sandboxUpkeep(SandboxManager manager, SandboxSettings settings) {
    return new PeriodicTask(EnvManagerRole.NAME, "sandbox-upkeep", Duration.ZERO, settings.maintenanceInterval(),
        manager::maintain);
  }
}
