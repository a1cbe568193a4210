package dev.taidon.envmanager.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The bytes a PostgreSQL server has written, read from the kernel's I/O accounting in
 * {@code /proc}: the {@code wchar} of the postmaster and of each of its children. {@code wchar}
 * counts every byte handed to a write call ({@code write}, {@code pwrite}, {@code pwritev},
 * {@code copy_file_range}), whether it reaches the disk now or later; it is what a process can make
 * files grow by. The postmaster's figure includes every child it has reaped (the kernel adds a
 * reaped child's accounting to its parent's), so a session that came and went between two
 * readings still counts.
 *
 * <p>The children are read before the postmaster: a child that exits in between is then counted
 * twice (a larger figure is safe: it only makes the watchdog measure sooner), and one whose
 * {@code /proc} entry is already gone was reaped, so its bytes are in the postmaster's figure.
 */
final class WriteAccounting {
  private final Path proc;

  WriteAccounting(Path proc) {
    this.proc = proc;
  }

  /** Reads the machine's own {@code /proc}. */
  static WriteAccounting ofThisMachine() {
    return new WriteAccounting(Path.of("/proc"));
  }

  /**
   * The bytes written so far by the server whose postmaster has {@code postmasterPid}; empty when
   * this machine cannot tell (no {@code /proc/PID/task/PID/children} or {@code /proc/PID/io}, a
   * figure it cannot read) or the postmaster is gone.
   */
  OptionalLong bytesWritten(long postmasterPid) {
    String children;
    try {
      children = Files.readString(proc.resolve(postmasterPid + "/task/" + postmasterPid + "/children"));
    } catch (IOException | RuntimeException unreadable) {
      return OptionalLong.empty();
    }
    long total = 0;
    for (String child : children.strip().split("\\s+")) {
      if (child.isEmpty()) {
        continue;
      }
      long pid;
      try {
        pid = Long.parseLong(child);
      } catch (NumberFormatException unexpected) {
        return OptionalLong.empty();
      }
      OptionalLong written;
      try {
        written = written(pid);
      } catch (NoSuchFileException reaped) {
        // Gone from /proc only once reaped, and then counted in the postmaster's figure.
        continue;
      }
      if (written.isEmpty()) {
        return written;
      }
      total += written.getAsLong();
    }
    try {
      OptionalLong postmaster = written(postmasterPid);
      return postmaster.isEmpty() ? postmaster : OptionalLong.of(total + postmaster.getAsLong());
    } catch (NoSuchFileException gone) {
      return OptionalLong.empty();
    }
  }

  /** The {@code wchar} of one process; empty when its accounting cannot be read or understood. */
  private OptionalLong written(long pid) throws NoSuchFileException {
    String io;
    try {
      io = Files.readString(proc.resolve(pid + "/io"));
    } catch (NoSuchFileException gone) {
      throw gone;
    } catch (IOException | RuntimeException unreadable) {
      return OptionalLong.empty();
    }
    for (String line : io.split("\n")) {
      if (line.startsWith("wchar:")) {
        try {
          long bytes = Long.parseLong(line.substring("wchar:".length()).strip());
          return bytes < 0 ? OptionalLong.empty() : OptionalLong.of(bytes);
        } catch (NumberFormatException unexpected) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }
}
