package dev.taidon.envmanager;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Sandbox limits and idle times ({@code taidon.sandbox.*}), validated at start.
 *
 * @param anonymousMaxSandboxes sandboxes an anonymous account may have
 * @param anonymousMaxHot of those, how many may run at once
 * @param anonymousHotIdle an anonymous sandbox unused this long is stopped (hot to warm)
 * @param anonymousWarmIdle an anonymous sandbox stopped this long loses its data (warm to cold)
 * @param registeredMaxSandboxes sandboxes a registered account may have
 * @param registeredMaxHot of those, how many may run at once
 * @param registeredHotIdle idle time before a registered sandbox is stopped
 * @param registeredWarmIdle idle time before a registered sandbox loses its data
 * @param diskLimit the most a sandbox's data may grow to; beyond it the sandbox is stopped
 * @param poolSize pre-started sandboxes kept at each pooled state, for instant hand-out
 * @param poolStates besides the root state, how many of the states most asked for lately get a pool
 * @param startTimeout how long a sandbox may take to start
 * @param maintenanceInterval how often idle times, disk limits and the pool are checked
 * @param processMemoryLimit the most private memory each process of a sandbox's server may take
 *     ({@code RLIMIT_DATA}; shared buffers are not counted): a learner who raises {@code work_mem}
 *     or builds a huge value gets "out of memory" (53200) instead of the machine's memory; 0 for none
 * @param machineMaxHot the most sandboxes running at once on the machine, whatever their owners; 0
 *     (the default) for as many as {@link #hotSandboxesFitting(long)} the machine's memory
 */
@ConfigurationProperties("taidon.sandbox")
public record SandboxSettings(
    @DefaultValue("3") int anonymousMaxSandboxes,
    @DefaultValue("1") int anonymousMaxHot,
    @DefaultValue("10m") Duration anonymousHotIdle,
    @DefaultValue("2h") Duration anonymousWarmIdle,
    @DefaultValue("20") int registeredMaxSandboxes,
    @DefaultValue("3") int registeredMaxHot,
    @DefaultValue("30m") Duration registeredHotIdle,
    @DefaultValue("7d") Duration registeredWarmIdle,
    @DefaultValue("1GB") DataSize diskLimit,
    @DefaultValue("2") int poolSize,
    @DefaultValue("3") int poolStates,
    @DefaultValue("30s") Duration startTimeout,
    @DefaultValue("15s") Duration maintenanceInterval,
    @DefaultValue("256MB") DataSize processMemoryLimit,
    @DefaultValue("0") int machineMaxHot) {

  /**
   * What a hot sandbox is budgeted on the machine: its processes' proportional set size idle (5–9
   * MiB measured) with page tables and what its session holds, as issue #3's density goal puts it.
   */
  public static final DataSize HOT_SANDBOX_BUDGET = DataSize.ofMegabytes(12);
  /**
   * The share of the machine's memory hot sandboxes may take by default: the rest is for the
   * platform, the control database, the page cache the state store reads through, and learners'
   * queries that use more than an idle sandbox.
   */
  public static final double HOT_SANDBOX_MEMORY_SHARE = 0.6;

  public SandboxSettings {
    positive("anonymous-max-sandboxes", anonymousMaxSandboxes);
    positive("anonymous-max-hot", anonymousMaxHot);
    positive("registered-max-sandboxes", registeredMaxSandboxes);
    positive("registered-max-hot", registeredMaxHot);
    if (poolSize < 0 || poolSize > 100) {
      throw invalid("taidon.sandbox.pool-size must be between 0 and 100, not " + poolSize);
    }
    if (poolStates < 0 || poolStates > 50) {
      throw invalid("taidon.sandbox.pool-states must be between 0 and 50, not " + poolStates);
    }
    if (processMemoryLimit.toBytes() != 0 && processMemoryLimit.toMegabytes() < 64) {
      throw invalid("taidon.sandbox.process-memory-limit must be 0 (none) or at least 64MB, not " + processMemoryLimit);
    }
    if (machineMaxHot < 0) {
      throw invalid("taidon.sandbox.machine-max-hot must be 0 (as many as the memory holds) or a number of"
          + " sandboxes, not " + machineMaxHot);
    }
    if (diskLimit.toMegabytes() < 16) {
      throw invalid("taidon.sandbox.disk-limit must be at least 16MB, not " + diskLimit);
    }
    for (Duration duration : new Duration[] {anonymousHotIdle, anonymousWarmIdle, registeredHotIdle, registeredWarmIdle,
        startTimeout, maintenanceInterval}) {
      if (duration.isNegative() || duration.isZero()) {
        throw invalid("taidon.sandbox durations must be positive, not " + duration);
      }
    }
  }

  public int maxSandboxes(OwnerKind kind) {
    return kind == OwnerKind.REGISTERED ? registeredMaxSandboxes : anonymousMaxSandboxes;
  }

  public int maxHot(OwnerKind kind) {
    return kind == OwnerKind.REGISTERED ? registeredMaxHot : anonymousMaxHot;
  }

  public Duration hotIdle(OwnerKind kind) {
    return kind == OwnerKind.REGISTERED ? registeredHotIdle : anonymousHotIdle;
  }

  public Duration warmIdle(OwnerKind kind) {
    return kind == OwnerKind.REGISTERED ? registeredWarmIdle : anonymousWarmIdle;
  }

  /**
   * The most sandboxes that may run at once on a machine with {@code memoryBytes} of memory: the
   * configured number, or {@link #hotSandboxesFitting(long)}.
   */
  public int machineMaxHot(long memoryBytes) {
    return machineMaxHot > 0 ? machineMaxHot : hotSandboxesFitting(memoryBytes);
  }

  /** How many hot sandboxes {@link #HOT_SANDBOX_MEMORY_SHARE} of the memory holds at {@link #HOT_SANDBOX_BUDGET} each; at least one. */
  public static int hotSandboxesFitting(long memoryBytes) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE,
        (long) (memoryBytes * HOT_SANDBOX_MEMORY_SHARE) / HOT_SANDBOX_BUDGET.toBytes()));
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw invalid("taidon.sandbox." + name + " must be at least 1, not " + value);
    }
  }

  private static TaidonException invalid(String message) {
    return new TaidonException(ErrorCode.INVALID_CONFIGURATION, message);
  }
}
