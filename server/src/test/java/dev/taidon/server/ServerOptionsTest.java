package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerOptionsTest {

  @Test
  void defaultsToEveryRoleAndPassesUnknownPropertiesToSpring() {
    ServerOptions options = ServerOptions.parse("--taidon.control-db.pool-size=5");
    assertThat(options.target()).isEqualTo("all");
    assertThat(options.dataDirectory()).isEmpty();
    assertThat(options.springArguments()).containsExactly("--taidon.control-db.pool-size=5");
  }

  @Test
  void readsItsOwnOptionsInBothSpellings() {
    ServerOptions options = ServerOptions.parse("--target", "gateway,idp", "--data-dir=/srv/taidon", "--port", "0",
        "--role-url", "sql-runner=http://10.0.0.5:8080", "--role-url=audit-log=https://audit:8443/",
        "--log-format=json", "--control-db-url=jdbc:postgresql://db/taidon", "--internal-token", "s3cret-s3cret-s3cret-s3");
    assertThat(options.target()).isEqualTo("gateway,idp");
    assertThat(options.dataDirectory()).contains(Path.of("/srv/taidon"));
    assertThat(options.port()).contains(0);
    assertThat(options.roleUrls()).containsEntry("sql-runner", URI.create("http://10.0.0.5:8080"))
        .containsEntry("audit-log", URI.create("https://audit:8443/"));
    assertThat(options.jsonLogs()).isTrue();
    assertThat(options.springArguments()).containsExactly(
        "--taidon.control-db.url=jdbc:postgresql://db/taidon", "--taidon.internal-token=s3cret-s3cret-s3cret-s3");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "--port=http            | --port must be a number",
      "--port=70000           | between 0 and 65535",
      "--port                 | --port needs a value",
      "--role-url=sql-runner  | takes ROLE=URL",
      "--role-url=x=ftp://h/  | http:// or https://",
      "--role-url=x=http://   | invalid URL",
      "--role-url=x=/relative | http:// or https://",
      "--role-url=x=http://h h| invalid URL",
      "--log-format=xml       | 'plain' or 'json'",
      "stray                  | unexpected argument 'stray'",
      "--                     | unexpected argument '--'",
  })
  void refusesBrokenArgumentsWithAMessageNamingTheFix(String argument, String message) {
    assertThatThrownBy(() -> ServerOptions.parse(argument.strip()))
        .isInstanceOfSatisfying(TaidonException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining(message.strip());
  }

  @Test
  void refusesTheSameRoleUrlTwice() {
    assertThatThrownBy(() -> ServerOptions.parse("--role-url=a=http://h:1", "--role-url=a=http://h:2"))
        .hasMessageContaining("names a twice");
  }

  @Test
  void listsEveryRoleWithItsDependencies() {
    String listing = Roles.graph().describe();
    assertThat(listing).contains("audit-log").contains("gateway").contains("sql-runner")
        .contains("depends on: audit-log, snapshot-cache, env-manager, user-profile");
  }
}
