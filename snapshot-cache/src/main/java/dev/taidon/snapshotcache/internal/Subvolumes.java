package dev.taidon.snapshotcache.internal;

import dev.taidon.core.command.CommandRunner;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating, snapshotting and deleting btrfs subvolumes; snapshots are on the paths a learner waits
 * for (every publish and every restore). Failures are {@link dev.taidon.core.TaidonException}s:
 * {@code STORE_FULL} when the file system is out of space, otherwise an error that names the
 * operation, the paths and the operating system's reason.
 */
interface Subvolumes {
  /** Creates an empty subvolume at {@code path}; its parent directory exists, the path does not. */
  void create(Path path);

  /**
   * Snapshots subvolume {@code source} as {@code target}, read-only or writable; atomic: the target
   * either appears whole or not at all. The target's parent directory exists, the target does not.
   */
  void snapshot(Path source, Path target, boolean readOnly);

  /**
   * Deletes the subvolume at {@code path} (read-only or not, holding no other subvolume). The
   * file system frees its space in the background and commits the deletion with its next
   * transaction: after a crash before that the subvolume can be back, as debris the store removes
   * at the next start. Not waiting for a commit is deliberate: concurrent deletions that each wait
   * for one ({@code btrfs subvolume delete --commit-after}) stall for the file system's whole commit
   * interval, 30 s, a few times in ten on the development machine's kernel.
   */
  void delete(Path path);

  /** How the operations are carried out, for the log line that names the store. */
  String how();

  /**
   * The kernel's ioctls when the native bridge loads on this machine; otherwise the {@code btrfs}
   * command, which costs a process start per operation.
   */
  static Subvolumes preferred(CommandRunner runner) {
    Logger log = LoggerFactory.getLogger(Subvolumes.class);
    try {
      return IoctlSubvolumes.load();
    } catch (LinkageError | RuntimeException e) {
      log.warn("btrfs snapshots go through the btrfs command, a process start each, because the native bridge"
          + " (JNA) did not load: {}. A temporary directory mounted noexec is the usual cause: point"
          + " -Djna.tmpdir at a directory that allows executables.", e.toString());
      return new CommandSubvolumes(runner);
    }
  }
}
