package dev.taidon.testkit;

import dev.taidon.core.ProcessIdentity;
import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.core.command.ProcessCommandRunner;
import java.nio.file.Path;
import java.util.List;

/**
 * A real file system (btrfs or XFS with reflink) in a sparse image file, loop-mounted for one test
 * class. Mounted {@code noatime}, as the platform mounts its own loop store and as the operations
 * guide asks of a store's file system. Needs root, as CI has; {@link #requireRoot()} says so
 * clearly elsewhere.
 */
public final class LoopFileSystem implements AutoCloseable {
  private static final CommandRunner RUNNER = new ProcessCommandRunner();

  private final Path base;
  private final Path mountPoint;

  private LoopFileSystem(Path base, Path mountPoint) {
    this.base = base;
    this.mountPoint = mountPoint;
  }

  /** A btrfs file system of {@code megabytes} (at least 128). */
  public static LoopFileSystem btrfs(int megabytes) {
    return create("btrfs", megabytes, List.of("mkfs.btrfs", "-q"), "loop,noatime");
  }

  /** A btrfs file system of {@code megabytes} mounted with the kernel's default access times ({@code relatime}). */
  public static LoopFileSystem btrfsWithAccessTimes(int megabytes) {
    return create("btrfs", megabytes, List.of("mkfs.btrfs", "-q"), "loop");
  }

  /** An XFS file system with reflink support of {@code megabytes} (at least 300). */
  public static LoopFileSystem xfs(int megabytes) {
    return create("xfs", megabytes, List.of("mkfs.xfs", "-q", "-m", "reflink=1"), "loop,noatime");
  }

  private static LoopFileSystem create(String type, int megabytes, List<String> mkfs, String mountOptions) {
    requireRoot();
    Path base = TestDirectories.create("loop-" + type);
    Path image = base.resolve(type + ".img");
    Path mountPoint = base.resolve("mnt");
    RUNNER.run(Command.of("truncate", "-s", megabytes + "M", image.toString()));
    RUNNER.run(Command.of(append(mkfs, image.toString())));
    RUNNER.run(Command.of("mkdir", mountPoint.toString()));
    RUNNER.run(Command.of("mount", "-o", mountOptions, image.toString(), mountPoint.toString()));
    RUNNER.run(Command.of("chmod", "755", mountPoint.toString()));
    return new LoopFileSystem(base, mountPoint);
  }

  /** Fails with a clear message unless the tests run as root (loop devices and mounts need it). */
  public static void requireRoot() {
    if (!ProcessIdentity.isRoot()) {
      throw new IllegalStateException("this test mounts loop file systems and must run as root (CI does)");
    }
  }

  public Path root() {
    return mountPoint;
  }

  @Override
  public void close() {
    RUNNER.execute(Command.of("umount", mountPoint.toString()));
    TestDirectories.delete(base);
  }

  private static List<String> append(List<String> list, String last) {
    List<String> all = new java.util.ArrayList<>(list);
    all.add(last);
    return all;
  }
}
