package dev.taidon.envmanager.internal;

import dev.taidon.envmanager.Presence;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The env-manager's metrics, with stable names (see docs/operations.md):
 * {@code taidon_sandbox_open_seconds{path=hot|warm|cold}} — how long making a sandbox hot took, by
 * where it started from; {@code taidon_sandboxes{presence}} — sandboxes per presence, refreshed by
 * every upkeep pass; {@code taidon_sandbox_disk_checks_total{result=measured|skipped}} — the disk
 * watchdog's look at each running sandbox: its data walked, or left alone because what its server
 * wrote since the last walk cannot have taken it past the disk limit;
 * {@code taidon_sandbox_room_stops_total} — running sandboxes stopped, before their idle time, to
 * make room for another within {@code taidon.sandbox.machine-max-hot}; {@code
 * taidon_sandbox_machine_limit} — that limit, to compare {@code taidon_sandboxes{presence="hot"}}
 * with; {@code taidon_sandbox_pool_claims_total{use=new|reset}} — pooled sandboxes handed to
 * learners, as a new sandbox or in place of one being reset.
 */
final class SandboxMetrics {
  private final Map<Presence, Timer> openTimers = new EnumMap<>(Presence.class);
  private final Map<Presence, AtomicLong> counts = new EnumMap<>(Presence.class);
  private final Counter diskMeasured;
  private final Counter diskSkipped;
  private final Counter roomStops;
  private final Counter newFromPool;
  private final Counter resetFromPool;

  SandboxMetrics(MeterRegistry registry, int machineMaxHot) {
    diskMeasured = Counter.builder("taidon.sandbox.disk.checks").tag("result", "measured")
        .description("Running sandboxes the disk watchdog looked at, by whether it walked their data").register(registry);
    diskSkipped = Counter.builder("taidon.sandbox.disk.checks").tag("result", "skipped")
        .description("Running sandboxes the disk watchdog looked at, by whether it walked their data").register(registry);
    roomStops = Counter.builder("taidon.sandbox.room.stops")
        .description("Running sandboxes stopped before their idle time to keep the machine within its limit")
        .register(registry);
    newFromPool = Counter.builder("taidon.sandbox.pool.claims").tag("use", "new")
        .description("Pooled sandboxes handed to learners, as a new sandbox or in place of one being reset")
        .register(registry);
    resetFromPool = Counter.builder("taidon.sandbox.pool.claims").tag("use", "reset")
        .description("Pooled sandboxes handed to learners, as a new sandbox or in place of one being reset")
        .register(registry);
    Gauge.builder("taidon.sandbox.machine.limit", () -> machineMaxHot)
        .description("The most sandboxes that may run at once on this machine (taidon.sandbox.machine-max-hot)")
        .register(registry);
    for (Presence presence : Presence.values()) {
      String from = presence.name().toLowerCase(java.util.Locale.ROOT);
      openTimers.put(presence, Timer.builder("taidon.sandbox.open")
          .description("Time to make a sandbox hot, by the presence it started from")
          .tag("path", from)
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(1))
          .maximumExpectedValue(Duration.ofSeconds(30))
          .register(registry));
      AtomicLong count = new AtomicLong();
      counts.put(presence, count);
      Gauge.builder("taidon.sandboxes", count, AtomicLong::get)
          .description("Sandboxes by presence")
          .tag("presence", from)
          .register(registry);
    }
  }

  void opened(Presence from, long nanos) {
    openTimers.get(from).record(Duration.ofNanos(nanos));
  }

  void diskChecked(boolean measured) {
    (measured ? diskMeasured : diskSkipped).increment();
  }

  void claimedFromPool(boolean inPlaceOfAnother) {
    (inPlaceOfAnother ? resetFromPool : newFromPool).increment();
  }

  void stoppedForRoom() {
    roomStops.increment();
  }

  void counted(Map<Presence, Long> byPresence) {
    counts.forEach((presence, count) -> count.set(byPresence.getOrDefault(presence, 0L)));
  }
}
