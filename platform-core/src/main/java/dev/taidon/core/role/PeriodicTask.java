package dev.taidon.core.role;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role's upkeep that runs at a fixed delay while the role is up, on a daemon thread of its own; a
 * failed pass is logged and the next one runs as planned.
 */
public final class PeriodicTask implements RoleService {
  private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

  private final String role;
  private final String name;
  private final Duration initialDelay;
  private final Duration interval;
  private final Runnable task;
  private ScheduledExecutorService scheduler;

  public PeriodicTask(String role, String name, Duration initialDelay, Duration interval, Runnable task) {
    this.role = role;
    this.name = name;
    this.initialDelay = initialDelay;
    this.interval = interval;
    this.task = task;
  }

  @Override
  public String role() {
    return role;
  }

  @Override
  public synchronized void start() {
    scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("{} failed: {}", name, e.getMessage(), e);
      }
    }, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops scheduling and waits for a pass under way to finish. */
  @Override
  public synchronized void stop() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
