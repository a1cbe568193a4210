package dev.taidon.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds PostgreSQL processes by the directory they serve, to prove that none are left behind. */
public final class PostgresProcesses {
  private PostgresProcesses() {}

  /** The pids of every running {@code postgres} whose command line names a path below {@code directory}. */
  public static List<Long> servingBelow(Path directory) {
    String needle = directory.toAbsolutePath().normalize().toString();
    return ProcessHandle.allProcesses()
        .filter(handle -> {
          String commandLine = commandLine(handle.pid());
          return commandLine.contains("postgres") && commandLine.contains(needle);
        })
        .map(ProcessHandle::pid)
        .toList();
  }

  private static String commandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException | SecurityException e) {
      return "";
    }
  }
}
