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
   * The pids of every running PostgreSQL process that works below {@code directory}: postmasters
   * that name it and every process whose working directory lies in it (a postmaster's children,
   * and the busy backends a killed postmaster leaves behind), also when it has been deleted.
   */
  public static List<Long> workingBelow(Path directory) {
    String needle = directory.toAbsolutePath().normalize().toString();
    return ProcessHandle.allProcesses()
        .filter(handle -> {
          String commandLine = commandLine(handle.pid());
          return commandLine.contains("postgres")
              && (commandLine.contains(needle) || isBelow(workingDirectory(handle.pid()), needle));
        })
        .map(ProcessHandle::pid)
        .toList();
  }

  /** Kills every process {@link #workingBelow} finds and waits up to ten seconds for each to exit. */
  public static void killBelow(Path directory) {
    List<ProcessHandle> handles = workingBelow(directory).stream().flatMap(pid -> ProcessHandle.of(pid).stream()).toList();
    handles.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle handle : handles) {
      try {
        handle.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("PostgreSQL process " + handle.pid() + " below " + directory + " outlived SIGKILL");
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean isBelow(String path, String directory) {
    return path.equals(directory) || path.startsWith(directory + "/");
  }

  private static String workingDirectory(long pid) {
    try {
      // The kernel marks a directory that was deleted meanwhile with this suffix.
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).toString().replaceFirst(" \\(deleted\\)$", "");
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return "";
    }
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
