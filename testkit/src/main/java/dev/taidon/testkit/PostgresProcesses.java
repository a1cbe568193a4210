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

  /**
   * What each child of a postmaster does, from the titles PostgreSQL gives its processes
   * ({@code postgres: checkpointer}), sorted; every client session is {@code session}.
   */
  public static List<String> childrenOf(long postmaster) {
    return ProcessHandle.of(postmaster).stream().flatMap(ProcessHandle::children)
        .map(child -> commandLine(child.pid()).strip().replaceFirst("^postgres: ", ""))
        .map(title -> title.contains("[local]") ? "session" : title)
        .sorted()
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
