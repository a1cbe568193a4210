package dev.taidon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Memory of processes as Linux accounts it in {@code /proc}, in KiB. */
final class ProcessMemory {
  private ProcessMemory() {}

  /** Resident set size of one process. */
  static long rssKib(long pid) {
    return field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS");
  }

  /**
   * Every process's children, read in one pass over {@code /proc}. {@link ProcessHandle#descendants()}
   * scans all processes once per process it visits, which with a thousand sandboxes of six processes
   * each made the benchmark's own sampling the busiest thing on the machine.
   */
  static final class ProcessTree {
    private final Map<Long, List<Long>> children = new HashMap<>();

    static ProcessTree read() {
      ProcessTree tree = new ProcessTree();
      try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
        entries.map(path -> path.getFileName().toString()).filter(name -> name.chars().allMatch(Character::isDigit))
            .forEach(name -> parentOf(name).ifPresent(parent ->
                tree.children.computeIfAbsent(parent, key -> new ArrayList<>()).add(Long.parseLong(name))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return tree;
    }

    /** The process and all its descendants. */
    List<Long> family(long pid) {
      List<Long> family = new ArrayList<>(List.of(pid));
      for (int i = 0; i < family.size(); i++) {
        family.addAll(children.getOrDefault(family.get(i), List.of()));
      }
      return family;
    }

    /** The parent from {@code /proc/PID/stat}: the second field after the command, which may hold spaces and parentheses. */
    private static java.util.Optional<Long> parentOf(String pid) {
      try {
        String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return java.util.Optional.of(Long.parseLong(fields[1]));
      } catch (IOException | RuntimeException vanished) {
        return java.util.Optional.empty();
      }
    }
  }

  /** Proportional set size of a process and all its descendants: shared pages split between sharers. */
  static long familyPssKib(ProcessTree tree, long pid) {
    return tree.family(pid).stream().mapToLong(member -> field(Path.of("/proc", Long.toString(member), "smaps_rollup"),
        "Pss")).sum();
  }

  /** How many processes a process and its descendants are. */
  static long familySize(ProcessTree tree, long pid) {
    return tree.family(pid).size();
  }

  static long machineKib() {
    return field(Path.of("/proc/meminfo"), "MemTotal");
  }

  /** A "Name: value kB" line of a /proc file; 0 when the process is gone. */
  private static long field(Path file, String name) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        if (line.startsWith(name + ":")) {
          return Long.parseLong(line.substring(name.length() + 1).replace("kB", "").strip());
        }
      }
    } catch (IOException vanished) {
      return 0;
    }
    return 0;
  }
}
