package dev.taidon.snapshotcache.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandResult;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.snapshotcache.StoreBackend;
import dev.taidon.snapshotcache.StoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the state store's backend from the file system under the data directory, and says in one
 * log line which and why: btrfs where the store is on btrfs; reflink where {@code cp
 * --reflink=always} works (XFS with reflink, or btrfs without the btrfs tool); otherwise, when the
 * platform runs as root, a btrfs file system in a sparse loop image inside the data directory; and
 * plain copies as the last resort, with a warning that says how to get the fast path.
 */
final class StateStoreLocator {
  private static final Logger log = LoggerFactory.getLogger(StateStoreLocator.class);

  private final CommandRunner runner;

  StateStoreLocator(CommandRunner runner) {
    this.runner = runner;
  }

  /** A located store and, for a loop image, what unmounts it. */
  record Located(CowStateStore store, Optional<Path> loopMount) {}

  Located open(StoreSettings settings, Path storeDirectory, Path loopImage, boolean root) {
    createDirectory(storeDirectory);
    if (!settings.backend().equals(StoreSettings.AUTO)) {
      StoreBackend wanted = StoreBackend.valueOf(settings.backend().toUpperCase(java.util.Locale.ROOT));
      if (!supports(wanted, storeDirectory)) {
        throw new TaidonException(ErrorCode.INVALID_CONFIGURATION, "taidon.store.backend=" + settings.backend()
            + " but " + storeDirectory + " (" + fileSystemType(storeDirectory) + ") does not support it");
      }
      CowStateStore store = new CowStateStore(wanted, storeDirectory, runner);
      log.info("State store: {} in {} (configured by taidon.store.backend){}", wanted.configName(), storeDirectory,
          wanted == StoreBackend.BTRFS ? ", subvolume snapshots by " + store.subvolumesHow() : "");
      if (wanted == StoreBackend.BTRFS) {
        accessTimeWarning(storeDirectory).ifPresent(log::warn);
      }
      return new Located(store, Optional.empty());
    }
    String type = fileSystemType(storeDirectory);
    if (type.equals("btrfs") && supports(StoreBackend.BTRFS, storeDirectory)) {
      CowStateStore store = new CowStateStore(StoreBackend.BTRFS, storeDirectory, runner);
      log.info("State store: btrfs subvolume snapshots by {} in {} (the data directory is on btrfs)",
          store.subvolumesHow(), storeDirectory);
      accessTimeWarning(storeDirectory).ifPresent(log::warn);
      return new Located(store, Optional.empty());
    }
    if (supports(StoreBackend.REFLINK, storeDirectory)) {
      log.info("State store: reflink clones in {} (the {} file system supports cp --reflink)", storeDirectory, type);
      return new Located(new CowStateStore(StoreBackend.REFLINK, storeDirectory, runner), Optional.empty());
    }
    if (root && settings.loopImage()) {
      Optional<String> refused = mountLoopImage(settings, storeDirectory, loopImage);
      if (refused.isEmpty()) {
        CowStateStore store = new CowStateStore(StoreBackend.BTRFS, storeDirectory, runner);
        log.info("State store: btrfs subvolume snapshots by {} in a {} loop image {} mounted on {} (the data directory"
            + " is on {}, which has neither snapshots nor reflinks)", store.subvolumesHow(),
            settings.loopImageSize().toMegabytes() + " MB", loopImage, storeDirectory, type);
        return new Located(store, Optional.of(storeDirectory));
      }
      log.warn("State store: could not create a btrfs loop image ({}); falling back to plain copies", refused.get());
    }
    log.warn("State store: plain copies in {} ({} has neither snapshots nor reflinks). Every snapshot and restore copies "
        + "the whole database: put the data directory on btrfs or on XFS with reflink=1, or run as root so the "
        + "platform can create a loop-backed btrfs store (taidon.store.loop-image)", storeDirectory, type);
    return new Located(new CowStateStore(StoreBackend.COPY, storeDirectory, runner), Optional.empty());
  }

  /** Unmounts a loop-image store mounted by {@link #open}. */
  void unmount(Path mountPoint) {
    CommandResult result = runner.execute(Command.of("umount", mountPoint.toString()));
    if (!result.succeeded()) {
      log.warn("Could not unmount the state store {}: {}", mountPoint, result.stderr().strip());
    }
  }

  private boolean supports(StoreBackend backend, Path directory) {
    return switch (backend) {
      case BTRFS -> fileSystemType(directory).equals("btrfs") && runner.execute(Command.of("btrfs", "--version")).succeeded();
      case REFLINK -> reflinkWorks(directory);
      case COPY -> true;
    };
  }

  private boolean reflinkWorks(Path directory) {
    Path probe = directory.resolve(".reflink-probe");
    Path clone = directory.resolve(".reflink-probe-clone");
    try {
      Files.writeString(probe, "taidon", StandardCharsets.US_ASCII);
      return runner.execute(Command.of("cp", "--reflink=always", probe.toString(), clone.toString())).succeeded();
    } catch (IOException e) {
      return false;
    } finally {
      try {
        Files.deleteIfExists(probe);
        Files.deleteIfExists(clone);
      } catch (IOException ignored) {
        // A leftover probe file is harmless and overwritten next time.
      }
    }
  }

