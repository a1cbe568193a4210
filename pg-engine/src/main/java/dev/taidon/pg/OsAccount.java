package dev.taidon.pg;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.ProcessIdentity;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandResult;
import dev.taidon.core.command.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operating-system account PostgreSQL processes run as. PostgreSQL refuses to run as root, so
 * when the platform runs as root its PostgreSQL processes run as an unprivileged system account
 * (created on first use); otherwise they run as the platform's own user.
 *
 * @param name the account name
 * @param uid its numeric user id
 * @param gid its numeric primary group id
 * @param switched whether commands must switch to this account (the platform runs as root)
 */
public record OsAccount(String name, int uid, int gid, boolean switched) {
  /** The system account created for PostgreSQL when the platform runs as root. */
  public static final String DEFAULT_SYSTEM_ACCOUNT = "taidon";

  private static final Logger log = LoggerFactory.getLogger(OsAccount.class);

  /**
   * The account PostgreSQL must run as: this process's user, or, when that is root, the system
   * account {@code systemAccount}, created with {@code useradd} if it does not exist.
   */
  public static OsAccount forPostgres(CommandRunner runner, String systemAccount) {
    int uid = ProcessIdentity.uid();
    if (uid != 0) {
      String name = System.getProperty("user.name");
      return new OsAccount(name, uid, ProcessIdentity.gid(), false);
    }
    CommandResult existing = runner.execute(Command.of("id", "-u", systemAccount));
    if (!existing.succeeded()) {
      CommandResult created = runner.execute(Command.of("useradd", "--system", "--user-group", "--no-create-home",
          "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--comment", "Taidon PostgreSQL", systemAccount));
      // Exit status 9: another process created the account first, which is just as good.
      if (!created.succeeded() && created.exitStatus() != 9) {
        throw new TaidonException(ErrorCode.COMMAND_FAILED, "the platform runs as root and PostgreSQL refuses to, "
            + "but the system account '" + systemAccount + "' could not be created: " + created.stderr().strip()
            + "; create it yourself (useradd --system " + systemAccount + ") or run the platform as a normal user");
      }
      log.info("Created system account '{}' to run PostgreSQL, because the platform runs as root", systemAccount);
    }
    int accountUid = Integer.parseInt(runner.run(Command.of("id", "-u", systemAccount)).stdout().strip());
    int accountGid = Integer.parseInt(runner.run(Command.of("id", "-g", systemAccount)).stdout().strip());
    log.info("The platform runs as root: PostgreSQL runs as the unprivileged system account '{}' (uid {})",
        systemAccount, accountUid);
    return new OsAccount(systemAccount, accountUid, accountGid, true);
  }

  /** What to put before a command so that it runs as this account; empty when no switch is needed. */
  public List<String> commandPrefix() {
    if (!switched) {
      return List.of();
    }
    return List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--reset-env", "--");
  }

  /** Makes this account the owner of {@code path} (not recursive); does nothing when no switch is needed. */
  public void own(Path path) {
    if (!switched) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
      view.setOwner(lookup.lookupPrincipalByName(name));
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(name);
      view.setGroup(group);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give " + path + " to the account " + name, e);
    }
  }

  /**
   * Checks that this account can reach {@code directory}: it must be able to enter that directory
   * (when it exists) and every directory above it, as others, its owner or its group, when
   * PostgreSQL runs as a different account than the platform. A data directory made by
   * {@code mktemp -d} (mode 0700, owned by root) fails here rather than later with a loader error
   * from {@code initdb}.
   *
   * @throws TaidonException with {@link ErrorCode#DATA_DIRECTORY_UNUSABLE} naming the directory
   *     that blocks the way and the command that opens it
   */
  public void requireReachable(Path directory) {
    if (!switched) {
      return;
    }
    Path target = directory.toAbsolutePath().normalize();
    for (Path dir = Files.isDirectory(target) ? target : target.getParent(); dir != null; dir = dir.getParent()) {
      if (!canEnter(dir)) {
        throw new TaidonException(ErrorCode.DATA_DIRECTORY_UNUSABLE, "PostgreSQL runs as the account '" + name
            + "', which cannot enter " + dir + (dir.equals(target) ? "" : " on the way to " + target)
            + ": choose a data directory " + (dir.equals(target) ? "it can enter" : "outside it")
            + " (--data-dir) or allow it with: chmod o+x " + dir);
      }
    }
  }

  private boolean canEnter(Path dir) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
      int owner = (Integer) Files.getAttribute(dir, "unix:uid");
      int group = (Integer) Files.getAttribute(dir, "unix:gid");
      if (owner == uid) {
        return permissions.contains(PosixFilePermission.OWNER_EXECUTE);
      }
      if (group == gid) {
        return permissions.contains(PosixFilePermission.GROUP_EXECUTE);
      }
      return permissions.contains(PosixFilePermission.OTHERS_EXECUTE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
