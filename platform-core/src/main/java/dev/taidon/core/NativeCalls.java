package dev.taidon.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Blocking calls into native code (a JNA call, a process's fork and exec) made for virtual threads
 * on platform threads of their own, while the virtual thread waits parked.
 *
 * <p>A virtual thread in native code keeps its carrier thread, and the scheduler has as many
 * carriers as processors and adds none for native calls. A btrfs snapshot is a file-system commit
 * of 10-60 ms under load; on a two-core machine two of them held every carrier and stopped every
 * other request of the platform for that long. Calls from platform threads are made in place.
 */
public final class NativeCalls {
  /**
   * How many platform threads make calls for virtual threads at most; more concurrent calls queue.
   * Each thread only waits in the kernel, so this bounds the native work in flight, not the CPU.
   */
  public static final int THREADS = 16;

  private static final NativeCalls SHARED = new NativeCalls(threads("native-call-"));

  private final Executor threads;

  /** Calls made for virtual threads on {@code threads}. */
  public NativeCalls(Executor threads) {
    this.threads = threads;
  }

  /** The process's one pool: daemon threads {@code native-call-N} that end after a minute without work. */
  public static NativeCalls shared() {
    return SHARED;
  }

  /** {@link #call} for a call without a result. */
  public void run(Runnable call) {
    call(() -> {
      call.run();
      return null;
    });
  }

  /**
   * Makes {@code call} here on a platform thread, otherwise on one of this pool's threads while this
   * virtual thread waits; waits for it to end even when interrupted (the interrupt stays set for
   * the caller's next wait), since the caller must know what the call did; throws what it threw.
   */
  public <T> T call(Supplier<T> call) {
    if (!Thread.currentThread().isVirtual()) {
      return call.get();
    }
    try {
      return CompletableFuture.supplyAsync(call, threads).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException thrown) {
        throw thrown;
      }
      if (e.getCause() instanceof Error thrown) {
        throw thrown;
      }
      throw e;
    }
  }

  private static Executor threads(String namePrefix) {
    AtomicInteger number = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(task, namePrefix + number.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
