package dev.taidon.envmanager.internal;

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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    return new LocalSandboxRuntime(local, binaries, account, runner, data, settings.startTimeout());
  }

  @Bean
  SandboxManager envManager(LocalSandboxRuntime runtime, SnapshotCache cache, JdbcClient jdbc,
      TransactionTemplate transactions, SandboxSettings settings, PostgresBinaries binaries) {
    return new SandboxManager(runtime, cache, jdbc, transactions, settings, EngineDescription.of(binaries.version()));
  }

  /**
   * At start: stop servers a crashed platform left behind, reconcile, build the root state, fill
   * the pool, then run upkeep periodically. At stop: stop every sandbox, keeping its data.
   */
  @Bean
  RoleService sandboxUpkeep(SandboxManager manager, LocalSandboxRuntime runtime, SandboxSettings settings) {
    return new RoleService() {
      private ScheduledExecutorService scheduler;

      @Override
      public String role() {
        return EnvManagerRole.NAME;
      }

      @Override
      public void start() {
        runtime.stopOrphans();
        manager.reconcile();
        manager.ensureRootState();
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sandbox-upkeep").daemon().factory());
        long interval = settings.maintenanceInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
          try {
            manager.maintain();
          } catch (RuntimeException e) {
            log.warn("Sandbox upkeep failed: {}", e.getMessage(), e);
          }
        }, 0, interval, TimeUnit.MILLISECONDS);
      }

      @Override
      public void stop() {
        scheduler.shutdownNow();
        try {
          scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        manager.stopAll();
      }
    };
  }
}
