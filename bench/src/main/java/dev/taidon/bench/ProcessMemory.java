package dev.taidon.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory of processes as Linux accounts it in {@code /proc}, in KiB. */
final class ProcessMemory {
  private ProcessMemory() {}

  /** Resident set size of one process. */
  static long rssKib(long pid) {
    return field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS");
  }

  /** Proportional set size of a process and all its descendants: shared pages split between sharers. */
  static long familyPssKib(long pid) {
    return ProcessHandle.of(pid).map(parent -> field(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss")
        + parent.descendants().mapToLong(child -> field(Path.of("/proc", Long.toString(child.pid()), "smaps_rollup"), "Pss"))
            .sum()).orElse(0L);
  }

  /** How many processes a process and its descendants are. */
  static long familySize(long pid) {
    return ProcessHandle.of(pid).map(parent -> 1 + parent.descendants().count()).orElse(0L);
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
