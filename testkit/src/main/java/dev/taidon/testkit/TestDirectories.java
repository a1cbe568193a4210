package dev.taidon.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.core.command.ProcessCommandRunner;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary directories that PostgreSQL's unprivileged account can reach. JUnit's {@code @TempDir}
 * is private to the test's user (mode 0700), which PostgreSQL cannot enter when tests run as root.
 */
public final class TestDirectories {
  /** Shared by every test JVM so the pinned binaries are unpacked once per machine. */
  public static final Path SHARED_ENGINE = Path.of(System.getProperty("java.io.tmpdir"), "taidon-test-engine");

  private static final CommandRunner RUNNER = new ProcessCommandRunner();

  private TestDirectories() {}

  /** A new, empty directory below the system temporary directory, mode 0755. */
  public static Path create(String prefix) {
    try {
      Path directory = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "taidon-" + prefix + "-");
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Deletes a directory tree, first killing the PostgreSQL processes still working in it and
   * unmounting any file system mounted below it (a server's loop-image state store left mounted by
   * a killed server); files that vanish meanwhile are ignored.
   */
  public static void delete(Path directory) {
    if (directory == null || !Files.exists(directory)) {
      return;
    }
    PostgresProcesses.killBelow(directory);
    unmountBelow(directory);
    try (Stream<Path> walk = Files.walk(directory)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void unmountBelow(Path directory) {
    String prefix = directory.toAbsolutePath().normalize().toString();
    List<String> mountPoints;
    try {
      mountPoints = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
          .map(line -> line.split(" ")[1].replace("\\040", " "))
          .filter(mountPoint -> mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/"))
          .sorted(Comparator.reverseOrder())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String mountPoint : mountPoints) {
      var result = RUNNER.execute(Command.of("umount", mountPoint));
      if (!result.succeeded()) {
        // Deleting into a mounted file system would remove what its users still work in.
        throw new IllegalStateException("cannot unmount " + mountPoint + ": " + result.stderr().strip());
      }
    }
  }
}
