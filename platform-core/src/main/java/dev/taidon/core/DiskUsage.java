package dev.taidon.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Disk space of a directory tree: the sizes of its regular files, shared blocks counted in full,
 * symbolic links not followed. Walked in this process rather than with {@code du}: the watchdog
 * measures every hot sandbox every pass, and with hundreds of them the process starts alone cost
 * a tenth of two cores. A PostgreSQL data directory holds no sparse files, so file sizes are what
 * the blocks come to, to within one block per file.
 *
 * <p>Each file is looked up relative to its open directory ({@code fstatat}, {@code openat})
 * instead of by its whole path, which the kernel would otherwise resolve component by component
 * for every one of a data directory's thousand files.
 */
public final class DiskUsage {
  private DiskUsage() {}

  /** The bytes of the files below {@code directory}; 0 when it does not exist. Files that vanish while it walks count 0. */
  public static long bytes(Path directory) {
    try (DirectoryStream<Path> top = Files.newDirectoryStream(directory)) {
      if (!(top instanceof SecureDirectoryStream<Path> secure)) {
        throw new IllegalStateException("directories on this platform cannot be walked relative to an open one; "
            + "the platform runs on Linux only");
      }
      return bytes(secure);
    } catch (NoSuchFileException | NotDirectoryException absent) {
      return 0;
    } catch (IOException | DirectoryIteratorException e) {
      throw new UncheckedIOException("cannot measure " + directory,
          e instanceof DirectoryIteratorException iterating ? iterating.getCause() : (IOException) e);
    }
  }

  private static long bytes(SecureDirectoryStream<Path> directory) throws IOException {
    long total = 0;
    for (Path entry : directory) {
      Path name = entry.getFileName();
      BasicFileAttributes attributes;
      try {
        attributes = directory.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .readAttributes();
      } catch (NoSuchFileException vanished) {
        continue;
      }
      if (attributes.isRegularFile()) {
        total += attributes.size();
      } else if (attributes.isDirectory()) {
        try (SecureDirectoryStream<Path> child = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
          total += bytes(child);
        } catch (NoSuchFileException vanished) {
          // Removed between the listing and the opening: it holds nothing any more.
        }
      }
    }
    return total;
  }
}
