package dev.taidon.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.command.ProcessCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {
  private final ProcessCommandRunner runner = new ProcessCommandRunner();

  @Test
  void readsTheVersionTheServerReports(@TempDir Path home) throws Exception {
    fakeServer(home, "echo 'postgres (PostgreSQL) 17.6'");
    PostgresBinaries binaries = PostgresBinaries.at(home, runner);
    assertThat(binaries.version()).isEqualTo("17.6");
    assertThat(binaries.majorVersion()).isEqualTo(17);
  }

  @Test
  void refusesADirectoryWithoutServerBinaries(@TempDir Path home) {
    assertThatThrownBy(() -> PostgresBinaries.at(home, runner))
        .hasMessageContaining("does not hold PostgreSQL server binaries");
  }

  @Test
  void refusesAServerThatNamesNoVersion(@TempDir Path home) throws Exception {
    fakeServer(home, "echo 'hello'");
    assertThatThrownBy(() -> PostgresBinaries.at(home, runner)).hasMessageContaining("names no PostgreSQL version");
  }

  @Test
  void thePinnedVersionComesFromTheBuild() {
    assertThat(PostgresBinaries.pinnedVersion()).matches("\\d+\\.\\d+\\.\\d+");
  }

  private static void fakeServer(Path home, String body) throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin"));
    for (String name : new String[] {"postgres", "initdb"}) {
      Path script = bin.resolve(name);
      Files.writeString(script, "#!/bin/sh\n" + body + "\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
