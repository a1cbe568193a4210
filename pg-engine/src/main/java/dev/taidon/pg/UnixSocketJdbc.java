package dev.taidon.pg;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * JDBC URLs for PostgreSQL servers that listen only on a Unix socket. pgjdbc has no native Unix
 * socket support, so the URL names junixsocket's socket factory and the socket file.
 */
public final class UnixSocketJdbc {
  /** The port in the socket's file name; every instance has a socket directory of its own. */
  public static final int PORT = 5432;
  /** Unix socket paths longer than this do not fit in {@code sockaddr_un} on Linux. */
  public static final int MAX_SOCKET_PATH = 107;

  /** What pgjdbc may assume of every server the platform starts; see {@link #url}. */
  private static final String ASSUMED_SERVER_VERSION = "16";
  private static final String FACTORY = "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg";

  /** Waits on sockets that the common pool can serve at once; see {@link #widenCommonPool}. */
  public static final int COMMON_POOL_PARALLELISM = 64;
  private static final String COMMON_POOL_PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private UnixSocketJdbc() {}

  /**
   * junixsocket (2.10) parks a virtual thread that reads a socket by running a blocking poll on the
   * common fork-join pool, whose default size is one worker per processor but one: on a two-core
   * machine a handful of waiting reads starve each other for seconds at a time (junixsocket issue
   * 172), and the control database stops answering. Widening the pool before its first use lets
   * every waiting read poll. Call it first thing in {@code main}; returns the pool's parallelism,
   * which stays small if the pool was already in use.
   */
  public static int widenCommonPool() {
    if (System.getProperty(COMMON_POOL_PROPERTY) == null) {
      System.setProperty(COMMON_POOL_PROPERTY, Integer.toString(COMMON_POOL_PARALLELISM));
    }
    return java.util.concurrent.ForkJoinPool.getCommonPoolParallelism();
  }

  public static Path socketFile(Path socketDirectory) {
    return socketDirectory.resolve(".s.PGSQL." + PORT);
  }

  /**
   * A JDBC URL for {@code database} on the server whose socket lies in {@code socketDirectory}.
   * {@code assumeMinServerVersion} lets pgjdbc put its session settings into the start-up packet
   * instead of sending a {@code SET} after it: one round trip less per connection, which a
   * learner's first run after a restore and every publish's first checkpoint wait for. Every
   * server the platform starts runs its pinned engine, far newer than the 9.0 this needs.
   */
  public static String url(Path socketDirectory, String database) {
    String socket = socketFile(socketDirectory).toAbsolutePath().toString();
    return "jdbc:postgresql://localhost:" + PORT + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8)
        + "?socketFactory=" + URLEncoder.encode(FACTORY, StandardCharsets.UTF_8)
        + "&socketFactoryArg=" + URLEncoder.encode(socket, StandardCharsets.UTF_8)
        + "&sslmode=disable&assumeMinServerVersion=" + ASSUMED_SERVER_VERSION;
  }
}
