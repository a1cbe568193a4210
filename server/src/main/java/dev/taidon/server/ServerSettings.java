package dev.taidon.server;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.pg.OsAccount;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The server's settings ({@code taidon.*}), validated when the server starts. Defaults are named
 * here and nowhere else.
 *
 * @param internalToken the secret every process of one platform shares to call each other's roles;
 *     required as soon as a role runs in another process
 * @param roleCallTimeout how long a call to a role in another process may take
 * @param postgresAccount the system account PostgreSQL runs as when the server runs as root
 * @param postgresBinaries a directory of PostgreSQL binaries to use instead of the pinned ones
 * @param engineDirectory where the pinned binaries are unpacked (default: the data directory's {@code engine/})
 * @param controlDb the control database
 */
@ConfigurationProperties("taidon")
public record ServerSettings(
    @DefaultValue("") String internalToken,
    @DefaultValue("30s") Duration roleCallTimeout,
    @DefaultValue(OsAccount.DEFAULT_SYSTEM_ACCOUNT) String postgresAccount,
    Path postgresBinaries,
    Path engineDirectory,
    @DefaultValue ControlDb controlDb) {

  /** The shortest internal token accepted: 128 bits of base64 or hex. */
  public static final int MIN_TOKEN_LENGTH = 22;

  /**
   * @param url a JDBC URL of an external PostgreSQL; empty to start one in the data directory
   * @param username the user for {@code url}
   * @param password the password for {@code url}
   * @param poolSize connections this process keeps to the control database
   * @param startTimeout how long the embedded control database may take to start
   * @param connectionTimeout how long a request waits for one of the pool's connections before it is
   *     answered 503 (the control database is overloaded or unreachable)
   * @param statementTimeout the longest one statement of this process may take in the control
   *     database, waiting for locks included; past it the statement is cancelled and a request
   *     answered 503, so a stalled control database (a lock held by a stuck session, a disk that
   *     does not answer) fails requests instead of holding their threads. 0 lifts the bound (a
   *     migration that builds an index on a large table may need that for one start)
   */
  public record ControlDb(
      @DefaultValue("") String url,
      @DefaultValue("") String username,
      @DefaultValue("") String password,
      @DefaultValue("10") int poolSize,
      @DefaultValue("60s") Duration startTimeout,
      @DefaultValue("10s") Duration connectionTimeout,
      @DefaultValue("30s") Duration statementTimeout) {

    /** HikariCP's own lower bound for a connection timeout. */
    static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);

    public ControlDb {
      if (connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0) {
        throw invalid("taidon.control-db.connection-timeout must be at least " + MIN_CONNECTION_TIMEOUT.toMillis()
            + "ms, not " + connectionTimeout.toMillis() + "ms");
      }
      if (statementTimeout.isNegative() || (!statementTimeout.isZero() && statementTimeout.toMillis() < 100)) {
        throw invalid("taidon.control-db.statement-timeout must be 0 (no bound) or at least 100ms, not "
            + statementTimeout.toMillis() + "ms");
      }
      if (poolSize < 1 || poolSize > 200) {
        throw invalid("taidon.control-db.pool-size must be between 1 and 200, not " + poolSize);
      }
      if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
        throw invalid("taidon.control-db.url (--control-db-url) must be a jdbc:postgresql: URL, not '" + url + "'");
      }
    }

    public boolean embedded() {
      return url.isEmpty();
    }
  }

  public ServerSettings {
    if (!internalToken.isEmpty() && internalToken.length() < MIN_TOKEN_LENGTH) {
      throw invalid("taidon.internal-token (--internal-token) must have at least " + MIN_TOKEN_LENGTH + " characters");
    }
    if (roleCallTimeout.isNegative() || roleCallTimeout.isZero()) {
      throw invalid("taidon.role-call-timeout must be positive, not " + roleCallTimeout);
    }
  }

  /** Checks what depends on where roles run: processes that talk to each other need a shared token. */
  void requireTokenWhenSplit(boolean allInOne) {
    if (!allInOne && internalToken.isEmpty()) {
      throw invalid("roles of this platform run in more than one process, so every process needs the same "
          + "--internal-token (or TAIDON_INTERNAL_TOKEN) of at least " + MIN_TOKEN_LENGTH + " characters");
    }
  }

  private static TaidonException invalid(String message) {
    return new TaidonException(ErrorCode.INVALID_CONFIGURATION, message);
  }
}
