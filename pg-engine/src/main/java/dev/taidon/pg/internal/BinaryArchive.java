package dev.taidon.pg.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/** Unpacks an xz-compressed tar archive of PostgreSQL binaries into a directory, all or nothing. */
public final class BinaryArchive {
  private static final String TEMPORARY_PREFIX = ".unpacking-";

  private BinaryArchive() {}

  /**
   * Unpacks into a temporary sibling of {@code target} and renames it into place, so {@code target}
   * either does not exist or is complete. Leftovers of an earlier crash are removed first; when
   * another process wins the race, its copy is kept.
   */
  public static void unpackAtomically(InputStream txz, Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    removeLeftovers(parent, target.getFileName().toString());
    Path temporary = parent.resolve(TEMPORARY_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
    try {
      Files.createDirectory(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      unpack(txz, temporary);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException raced) {
        // rename(2) onto a non-empty directory fails: another process unpacked first, and its copy stays.
        if (!Files.isDirectory(target)) {
          throw raced;
        }
      }
    } finally {
      deleteRecursively(temporary);
    }
  }

  static void unpack(InputStream txz, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(txz)))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        Path destination = root.resolve(entry.getName()).normalize();
        if (!destination.startsWith(root)) {
          throw new IOException("archive entry escapes the target directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(destination);
          Files.setPosixFilePermissions(destination, readableBy(entry.getMode() | 0755));
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(destination.getParent());
          Path linkTarget = destination.getParent().resolve(entry.getLinkName()).normalize();
          if (!linkTarget.startsWith(root)) {
            throw new IOException("archive link points outside the target directory: " + entry.getName());
          }
          Files.createSymbolicLink(destination, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
          Path linkTarget = root.resolve(entry.getLinkName()).normalize();
          if (!linkTarget.startsWith(root)) {
            throw new IOException("archive hard link points outside the target directory: " + entry.getName());
          }
          Files.createLink(destination, linkTarget);
        } else {
          Files.createDirectories(destination.getParent());
          Files.copy(tar, destination);
          Files.setPosixFilePermissions(destination, readableBy(entry.getMode()));
        }
      }
    }
  }

  /** The entry's permissions, made readable (and, where executable, runnable) by everyone. */
  private static Set<PosixFilePermission> readableBy(int mode) {
    Set<PosixFilePermission> permissions = EnumSet.of(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    if ((mode & 0100) != 0) {
      permissions.addAll(EnumSet.of(
          PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
    }
    return permissions;
  }

  private static void removeLeftovers(Path parent, String targetName) throws IOException {
    try (Stream<Path> siblings = Files.list(parent)) {
      for (Path sibling : siblings.toList()) {
        String name = sibling.getFileName().toString();
        if (name.startsWith(TEMPORARY_PREFIX + targetName + "-")
            && Files.getLastModifiedTime(sibling).toMillis() < System.currentTimeMillis() - 600_000) {
          deleteRecursively(sibling);
        }
      }
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(each);
      }
    }
  }
}
