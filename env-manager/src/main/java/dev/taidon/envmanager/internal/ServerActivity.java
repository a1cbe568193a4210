package dev.taidon.envmanager.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A fingerprint of the work a PostgreSQL server's sessions have done, read from {@code /proc}: the
 * processor time of the postmaster, which forks every session and reaps it, and of each of its
 * children that is not one of PostgreSQL's own background processes (client backends, autovacuum
 * workers, anything unknown).
 *
 * <p>Only a session or an autovacuum worker makes a data directory grow (extending a relation,
 * writing temporary files, creating WAL segments as it goes), and none does so without using the
 * processor. So two equal fingerprints mean the data can have grown in between only by what the
 * background processes write to files that exist (the checkpointer's pages, the WAL writer's
 * segments), which the disk watchdog's occasional full pass still sees. Any processor time a
 * session used changes the fingerprint, to the nanosecond ({@code /proc/PID/schedstat}), and so
 * does a session that came and went between two looks, through the postmaster's time. Idle
 * sessions use none; the postmaster wakes by itself about once a minute.
 *
 * <p>A background process is told by its title, which PostgreSQL sets at its start to
 * {@code postgres: <kind>}; a session's title starts with its user name instead, which in a
 * sandbox is always the platform's learner role, so no learner can pass a session off as one.
 */
final class ServerActivity {
  /** The titles of PostgreSQL's own background processes, after {@code "postgres: "}. */
  private static final List<String> BACKGROUND_PROCESSES = List.of("checkpointer", "background writer", "walwriter",
      "autovacuum launcher", "logical replication launcher", "stats collector", "archiver", "io worker");

  private final Path proc;

  ServerActivity(Path proc) {
    this.proc = proc;
  }

  /** Reads the machine's own {@code /proc}. */
  static ServerActivity ofThisMachine() {
    return new ServerActivity(Path.of("/proc"));
  }

  /**
   * The fingerprint of the server whose postmaster has {@code postmasterPid}; empty when this
   * machine cannot tell (no {@code /proc/PID/task/PID/children}, or the postmaster is gone), in
   * which case the caller must assume work was done.
   */
  Optional<String> fingerprint(long postmasterPid) {
    String children;
    try {
      children = Files.readString(proc.resolve(postmasterPid + "/task/" + postmasterPid + "/children"));
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
    Optional<String> postmaster = processorNanos(postmasterPid);
    if (postmaster.isEmpty()) {
      return Optional.empty();
    }
    TreeMap<Long, String> work = new TreeMap<>();
    for (String child : children.strip().split("\\s+")) {
      if (child.isEmpty()) {
        continue;
      }
      long pid;
      try {
        pid = Long.parseLong(child);
      } catch (NumberFormatException unexpected) {
        return Optional.empty();
      }
      Optional<String> title = title(pid);
      if (title.isPresent() && isBackgroundProcess(title.get())) {
        continue;
      }
      // A child gone between the listing and here still did work since the last look: it counts.
      work.put(pid, processorNanos(pid).orElse("gone"));
    }
    StringBuilder fingerprint = new StringBuilder(postmaster.get()).append(' ');
    work.forEach((pid, nanos) -> fingerprint.append(pid).append(':').append(nanos).append(' '));
    return Optional.of(fingerprint.toString().strip());
  }

  static boolean isBackgroundProcess(String title) {
    if (!title.startsWith("postgres: ")) {
      return false;
    }
    String kind = title.substring("postgres: ".length());
    return BACKGROUND_PROCESSES.stream().anyMatch(background -> kind.equals(background) || kind.startsWith(background + " "));
  }

  private Optional<String> title(long pid) {
    try {
      byte[] commandLine = Files.readAllBytes(proc.resolve(pid + "/cmdline"));
      int end = 0;
      while (end < commandLine.length && commandLine[end] != 0) {
        end++;
      }
      return Optional.of(new String(commandLine, 0, end, StandardCharsets.UTF_8).strip());
    } catch (IOException gone) {
      return Optional.empty();
    }
  }

  private Optional<String> processorNanos(long pid) {
    try {
      String schedstat = Files.readString(proc.resolve(pid + "/schedstat")).strip();
      int space = schedstat.indexOf(' ');
      return Optional.of(space < 0 ? schedstat : schedstat.substring(0, space));
    } catch (IOException gone) {
      return Optional.empty();
    }
  }
}
