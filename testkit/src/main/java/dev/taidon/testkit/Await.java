package dev.taidon.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something the platform does in the background (upkeep passes, pool refills, expiry). */
public final class Await {
  private static final Duration POLL = Duration.ofMillis(100);

  private Await() {}

  /**
   * Returns once {@code condition} holds; fails after {@code timeout} with {@code what} and the last
   * {@code state}, so the failure says what was awaited and what was seen instead.
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + "; last seen: " + state.get());
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }
}
