package dev.taidon.gateway.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bounds how many API requests the platform works on at once. Past the bound, requests wait in
 * arrival order, holding nothing but a parked virtual thread, instead of all contending for the
 * processors and the control database's few pooled connections, where each would wait several
 * times and the slowest would time out.
 *
 * <p>A request counts against the bound until it ends or until it has been admitted for the hold
 * time, whichever comes first: a learner's statement that runs for a minute inside its own sandbox
 * must not keep others out. {@link #releaseOverdue()} enforces the hold and is called periodically.
 */
final class Admission {
  private final int maxInFlight;
  private final Semaphore permits;
  private final long waitNanos;
  private final long holdNanos;
  private final LongSupplier nanoTime;
  /** Permits in the order they were granted, so the oldest is at the head. */
  private final ConcurrentLinkedQueue<Permit> granted = new ConcurrentLinkedQueue<>();
  private final AtomicLong outlasted = new AtomicLong();

  Admission(int maxInFlight, Duration wait, Duration hold, LongSupplier nanoTime) {
    this.maxInFlight = maxInFlight;
    this.permits = new Semaphore(maxInFlight, true);
    this.waitNanos = wait.toNanos();
    this.holdNanos = hold.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Waits for the request's turn, at most the configured wait.
   *
   * @return the permit to close when the request ends, or empty when the wait ran out
   */
  Optional<Permit> enter() throws InterruptedException {
    if (!permits.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
      return Optional.empty();
    }
    Permit permit = new Permit(nanoTime.getAsLong());
    granted.add(permit);
    return Optional.of(permit);
  }

  /** Returns the turns of requests admitted longer than the hold time ago; they run on uncounted. */
  void releaseOverdue() {
    long now = nanoTime.getAsLong();
    for (Permit oldest = granted.peek(); oldest != null; oldest = granted.peek()) {
      if (!oldest.released.get() && now - oldest.grantedAtNanos < holdNanos) {
        return;
      }
      granted.remove(oldest);
      if (oldest.release()) {
        outlasted.incrementAndGet();
      }
    }
  }

  /** Requests counted against the bound now. */
  int inFlight() {
    return maxInFlight - permits.availablePermits();
  }

  /** Requests waiting for their turn now (an estimate, as the semaphore's queue length is). */
  int waiting() {
    return permits.getQueueLength();
  }

  /** How many requests stopped counting because they outlasted the hold time. */
  long outlasted() {
    return outlasted.get();
  }

  /** One admitted request's turn; returned exactly once, by whichever comes first of its end and its hold. */
  final class Permit implements AutoCloseable {
    private final long grantedAtNanos;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(long grantedAtNanos) {
      this.grantedAtNanos = grantedAtNanos;
    }

    private boolean release() {
      if (released.compareAndSet(false, true)) {
        permits.release();
        return true;
      }
      return false;
    }

    @Override
    public void close() {
      release();
    }
  }
}
