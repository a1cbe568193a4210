package dev.taidon.bench;

import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.pg.PostgresInstance;
import dev.taidon.testkit.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The baseline of the platform's start-up benchmarks: a bare cluster of the pinned engine, started
 * until {@code SELECT 1} answers over a new connection, and stopped again.
 */
final class RawPostgresBaseline {
  private final PostgresInstance instance;

  private RawPostgresBaseline(PostgresInstance instance) {
    this.instance = instance;
  }

  /** A fresh cluster in {@code directory}, initialised and stopped, ready for {@link #timeOneStart()}. */
  static RawPostgresBaseline initialised(Path directory, Map<String, String> settings, List<String> initdbOptions)
      throws Exception {
    PostgresInstance instance = new PostgresInstance(TestPostgres.binaries(), TestPostgres.account(),
        new ProcessCommandRunner(), new PostgresInstance.Spec(directory.resolve("data"), directory.resolve("run"),
            directory.resolve("pg.log"), settings));
    instance.initdb(initdbOptions);
    return new RawPostgresBaseline(instance);
  }

  /** {@code runs} starts of a fresh cluster in {@code directory}, as one sample set. */
  static Samples measure(Path directory, Map<String, String> settings, List<String> initdbOptions, int runs)
      throws Exception {
    return initialised(directory, settings, initdbOptions).starts(runs);
  }

  /** {@code runs} starts of this cluster, as one sample set. */
  Samples starts(int runs) throws Exception {
    Samples samples = new Samples("raw postgres start until SELECT 1");
    for (int run = 0; run < runs; run++) {
      samples.add(timeOneStart());
    }
    return samples;
  }

  /** Nanoseconds from launching the server until {@code SELECT 1} answered; the server is stopped again after. */
  long timeOneStart() throws Exception {
    long began = System.nanoTime();
    instance.start(Duration.ofSeconds(60));
    try (Connection connection = instance.connect("postgres"); Statement statement = connection.createStatement()) {
      statement.execute("SELECT 1");
    }
    long elapsed = System.nanoTime() - began;
    instance.stop();
    return elapsed;
  }
}
