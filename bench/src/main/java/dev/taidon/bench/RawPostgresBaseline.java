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
 * until {@code SELECT 1} answers over a new connection, and stopped again, {@code runs} times.
 */
final class RawPostgresBaseline {
  private RawPostgresBaseline() {}

  static Samples measure(Path directory, Map<String, String> settings, List<String> initdbOptions, int runs)
      throws Exception {
    PostgresInstance instance = new PostgresInstance(TestPostgres.binaries(), TestPostgres.account(),
        new ProcessCommandRunner(), new PostgresInstance.Spec(directory.resolve("data"), directory.resolve("run"),
            directory.resolve("pg.log"), settings));
    instance.initdb(initdbOptions);
    Samples samples = new Samples("raw postgres start until SELECT 1");
    for (int run = 0; run < runs; run++) {
      long began = System.nanoTime();
      instance.start(Duration.ofSeconds(60));
      try (Connection connection = instance.connect("postgres"); Statement statement = connection.createStatement()) {
        statement.execute("SELECT 1");
      }
      samples.add(System.nanoTime() - began);
      instance.stop();
    }
    return samples;
  }
}
