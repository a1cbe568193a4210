package dev.taidon.core;

import java.nio.file.Path;

/**
 * The one directory that holds everything a Taidon server keeps on disk. Its layout is documented
 * in {@code docs/operations.md}; every path the platform writes is derived here.
 *
 * @param root the data directory itself
 */
public record DataDirectory(Path root) {
  public DataDirectory {
    root = root.toAbsolutePath().normalize();
  }

  /** Held by the running server; a second server on the same directory refuses to start. */
  public Path lockFile() {
    return root.resolve("taidon.lock");
  }

  /** The embedded control database cluster (only when no external URL is configured). */
  public Path controlDatabase() {
    return root.resolve("control-db");
  }

  /** Unix socket directories, one per PostgreSQL instance, each enterable only by the platform. */
  public Path sockets() {
    return root.resolve("run");
  }

  /** Logs of the PostgreSQL instances the platform runs. */
  public Path logs() {
    return root.resolve("logs");
  }

  /** Unpacked PostgreSQL binaries. */
  public Path engine() {
    return root.resolve("engine");
  }

  /**
   * The state store: snapshots of database states and the data directories of sandboxes, on one
   * file system so that a sandbox is cloned from a snapshot without copying.
   */
  public Path store() {
    return root.resolve("store");
  }

  /** Projects' files, one directory per project: the source of truth for their scripts. */
  public Path projects() {
    return root.resolve("projects");
  }

  /**
   * The web server's working files (request bodies spooled to disk, its document root), here
   * rather than in the system's temporary directory, where each start would leave new ones.
   */
  public Path webServer() {
    return root.resolve("web-server");
  }

  /** The sparse file holding a loop-mounted btrfs store, when the platform creates one. */
  public Path storeImage() {
    return root.resolve("store.img");
  }
}
