package dev.taidon.sqlrunner.script;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandResult;
import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.pg.PostgresInstance;
import dev.taidon.testkit.TestDirectories;
import dev.taidon.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser against psql itself: each script is run by the real {@code psql -f} against a real
 * server that logs every statement it receives, and the statements the parser finds must be those,
 * in that order. The corpus holds the built-in datasets (a pg_dump with COPY blocks, a script with
 * CREATE DATABASE and \c), a file of lexical traps and one of psql variables, parsed in a cell's
 * context as the runner parses them.
 */
class ScriptParserMatchesPsqlIT {
  static final Path DATASETS = Path.of("src", "main", "resources", "datasets");
  private static Path directory;
  private static PostgresInstance server;

  static Stream<Path> corpus() {
    return Stream.of(DATASETS.resolve("clubdata/clubdata.sql"), DATASETS.resolve("chinook/Chinook_PostgreSql.sql"),
        Path.of("src", "test", "resources", "scripts", "tricky.sql"),
        Path.of("src", "test", "resources", "scripts", "variables.sql"));
  }

  @BeforeAll
  static void start() {
    directory = TestDirectories.create("psql-compare");
    server = new PostgresInstance(TestPostgres.binaries(), TestPostgres.account(), new ProcessCommandRunner(),
        new PostgresInstance.Spec(directory.resolve("data"), directory.resolve("run"), directory.resolve("postgres.log"),
            Map.of("fsync", "off", "log_statement", "all", "log_line_prefix", "@@@ ", "log_min_error_statement", "panic",
                "client_min_messages", "error")));
    server.initdb(List.of("--no-sync"));
    server.start(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    server.stop();
    TestDirectories.delete(directory);
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void findsExactlyTheStatementsPsqlSends(Path script) throws Exception {
    assertThat(script).as("the corpus file").isRegularFile();
    String text = Files.readString(script, StandardCharsets.UTF_8);
    List<String> parsed = ScriptParser.parse(text, "", ScriptContext.forCells()).stream()
        .filter(item -> item instanceof ScriptItem.Statement)
        .map(item -> normalize(((ScriptItem.Statement) item).sql()))
        .toList();

    Path log = server.spec().logFile();
    long before = Files.size(log);
    // A fresh database per script, so CREATE statements of one script do not fail in the next.
    String database = "compare_" + Math.abs(script.getFileName().toString().hashCode());
    new ProcessCommandRunner().run(Command.of("psql", "-X", "-q", "-h", server.spec().socketDirectory().toString(),
        "-U", PostgresInstance.SUPERUSER, "-d", "postgres", "-c", "CREATE DATABASE " + database));
    long afterCreate = Files.size(log);
    CommandResult psql = new ProcessCommandRunner().execute(Command.of("psql", "-X", "-q", "-h",
        server.spec().socketDirectory().toString(), "-U", PostgresInstance.SUPERUSER, "-d", database,
        "-v", "ON_ERROR_STOP=0", "-f", script.toAbsolutePath().toString()).withTimeout(Duration.ofMinutes(5)));
    assertThat(psql.exitStatus()).as("psql ran the script: %s", psql.stderr()).isIn(0, 3);
    assertThat(before).isLessThan(afterCreate);

    byte[] logged = Files.readAllBytes(log);
    List<String> sent = loggedStatements(new String(logged, (int) afterCreate, logged.length - (int) afterCreate,
        StandardCharsets.UTF_8));
    assertThat(parsed).as("statements of %s", script.getFileName()).containsExactlyElementsOf(sent);
  }

  /** The statements the server logged, each possibly spanning lines, in order. */
  private static List<String> loggedStatements(String log) {
    List<String> statements = new ArrayList<>();
    for (String entry : log.split("(?m)^@@@ ")) {
      int at = entry.indexOf("LOG:  statement: ");
      if (at == 0) {
        // The server's stderr log indents every continuation line of a message with a tab.
        statements.add(normalize(entry.substring("LOG:  statement: ".length()).replace("\n\t", "\n")));
      }
    }
    return statements;
  }

  /** psql sends the semicolon and the server logs the text as received; compare without it and trailing space. */
  private static String normalize(String sql) {
    String trimmed = sql.strip();
    return trimmed.endsWith(";") ? trimmed.substring(0, trimmed.length() - 1).strip() : trimmed;
  }
}
