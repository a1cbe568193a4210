package dev.taidon.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Taidon server started as a real operating-system process from the packaged jar, the way an
 * operator starts it. Its output goes to a file that {@link #output()} returns for failure messages.
 */
public final class ServerProcess implements AutoCloseable {
  /** System property with the JVM options of launched servers, separated by spaces. */
  public static final String JVM_OPTIONS = "taidon.server.jvm-options";
  /** Tests favour a quick start and a small heap over peak speed. */
  static final String DEFAULT_JVM_OPTIONS = "-Xmx512m -XX:TieredStopAtLevel=1";

  /** Servers still running when the test JVM exits (a failed test that never closed its server). */
  private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroy), "server-process-reaper"));
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** How long one readiness probe may take before it counts as "not ready yet". */
  private static final Duration READY_PROBE_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final Path log;
  private final int port;

  private ServerProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** The jar the build produced, named by the {@code taidon.server.jar} system property. */
  public static Path jar() {
    String jar = System.getProperty("taidon.server.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("system property taidon.server.jar must name the packaged server jar, not " + jar);
    }
    return Path.of(jar);
  }

  /** Starts the server with {@code --port} set to a free port and the given arguments; does not wait. */
  public static ServerProcess launch(Path logFile, List<String> arguments) {
    return launch(logFile, freePort(), arguments);
  }

  /** Starts the server on {@code port} with the given arguments; does not wait. */
  public static ServerProcess launch(Path logFile, int port, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : System.getProperty(JVM_OPTIONS, DEFAULT_JVM_OPTIONS).split(" ")) {
      if (!option.isBlank()) {
        command.add(option);
      }
    }
    command.addAll(List.of("-jar", jar().toString(), "--port=" + port,
        "--taidon.engine-directory=" + TestDirectories.SHARED_ENGINE));
    command.addAll(arguments);
    try {
      Files.createDirectories(logFile.getParent());
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
      LIVE.add(process);
      process.onExit().thenRun(() -> LIVE.remove(process));
      return new ServerProcess(process, logFile, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server and waits until its readiness probe says UP. */
  public static ServerProcess start(Path logFile, List<String> arguments) {
    return start(logFile, freePort(), arguments);
  }

  /** Starts the server on {@code port} and waits until its readiness probe says UP. */
  public static ServerProcess start(Path logFile, int port, List<String> arguments) {
    ServerProcess server = launch(logFile, port, arguments);
    server.awaitReady(Duration.ofSeconds(120));
    return server;
  }

  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("server exited with status " + process.exitValue() + " before it was ready:\n" + output());
      }
      try {
        // Bounded: a server that accepts connections but never answers fails the wait instead of hanging it.
        HttpResponse<String> response = send(HttpRequest.newBuilder(baseUrl().resolve("/actuator/health/readiness"))
            .timeout(READY_PROBE_TIMEOUT).GET().build());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (UncheckedIOException notYet) {
        // The port is not open yet.
      }
      sleep(100);
    }
    throw new AssertionError("server not ready within " + timeout + ":\n" + output());
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(baseUrl().resolve(path)).GET().build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends SIGTERM, as Ctrl+C or an orchestrator would, and waits for the exit status. */
  public int terminate() {
    process.destroy();
    return awaitExit(Duration.ofSeconds(60));
  }

  /** Sends SIGKILL: the process gets no chance to clean up. */
  public int kill() {
    process.destroyForcibly();
    return awaitExit(Duration.ofSeconds(30));
  }

  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("server did not exit within " + timeout + ":\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Everything the server printed so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      terminate();
    }
  }

  /** A TCP port on the loopback interface that nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
