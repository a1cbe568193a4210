package dev.taidon.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
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
    Path closed = directory(base.resolve("closed"), "rwx------");
    Path data = Files.createDirectories(closed.resolve("data"));
    OsAccount account = new OsAccount("taidon", 999, 995, true);
    assertThatThrownBy(() -> account.requireReachable(data))
        .hasMessageContaining("cannot enter " + closed)
        .hasMessageContaining("chmod o+x " + closed);
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    account.requireReachable(data);
  }

  @Test
  void aSwitchedAccountMustBeAbleToEnterTheDataDirectoryItself(@TempDir Path base) throws Exception {
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    // As `mktemp -d` makes it: only its owner, the platform's user, may enter.
    Path data = directory(base.resolve("data"), "rwx------");
    int owner = (Integer) Files.getAttribute(data, "unix:uid");
    OsAccount other = new OsAccount("taidon", owner + 1, 65533, true);

    assertThatThrownBy(() -> other.requireReachable(data))
        .isInstanceOfSatisfying(TaidonException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_DIRECTORY_UNUSABLE))
        .hasMessage("PostgreSQL runs as the account 'taidon', which cannot enter " + data + ": choose a data"
            + " directory it can enter (--data-dir) or allow it with: chmod o+x " + data);
    new OsAccount("taidon", owner, 65533, true).requireReachable(data);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx-----x"));
    other.requireReachable(data);
  }

  @Test
  void aDirectoryTheAccountsGroupMayEnterIsReachable(@TempDir Path base) throws Exception {
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    Path data = directory(base.resolve("data"), "rwx--x---");
    int owner = (Integer) Files.getAttribute(data, "unix:uid");
    int group = (Integer) Files.getAttribute(data, "unix:gid");

    new OsAccount("taidon", owner + 1, group, true).requireReachable(data);
    assertThatThrownBy(() -> new OsAccount("taidon", owner + 1, group + 1, true).requireReachable(data))
        .hasMessageContaining("cannot enter " + data + ":");
  }

  @Test
  void aDataDirectoryNotYetMadeIsCheckedFromItsParentUp(@TempDir Path base) throws Exception {
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    int owner = (Integer) Files.getAttribute(base, "unix:uid");

    new OsAccount("taidon", owner + 1, 65533, true).requireReachable(base.resolve("not-yet"));
  }

  private static Path directory(Path path, String permissions) throws Exception {
    return Files.createDirectory(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
  }
}
