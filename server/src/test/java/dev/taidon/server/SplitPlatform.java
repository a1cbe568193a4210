package dev.taidon.server;

import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The platform spread over two processes, as a test fixture: the front (gateway and the
 * account-side roles, with the control database) and the engine side (sql-runner, env-manager,
 * snapshot-cache), each reaching the other's roles over HTTP with a shared internal token. The
 * engine side shares the front's control database through its Unix socket.
 */
final class SplitPlatform implements AutoCloseable {
  static final String TOKEN = "split-internal-token-0123456789abcdef";

  final Path base;
  final ServerProcess front;
  final ServerProcess engine;

  private SplitPlatform(Path base, ServerProcess front, ServerProcess engine) {
    this.base = base;
    this.front = front;
    this.engine = engine;
  }

  /**
   * Starts both processes (the front first, as the engine side needs its control database) and
   * waits until both are ready.
   *
   * @param frontSettings options of the front besides its data directory, token and role URLs
   * @param engineSettings options of the engine side besides the same
   */
  static SplitPlatform start(String name, List<String> frontSettings, List<String> engineSettings) {
    Path base = TestDirectories.create(name);
    int frontPort = ServerProcess.freePort();
    int enginePort = ServerProcess.freePort();
    Path frontData = base.resolve("front");
    List<String> front = new ArrayList<>(List.of("--target=gateway,idp,user-profile,vcs-sync,audit-log",
        "--data-dir=" + frontData, "--internal-token=" + TOKEN,
        "--role-url=sql-runner=http://127.0.0.1:" + enginePort,
        "--role-url=env-manager=http://127.0.0.1:" + enginePort,
        "--role-url=snapshot-cache=http://127.0.0.1:" + enginePort));
    front.addAll(frontSettings);
    ServerProcess frontProcess = ServerProcess.start(base.resolve("front.log"), frontPort, front);
    String controlDb = UnixSocketJdbc.url(frontData.resolve("run/control-db"), "taidon");
    List<String> engine = new ArrayList<>(List.of("--target=sql-runner,env-manager,snapshot-cache",
        "--data-dir=" + base.resolve("engine"), "--internal-token=" + TOKEN, "--control-db-url=" + controlDb,
        "--taidon.control-db.username=postgres",
        "--role-url=audit-log=http://127.0.0.1:" + frontPort,
        "--role-url=user-profile=http://127.0.0.1:" + frontPort,
        "--role-url=vcs-sync=http://127.0.0.1:" + frontPort));
    engine.addAll(engineSettings);
    try {
      return new SplitPlatform(base, frontProcess, ServerProcess.start(base.resolve("engine.log"), enginePort, engine));
    } catch (RuntimeException | AssertionError e) {
      frontProcess.close();
      TestDirectories.delete(base);
      throw e;
    }
  }

  /** Stops the engine side, then the front with its control database, and removes the directory. */
  @Override
  public void close() {
    engine.close();
    front.close();
    TestDirectories.delete(base);
  }
}
