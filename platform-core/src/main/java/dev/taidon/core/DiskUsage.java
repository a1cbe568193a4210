package dev.taidon.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Disk space of a directory tree: the sizes of its regular files, shared blocks counted in full,
 * symbolic links not followed. Walked in this process rather than with {@code du}: the watchdog
 * measures every hot sandbox every pass, and with hundreds of them the process starts alone cost
 * a tenth of two cores. A PostgreSQL data directory holds no sparse files, so file sizes are what
 * the blocks come to, to within one block per file.
 */
public final class DiskUsage {
  private DiskUsage() {}

  /** The bytes of the files below {@code directory}; 0 when it does not exist. Files that vanish while it walks count 0. */
  public static long bytes(Path directory) {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    long[] total = {0};
    try {
      Files.walkFileTree(directory, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          if (attributes.isRegularFile()) {
            total[0] += attributes.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure " + directory, e);
    }
    return total[0];
  }
}
