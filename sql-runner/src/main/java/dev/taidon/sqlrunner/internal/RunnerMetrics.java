package dev.taidon.sqlrunner.internal;

import dev.taidon.sqlrunner.RunEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The runner's metrics: runs by outcome, steps by how they were applied (the counters that prove a
 * replay ran only what changed), and the time of runs, executed and replayed steps, restores and
 * publishes.
 */
final class RunnerMetrics {
  private final MeterRegistry registry;

  RunnerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void run(String outcome, long nanos) {
    Counter.builder("taidon.runner.runs").description("Runs by outcome").tag("outcome", outcome)
        .register(registry).increment();
    timer("taidon.runner.run.duration", "Time of a whole run, from request to last event", "outcome", outcome)
        .record(Duration.ofNanos(nanos));
  }

  void step(RunEvent.Mode mode, long nanos) {
    Counter.builder("taidon.runner.steps").description("Steps executed, by mode (executed: the head; replayed: the tail)")
        .tag("mode", mode.name()).register(registry).increment();
    timer("taidon.runner.step.duration", "Time of one step, publishing included", "mode", mode.name())
        .record(Duration.ofNanos(nanos));
  }

  /**
   * Where a run found the state before its head (its tail): {@code sandbox_at_tail} (nothing to
   * do), {@code sandbox_prefix} (the sandbox held part of it, the rest replayed), {@code cache_tail}
   * (restored whole from the cache), {@code cache_prefix} (restored in part, the rest replayed),
   * {@code base_only} (nothing of it cached: replayed from the base). The first and third are hits.
   */
  void tailFound(String where) {
    Counter.builder("taidon.runner.tails").description("Where runs found the state before their head")
        .tag("found", where).register(registry).increment();
  }

  /** A worksheet's sandbox was restored when its cells were saved, ahead of its next run. */
  void prepared() {
    Counter.builder("taidon.runner.preparations").description("Sandboxes restored when a worksheet was saved, before"
        + " the run that needs it").register(registry).increment();
  }

  void restored(long nanos) {
    timer("taidon.runner.restore.duration", "Time to restore a sandbox to a cached state and reopen its session", null,
        null).record(Duration.ofNanos(nanos));
  }

  void published(long nanos) {
    timer("taidon.runner.publish.duration", "Time to publish a step's state from a run", null, null)
        .record(Duration.ofNanos(nanos));
  }

  private Timer timer(String name, String description, String tag, String value) {
    Timer.Builder builder = Timer.builder(name).description(description).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(1));
    if (tag != null) {
      builder.tag(tag, value);
    }
    return builder.register(registry);
  }
}
