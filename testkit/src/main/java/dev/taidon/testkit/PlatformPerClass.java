package dev.taidon.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One platform server for a test class, on a data directory of its own: started (and ready)
 * before the class's {@code @BeforeAll} methods, stopped after its last test, with its directory
 * and everything below it removed. Registered as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PlatformPerClass platform = new PlatformPerClass("runner", "--taidon.sandbox.pool-size=0");
 * }</pre>
 */
public final class PlatformPerClass implements BeforeAllCallback, AfterAllCallback {
  private final String name;
  private final List<String> settings;
  private Path directory;
  private ServerProcess server;

  /**
   * @param name names the test directory
   * @param settings server options besides {@code --data-dir}
   */
  public PlatformPerClass(String name, String... settings) {
    this.name = name;
    this.settings = List.of(settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    directory = TestDirectories.create(name);
    List<String> arguments = new ArrayList<>();
    arguments.add("--data-dir=" + data());
    arguments.addAll(settings);
    server = ServerProcess.start(directory.resolve("server.log"), arguments);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (directory != null) {
        TestDirectories.delete(directory);
      }
    }
  }

  /** The running server; valid from the class's {@code @BeforeAll} methods on. */
  public ServerProcess server() {
    if (server == null) {
      throw new IllegalStateException("the platform of this test class is not started: register it with"
          + " @RegisterExtension on a static field");
    }
    return server;
  }

  /** The test class's own directory: the server's log, its data directory, and room for more files. */
  public Path directory() {
    return directory;
  }

  /** The server's data directory. */
  public Path data() {
    return directory.resolve("data");
  }
}