  /** Creates (once) and mounts the loop image; returns why not when it cannot. */
  private Optional<String> mountLoopImage(StoreSettings settings, Path mountPoint, Path image) {
    if (fileSystemType(mountPoint).equals("btrfs")) {
      return Optional.empty();
    }
    if (!runner.execute(Command.of("mkfs.btrfs", "--version")).succeeded()) {
      return Optional.of("mkfs.btrfs is not installed; install btrfs-progs");
    }
    try {
      if (!Files.exists(image)) {
        Path partial = image.resolveSibling(image.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        CommandResult truncate = runner.execute(Command.of("truncate", "-s", Long.toString(settings.loopImageSize().toBytes()),
            partial.toString()));
        if (!truncate.succeeded()) {
          return Optional.of(truncate.stderr().strip());
        }
        CommandResult mkfs = runner.execute(Command.of("mkfs.btrfs", "-q", "-L", "taidon-store", partial.toString()));
        if (!mkfs.succeeded()) {
          Files.deleteIfExists(partial);
          return Optional.of("mkfs.btrfs failed: " + mkfs.stderr().strip());
        }
        Files.move(partial, image);
      }
      // noatime: see accessTimeWarning.
      CommandResult mount = runner.execute(Command.of("mount", "-o", "loop,noatime", image.toString(),
          mountPoint.toString()));
      if (!mount.succeeded()) {
        return Optional.of("mount failed: " + mount.stderr().strip());
      }
      if (settings.loopDirectIo()) {
        useDirectIo(mountPoint);
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * Switches the loop device under the just mounted store to direct I/O. Buffered, every block of
   * the store is cached twice: once for the store's files and once for the image file under them,
   * and with hundreds of sandboxes the second copy is only more for the kernel to reclaim. Best
   * effort: an image on a file system without direct I/O stays buffered, and says so. The device
   * keeps the auto-clear flag {@code mount -o loop} gave it, so unmounting still detaches it.
   */
  private void useDirectIo(Path mountPoint) {
    CommandResult source = runner.execute(Command.of("findmnt", "--noheadings", "--output", "SOURCE", "--mountpoint",
        mountPoint.toString()));
    String device = source.stdout().strip();
    if (!source.succeeded() || !device.startsWith("/dev/loop")) {
      log.info("State store: the loop device under {} was not found ({}); it reads and writes buffered", mountPoint,
          source.succeeded() ? "mounted from '" + device + "'" : source.stderr().strip());
      return;
    }
    CommandResult directIo = runner.execute(Command.of("losetup", "--direct-io=on", device));
    if (directIo.succeeded()) {
      log.info("State store: loop device {} reads and writes its image with direct I/O", device);
    } else {
      log.info("State store: loop device {} stays buffered (taidon.store.loop-direct-io): {}", device,
          directIo.stderr().strip());
    }
  }

  /**
   * A warning when the store's btrfs file system records access times. A restored sandbox's server
   * reads files whose access time is older than their modification time, so with {@code relatime}
   * (the kernel's default) each first read rewrites an inode: metadata in the sandbox's
   * copy-on-write tree that the next snapshot's commit writes out. With hundreds of sandboxes
   * sharing a state's blocks that commit is what a restore waits for (docs/benchmarks.md,
   * 2026-11-30: 38 against 22 ms of pending commit per start among 300 hot sandboxes). Empty when
   * the file system is mounted {@code noatime}, or when its mount cannot be read.
   */
  Optional<String> accessTimeWarning(Path storeDirectory) {
    CommandResult mount = runner.execute(Command.of("findmnt", "--noheadings", "--raw", "--output", "TARGET,OPTIONS",
        "--target", storeDirectory.toString()));
    String line = mount.stdout().strip();
    int separator = line.lastIndexOf(' ');
    if (!mount.succeeded() || separator < 0 || line.contains("\n")) {
      log.debug("The mount of the state store {} could not be read: {}", storeDirectory,
          mount.succeeded() ? "'" + line + "'" : mount.stderr().strip());
      return Optional.empty();
    }
    List<String> options = List.of(line.substring(separator + 1).split(","));
    if (options.contains("noatime")) {
      return Optional.empty();
    }
    String mountPoint = line.substring(0, separator).replace("\\x20", " ");
    String mode = options.stream().filter(option -> option.endsWith("atime")).findFirst().orElse("strictatime");
    return Optional.of("State store: " + mountPoint + " is mounted with " + mode + ", so the servers of restored "
        + "sandboxes rewrite access times that every later snapshot must commit, which makes restores slower the "
        + "more sandboxes run; mount it with noatime (mount -o remount,noatime " + mountPoint
        + ", and in /etc/fstab)");
  }

  static String fileSystemType(Path directory) {
    try {
      return Files.getFileStore(directory).type();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void createDirectory(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the state store directory " + directory, e);
    }
  }
}
