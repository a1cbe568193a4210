package dev.taidon.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsAccountTest {

  @Test
  void noSwitchNeedsNoPrefix() {
    assertThat(new OsAccount("dev", 1000, 1000, false).commandPrefix()).isEmpty();
  }

  @Test
  void aSwitchedAccountMustBeAbleToEnterEveryDirectoryAboveTheDataDirectory(@TempDir Path base) throws Exception {
    Path closed = Files.createDirectory(base.resolve("closed"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    Path data = Files.createDirectories(closed.resolve("data"));
    OsAccount account = new OsAccount("taidon", 999, 995, true);
    assertThatThrownBy(() -> account.requireReachable(data))
        .hasMessageContaining("cannot enter " + closed)
        .hasMessageContaining("chmod o+x " + closed);
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    account.requireReachable(data);
  }
}
