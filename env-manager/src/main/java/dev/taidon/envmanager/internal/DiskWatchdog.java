package dev.taidon.envmanager.internal;

import dev.taidon.envmanager.SandboxId;
import dev.taidon.envmanager.ServerWrites;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Consumer;

/**
 * How much room each running sandbox's data takes, for its disk limit, walking its files only when
 * they could be over the limit. A server's files grow only by what it writes ({@link
 * ServerWrites}), so a sandbox whose last walk found {@code B} bytes and whose server wrote
 * {@code W} bytes since holds at most {@code B + W} (plus {@link #UNCOUNTED_GROWTH_BYTES}); while
 * that is within the limit, the last walk's figure stands. A server started on data just cloned
 * from a state counts as walked, at the state's recorded size with nothing written yet. A sandbox
 * is walked when it is first seen, when its server is another one or cannot tell what it wrote,
 * when its allowance runs out, and at least every {@link #MEASURE_AT_LEAST_EVERY}.
 *
 * <p>Why not walk every sandbox every pass: a walk reads the attributes of each of a data
 * directory's 1,600 files, and doing it for a thousand sandboxes every pass kept 1.4 million inodes
 * and dentries in the kernel's caches, whose reclaim under memory pressure (kswapd) and the walks
 * themselves took a sixth of the machine's processor time (docs/benchmarks.md).
 *
 * <p>Used by the upkeep thread and by the threads that start servers. Whichever of them records
 * last, the record holds: each pairs a size with what the server had written at most when the size
 * was true.
 */
final class DiskWatchdog {
  /**
   * How often a running sandbox is walked whatever it wrote: the one way a server can make its
   * files count for more without writing is cloning them ({@code file_copy_method = clone}), whose
   * shared blocks the walk counts in full although they take no new room.
   */
  static final Duration MEASURE_AT_LEAST_EVERY = Duration.ofMinutes(10);
  /**
   * Room a server can take without a write call, which {@link ServerWrites} does not count: relation
   * extensions that PostgreSQL reserves with {@code posix_fallocate} (up to 64 pages per relation
   * at a time) for pages that sit in shared buffers (16MB) until it writes them out.
   */
  static final long UNCOUNTED_GROWTH_BYTES = 32L << 20;

  /** A walk of a sandbox's data: what it came to, what its server had written just before, and when. */
  private record Walk(long bytes, Optional<ServerWrites> writesBefore, long atNanos) {}

  private final long limitBytes;
  private final Consumer<Boolean> checked;
  private final Map<SandboxId, Walk> lastWalks = new ConcurrentHashMap<>();

  /**
   * @param limitBytes the disk limit a sandbox is held to
   * @param checked told of each answer: {@code true} when the files were walked, {@code false} when the last walk stood
   */
  DiskWatchdog(long limitBytes, Consumer<Boolean> checked) {
    this.limitBytes = limitBytes;
    this.checked = checked;
  }

  /**
   * The bytes the running sandbox's data takes, or the last walk's figure when the data cannot
   * have grown past the limit since.
   *
   * @param writes what the server has written so far, read before calling (so that what it writes
   *     during a walk is counted again next time)
   * @param walk measures the data by walking its files
   */
  long used(SandboxId id, Optional<ServerWrites> writes, LongSupplier walk) {
    return used(id, writes, walk, System.nanoTime());
  }

  long used(SandboxId id, Optional<ServerWrites> writes, LongSupplier walk, long nowNanos) {
    Walk last = lastWalks.get(id);
    if (last != null && nowNanos - last.atNanos() < MEASURE_AT_LEAST_EVERY.toNanos() && writes.isPresent()
        && last.writesBefore().isPresent() && last.writesBefore().get().server() == writes.get().server()) {
      long written = writes.get().bytes() - last.writesBefore().get().bytes();
      if (written >= 0 && last.bytes() + written + UNCOUNTED_GROWTH_BYTES <= limitBytes) {
        checked.accept(false);
        return last.bytes();
      }
    }
    long bytes = walk.getAsLong();
    lastWalks.put(id, new Walk(bytes, writes, nowNanos));
    checked.accept(true);
    return bytes;
  }

  /**
   * Records that {@code server} started on data just cloned from a state whose files measured
   * {@code stateBytes}: as good as a walk at the server's start, when it had written nothing.
   */
  void startedOnClone(SandboxId id, long server, long stateBytes) {
    startedOnClone(id, server, stateBytes, System.nanoTime());
  }

  void startedOnClone(SandboxId id, long server, long stateBytes, long nowNanos) {
    lastWalks.put(id, new Walk(stateBytes, Optional.of(new ServerWrites(server, 0)), nowNanos));
  }

  /** Forgets the sandboxes that are no longer present. */
  void retain(Set<SandboxId> present) {
    lastWalks.keySet().retainAll(present);
  }
}
