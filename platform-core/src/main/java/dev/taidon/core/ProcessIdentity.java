package dev.taidon.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process runs as, read from {@code /proc/self} (Linux). */
public final class ProcessIdentity {
  private ProcessIdentity() {}

  public static int uid() {
    return attribute("unix:uid");
  }

  public static int gid() {
    return attribute("unix:gid");
  }

  /** Whether this process runs as root, and so may mount file systems and switch accounts. */
  public static boolean isRoot() {
    return uid() == 0;
  }

  private static int attribute(String name) {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " of this process", e);
    }
  }
}
