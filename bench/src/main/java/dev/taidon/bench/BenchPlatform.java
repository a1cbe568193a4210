package dev.taidon.bench;

import dev.taidon.core.ProcessIdentity;
import dev.taidon.server.TaidonServer;
import dev.taidon.testkit.LoopFileSystem;
import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.TestDirectories;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole platform in the benchmark's own process, on a btrfs loop image when run as root (the
 * fast path a real installation gets) and otherwise on the plain disk. Closing it stops the
 * platform, kills any PostgreSQL left below its data directory and removes everything.
 */
final class BenchPlatform implements AutoCloseable {
  private final Path base;
  private final LoopFileSystem fileSystem;
  private final Path dataRoot;
  private final ConfigurableApplicationContext context;

  private BenchPlatform(Path base, LoopFileSystem fileSystem, Path dataRoot, ConfigurableApplicationContext context) {
    this.base = base;
    this.fileSystem = fileSystem;
    this.dataRoot = dataRoot;
    this.context = context;
  }

  /**
   * @param name names the temporary directory
   * @param storeMiB the size of the btrfs loop image
   * @param settings further {@code --name=value} settings of the server
   */
  static BenchPlatform start(String name, int storeMiB, String... settings) {
    Path base = TestDirectories.create(name);
    LoopFileSystem fileSystem = ProcessIdentity.isRoot() ? LoopFileSystem.btrfs(storeMiB) : null;
    Path dataRoot = fileSystem == null ? base : fileSystem.root();
    List<String> arguments = new ArrayList<>(List.of("--data-dir=" + dataRoot.resolve("data"), "--port=0",
        "--taidon.engine-directory=" + TestDirectories.SHARED_ENGINE, "--taidon.store.loop-image=false",
        "--logging.level.root=warn"));
    arguments.addAll(List.of(settings));
    try {
      return new BenchPlatform(base, fileSystem, dataRoot, TaidonServer.start(arguments.toArray(String[]::new)));
    } catch (RuntimeException e) {
      if (fileSystem != null) {
        fileSystem.close();
      }
      TestDirectories.delete(base);
      throw e;
    }
  }

  /** Settings that lift the gateway's rate limits, which a benchmark would otherwise measure. */
  static final String[] UNLIMITED_RATES = {"--taidon.gateway.account-rate=100000", "--taidon.gateway.account-burst=100000",
      "--taidon.gateway.address-rate=100000", "--taidon.gateway.address-burst=100000",
      "--taidon.gateway.sign-up-rate=100000", "--taidon.gateway.sign-up-burst=100000"};

  ConfigurableApplicationContext context() {
    return context;
  }

  URI baseUrl() {
    return URI.create("http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort());
  }

  /** A directory for the benchmark's own files, removed on close. */
  Path scratch() {
    return base;
  }

  Path dataRoot() {
    return dataRoot;
  }

  boolean onBtrfs() {
    return fileSystem != null;
  }

  String storeDescription() {
    return fileSystem == null ? "of the data directory (copy or reflink)" : "btrfs loop image";
  }

  @Override
  public void close() {
    try {
      context.close();
    } finally {
      PostgresProcesses.servingBelow(dataRoot).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      if (fileSystem != null) {
        fileSystem.close();
      }
      TestDirectories.delete(base);
    }
  }

  static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
