package dev.taidon.snapshotcache.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandFailedException;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.core.DiskUsage;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.snapshotcache.StoreUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A state store on a local file system, in three flavours that differ only in how a directory is
 * copied: btrfs subvolume snapshots (see {@link Subvolumes}), reflink clones, plain copies.
 *
 * <pre>
 * STORE/states/ID                        a published state (a read-only subvolume on btrfs)
 * STORE/states/.publishing-ID-UUID       a copy being published (reflink, copy); debris after a crash
 * STORE/workspaces/NAME                  writable sandbox data directories
 * STORE/workspaces/.discarded-NAME-UUID  a deleted workspace (reflink, copy), removed in the background
 * </pre>
 *
 * <p>On btrfs, a state is snapshotted straight to its name and a workspace is deleted as a
 * subvolume at once (the file system's cleaner frees its blocks later). A snapshot appears whole,
 * with its name, in the file-system transaction that makes it, so no temporary name is needed;
 * and renaming a subvolume is what btrfs answers by turning the next {@code fsync} anywhere on the
 * file system (the control database's, when it shares the disk) into a full transaction commit.
 *
 * <p>With reflinks or copies, a state is copied under a temporary name and renamed into place, and
 * deleting a workspace renames it aside at once and removes it on a background thread: a restore
 * throws a sandbox's data away and clones a snapshot in its place, and the learner need not wait
 * for {@code rm -rf}. A crash leaves either as debris for {@link #collectDebris()}.
 */
final class CowStateStore implements StateStore {
  static final String PUBLISHING_PREFIX = ".publishing-";
  static final String DISCARDED_PREFIX = ".discarded-";
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CowStateStore.class);
  /** btrfs gives the root directory of every subvolume this inode number. */
  private static final long BTRFS_SUBVOLUME_INODE = 256L;
  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(30);

  private final StoreBackend backend;
  private final Path states;
  private final Path workspaces;
  private final CommandRunner runner;
  private final Subvolumes subvolumes;
  private final ExecutorService reaper = Executors.newSingleThreadExecutor(
      Thread.ofPlatform().daemon().name("store-reaper").factory());
  /** Deleted workspaces this process is still removing: not debris. */
  private final Set<Path> beingRemoved = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A store whose btrfs subvolumes are made the {@link Subvolumes#preferred preferred} way. */
  CowStateStore(StoreBackend backend, Path root, CommandRunner runner) {
    this(backend, root, runner,
        backend == StoreBackend.BTRFS ? Subvolumes.preferred(runner) : new CommandSubvolumes(runner));
  }

  CowStateStore(StoreBackend backend, Path root, CommandRunner runner, Subvolumes subvolumes) {
    this.backend = backend;
    this.subvolumes = subvolumes;
    this.states = root.resolve("states");
    this.workspaces = root.resolve("workspaces");
    this.runner = runner;
    try {
      Files.createDirectories(states);
      Files.createDirectories(workspaces);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the state store in " + root, e);
    }
  }

  @Override
  public StoreBackend backend() {
    return backend;
  }

  @Override
  public Path workspaces() {
    return workspaces;
  }

  @Override
  public void createWorkspace(Path workspace) {
    if (Files.exists(workspace, LinkOption.NOFOLLOW_LINKS)) {
      throw new TaidonException(ErrorCode.INTERNAL, "workspace " + workspace + " already exists");
    }
    if (backend == StoreBackend.BTRFS) {
      subvolume(() -> subvolumes.create(workspace));
    } else {
      try {
        Files.createDirectory(workspace);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public boolean publish(Path workspace, StateId id) {
    Path target = statePath(id);
    if (Files.exists(target)) {
      return false;
    }
    if (backend == StoreBackend.BTRFS) {
      try {
        subvolume(() -> subvolumes.snapshot(workspace, target, true));
        return true;
      } catch (RuntimeException failed) {
        if (isSubvolume(target)) {
          // Another publisher of the same state was first (EEXIST).
          return false;
        }
        throw failed;
      }
    }
    Path temporary = states.resolve(PUBLISHING_PREFIX + id.hex() + "-" + UUID.randomUUID());
    try {
      run(Command.of("cp", "-a", backend == StoreBackend.REFLINK ? "--reflink=always" : "--reflink=never",
          workspace.toString(), temporary.toString()));
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        return true;
      } catch (FileSystemException raced) {
        if (Files.isDirectory(target)) {
          return false;
        }
        throw raced;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish state " + id.shortForm(), e);
    } finally {
      removeTree(temporary);
    }
  }

  @Override
  public void restore(StateId id, Path workspace) {
    Path source = statePath(id);
    if (!Files.isDirectory(source)) {
      throw new TaidonException(ErrorCode.NOT_FOUND, "state " + id.shortForm() + " has no snapshot in the store");
    }
    if (Files.exists(workspace, LinkOption.NOFOLLOW_LINKS)) {
      throw new TaidonException(ErrorCode.INTERNAL, "workspace " + workspace + " already exists");
    }
    switch (backend) {
      case BTRFS -> subvolume(() -> subvolumes.snapshot(source, workspace, false));
      case REFLINK -> run(Command.of("cp", "-a", "--reflink=always", source.toString(), workspace.toString()));
      case COPY -> run(Command.of("cp", "-a", "--reflink=never", source.toString(), workspace.toString()));
    }
  }

  @Override
  public void deleteWorkspace(Path workspace) {
    if (!Files.exists(workspace, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (backend == StoreBackend.BTRFS && isSubvolume(workspace)) {
      subvolume(() -> subvolumes.delete(workspace));
      return;
    }
    Path discarded = workspaces.resolve(DISCARDED_PREFIX + workspace.getFileName() + "-" + UUID.randomUUID());
    try {
      Files.move(workspace, discarded, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException notMovable) {
      // Outside the store's workspace directory: there is no aside to move it to.
      removeTree(workspace);
      return;
    }
    beingRemoved.add(discarded);
    try {
      reaper.execute(() -> removeDiscarded(discarded));
    } catch (RejectedExecutionException closing) {
      removeDiscarded(discarded);
    }
  }

  private void removeDiscarded(Path discarded) {
    try {
      removeTree(discarded);
    } catch (RuntimeException e) {
      log.warn("Could not remove the deleted workspace {} (removed at the next start): {}", discarded, e.getMessage());
    } finally {
      beingRemoved.remove(discarded);
    }
  }

  /**
   * Waits up to {@code patience} for workspaces deleted in the background to be gone; what is left
   * is debris for the next start.
   */
  void finishDeletions(Duration patience) {
    reaper.shutdown();
    try {
      if (!reaper.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Deleted workspaces were still being removed after {} ms; the next start removes them",
            patience.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void delete(StateId id) {
    removeTree(statePath(id));
  }

  @Override
  public boolean contains(StateId id) {
    return Files.isDirectory(statePath(id));
  }

  @Override
  public Set<StateId> states() {
    Set<StateId> ids = new TreeSet<>();
    try (Stream<Path> entries = Files.list(states)) {
      entries.map(path -> path.getFileName().toString())
          .filter(name -> name.length() == 64 && name.chars().allMatch(c -> Character.digit(c, 16) >= 0))
          .forEach(name -> ids.add(new StateId(name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  @Override
  public long sizeOf(StateId id) {
    return DiskUsage.bytes(statePath(id));
  }

  @Override
  public StoreUsage usage() {
    try {
      FileStore store = Files.getFileStore(states);
      return new StoreUsage(store.getTotalSpace(), store.getUsableSpace());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int collectDebris() {
    int removed = 0;
    try (Stream<Path> published = Files.list(states); Stream<Path> deleted = Files.list(workspaces)) {
      List<Path> debris = Stream.concat(
          published.filter(p -> p.getFileName().toString().startsWith(PUBLISHING_PREFIX)),
          deleted.filter(p -> p.getFileName().toString().startsWith(DISCARDED_PREFIX) && !beingRemoved.contains(p)))
          .toList();
      for (Path leftover : debris) {
        removeTree(leftover);
        removed++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return removed;
  }

  Path statePath(StateId id) {
    return states.resolve(id.hex());
  }

  /** Removes a directory tree, deleting btrfs subvolumes as subvolumes. */
  private void removeTree(Path path) {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (backend == StoreBackend.BTRFS && isSubvolume(path)) {
      subvolume(() -> subvolumes.delete(path));
    } else {
      run(Command.of("rm", "-rf", "--one-file-system", "--", path.toString()));
    }
  }

  private static boolean isSubvolume(Path path) {
    try {
      return Long.valueOf(BTRFS_SUBVOLUME_INODE).equals(Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      return false;
    }
  }

  private String run(Command command) {
    try {
      return runner.run(command.withTimeout(COPY_TIMEOUT)).stdout();
    } catch (CommandFailedException e) {
      throw outOfSpaceOr(e);
    }
  }

  private void subvolume(Runnable operation) {
    try {
      operation.run();
    } catch (CommandFailedException e) {
      throw outOfSpaceOr(e);
    }
  }

  private TaidonException outOfSpaceOr(CommandFailedException e) {
    if (e.isOutOfSpace()) {
      return new TaidonException(ErrorCode.STORE_FULL, "the state store on " + states.getParent()
          + " is out of space: " + e.getMessage(), e);
    }
    return e;
  }

  /** How btrfs subvolumes are made, for the log line that names the store. */
  String subvolumesHow() {
    return subvolumes.how();
  }
}
