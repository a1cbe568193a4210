package dev.taidon.pg;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.Command;
import dev.taidon.core.command.CommandRunner;
import dev.taidon.pg.internal.BinaryArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A directory of PostgreSQL server binaries ({@code bin/postgres}, {@code bin/initdb}) and the
 * version they report.
 *
 * @param home the directory holding {@code bin/}, {@code lib/} and {@code share/}
 * @param version the server version, e.g. {@code 18.3}
 */
public record PostgresBinaries(Path home, String version) {
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+(?:\\.\\d+)?)");

  public Path postgres() {
    return home.resolve("bin/postgres");
  }

  public Path initdb() {
    return home.resolve("bin/initdb");
  }

  /** The major version, e.g. {@code 18}. */
  public int majorVersion() {
    return Integer.parseInt(version.split("\\.")[0]);
  }

  /** The version of the binaries this build of the platform pins, e.g. {@code 18.3.0}. */
  public static String pinnedVersion() {
    return engineProperties().getProperty("binaries.version");
  }

  /**
   * The pinned binaries, unpacked below {@code engineDirectory} on first use. Unpacking is atomic:
   * a crash half-way leaves only a temporary directory that the next call removes.
   */
  public static PostgresBinaries pinned(Path engineDirectory, CommandRunner runner) {
    Properties properties = engineProperties();
    String resource = properties.getProperty("binaries.resource");
    Path home = engineDirectory.resolve("postgresql-" + properties.getProperty("binaries.version"));
    if (!Files.isExecutable(home.resolve("bin/postgres"))) {
      try (InputStream archive = PostgresBinaries.class.getClassLoader().getResourceAsStream(resource)) {
        if (archive == null) {
          throw new TaidonException(ErrorCode.INVALID_CONFIGURATION, "the pinned PostgreSQL binaries (" + resource
              + ") are not on the class path; rebuild the platform or configure taidon.engine.binaries");
        }
        BinaryArchive.unpackAtomically(archive, home);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot unpack the PostgreSQL binaries into " + home, e);
      }
    }
    return at(home, runner);
  }

  /** The binaries installed at {@code home} (for example a distribution's {@code /usr/lib/postgresql/18}). */
  public static PostgresBinaries at(Path home, CommandRunner runner) {
    Path postgres = home.resolve("bin/postgres");
    if (!Files.isExecutable(postgres) || !Files.isExecutable(home.resolve("bin/initdb"))) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          home + " does not hold PostgreSQL server binaries (bin/postgres and bin/initdb)");
    }
    String answer = runner.run(Command.of(postgres.toString(), "--version")).stdout();
    Matcher matcher = VERSION.matcher(answer);
    if (!matcher.find()) {
      throw new TaidonException(ErrorCode.INVALID_CONFIGURATION,
          postgres + " --version answered '" + answer.strip() + "', which names no PostgreSQL version");
    }
    return new PostgresBinaries(home, matcher.group(1));
  }

  private static Properties engineProperties() {
    Properties properties = new Properties();
    try (InputStream in = PostgresBinaries.class.getResourceAsStream("engine.properties")) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }
}
