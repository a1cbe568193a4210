package dev.taidon.server;

import dev.taidon.core.DataDirectory;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An exclusive lock on a data directory for the life of this process. The operating system
 * releases it when the process ends, however it ends, so a crash never leaves a stale lock; the
 * file also names the holder's process id for the error message a second server prints.
 */
final class DataDirectoryLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DataDirectoryLock acquire(DataDirectory directory) {
    Path lockFile = directory.lockFile();
    FileChannel channel = null;
    try {
      if (!Files.isDirectory(directory.root())) {
        Files.createDirectories(directory.root(), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwxr-xr-x")));
      }
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = Files.readString(lockFile, StandardCharsets.US_ASCII).strip();
        channel.close();
        throw new TaidonException(ErrorCode.DATA_DIRECTORY_IN_USE, "the data directory " + directory.root()
            + " is in use by another Taidon server" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
            + ": stop that server first, or start this one with another --data-dir");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(true);
      return new DataDirectoryLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new TaidonException(ErrorCode.DATA_DIRECTORY_UNUSABLE,
          "cannot lock the data directory " + directory.root() + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // The original failure is the one worth reporting.
      }
    }
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
