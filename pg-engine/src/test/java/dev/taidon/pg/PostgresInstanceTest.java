package dev.taidon.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.ProcessCommandRunner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostgresInstanceTest {
  private final PostgresBinaries binaries = new PostgresBinaries(Path.of("/opt/pg"), "18.3");
  private final PostgresInstance.Spec spec = new PostgresInstance.Spec(Path.of("/data/pgdata"), Path.of("/data/run/x"),
      Path.of("/data/logs/x.log"), settings());

  private static Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("shared_buffers", "16MB");
    settings.put("search_path", "\"$user\", public");
    return settings;
  }

  @Test
  void theServerListensOnlyOnItsUnixSocketAndSwitchesToThePostgresAccountWhenRoot() {
    OsAccount account = new OsAccount("taidon", 999, 995, true);
    PostgresInstance instance = new PostgresInstance(binaries, account, new ProcessCommandRunner(), spec);
    assertThat(instance.serverCommand().argv()).containsExactly(
        "setpriv", "--reuid=999", "--regid=995", "--init-groups", "--reset-env", "--",
        "/opt/pg/bin/postgres", "-D", "/data/pgdata",
        "-c", "listen_addresses=", "-c", "unix_socket_directories=/data/run/x",
        "-c", "unix_socket_permissions=0700", "-c", "port=5432",
        "-c", "shared_buffers=16MB", "-c", "search_path=\"$user\", public");
    assertThat(instance.serverCommand().workingDirectory()).contains(Path.of("/"));
  }

  @Test
  void aMemoryLimitPerProcessIsSetBeforeTheAccountSwitchAndInheritedByTheServer() {
    OsAccount account = new OsAccount("taidon", 999, 995, true);
    PostgresInstance.Spec limited = new PostgresInstance.Spec(spec.dataDirectory(), spec.socketDirectory(),
        spec.logFile(), Map.of(), 256L << 20);
    PostgresInstance instance = new PostgresInstance(binaries, account, new ProcessCommandRunner(), limited);
    assertThat(instance.serverCommand().argv()).startsWith(
        "prlimit", "--data=268435456:268435456", "--", "setpriv", "--reuid=999", "--regid=995", "--init-groups",
        "--reset-env", "--", "/opt/pg/bin/postgres");
    assertThatThrownBy(() -> new PostgresInstance.Spec(Path.of("/d"), Path.of("/r"), Path.of("/l"), Map.of(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void initdbCreatesAUtf8ClusterInTheCLocaleWithTheFixedSuperuser() {
    OsAccount self = new OsAccount("dev", 1000, 1000, false);
    PostgresInstance instance = new PostgresInstance(binaries, self, new ProcessCommandRunner(), spec);
    assertThat(instance.initdbCommand(List.of("--no-sync")).display()).isEqualTo(
        "/opt/pg/bin/initdb --pgdata=/data/pgdata --username=postgres --auth=trust --encoding=UTF8 --locale=C "
            + "--no-instructions --no-sync");
  }

  @Test
  void refusesSocketPathsLongerThanUnixSocketsAllow() {
    Path deep = Path.of("/", "a".repeat(120));
    assertThatThrownBy(() -> new PostgresInstance.Spec(Path.of("/d"), deep, Path.of("/l"), Map.of()))
        .isInstanceOfSatisfying(TaidonException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY_UNUSABLE))
        .hasMessageContaining("shorter path");
  }

  @Test
  void theJdbcUrlNamesTheSocketFileThroughJunixsocket() {
    assertThat(UnixSocketJdbc.url(Path.of("/data/run/a b"), "taidon")).isEqualTo(
        "jdbc:postgresql://localhost:5432/taidon?socketFactory=org.newsclub.net.unix.AFUNIXSocketFactory%24FactoryArg"
            + "&socketFactoryArg=%2Fdata%2Frun%2Fa+b%2F.s.PGSQL.5432&sslmode=disable&assumeMinServerVersion=16");
  }

  /** A lock file as PostgreSQL 18 writes it, with the given process id and status line. */
  private static List<String> lockFile(String pid, String status) {
    return List.of(pid, "/data/pgdata", "1764470000", "5432", "/data/run/x", "", "   258   1048576", status);
  }

  @Test
  void theServerJustLaunchedAcceptsConnectionsOnceItsLockFileSaysReady() {
    assertThat(PostgresInstance.acceptsConnections(lockFile("4242", "ready   "), 4242)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @CsvSource(delimiter = '|', textBlock = """
      4242    | starting | still recovering or starting
      4242    | stopping | shutting down
      4242    | standby  | a hot standby, not a sandbox
      1717    | ready    | left by an earlier server of this directory (killed, or in a snapshot)
      garbage | ready    | no process id on the first line
      """)
  void noOtherLockFileCounts(String pid, String status, String why) {
    assertThat(PostgresInstance.acceptsConnections(lockFile(pid, status), 4242)).as(why).isFalse();
  }

  @Test
  void aLockFileNotWrittenToTheEndDoesNotCount() {
    assertThat(PostgresInstance.acceptsConnections(lockFile("4242", "ready").subList(0, 7), 4242))
        .as("seven lines: the status line is not there yet").isFalse();
    assertThat(PostgresInstance.acceptsConnections(List.of(), 4242)).as("no lock file yet").isFalse();
  }
}
