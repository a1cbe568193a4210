package dev.taidon.server;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's command line. Options of its own are parsed here; anything else that starts with
 * {@code --} is passed to Spring Boot unchanged (for example {@code --taidon.control-db.pool-size=5}).
 *
 * @param target the roles to run ({@code all} or a comma-separated list)
 * @param dataDirectory {@code --data-dir}, when given
 * @param port {@code --port}, when given
 * @param roleUrls {@code --role-url ROLE=URL}, once per role that runs elsewhere
 * @param jsonLogs {@code --log-format=json}
 * @param listTargets {@code --list-targets}: print the roles and exit
 * @param verifyAudit {@code --verify-audit}: check the audit chain of a stopped server's data and exit
 * @param help {@code --help}: print usage and exit
 * @param springArguments everything else, for Spring Boot
 */
public record ServerOptions(
    String target,
    Optional<Path> dataDirectory,
    Optional<Integer> port,
    Map<String, URI> roleUrls,
    boolean jsonLogs,
    boolean listTargets,
    boolean verifyAudit,
    boolean help,
    List<String> springArguments) {

  public static final String USAGE = """
      Usage: taidon-server [options]

        --target=ROLES         roles to run: 'all' (default) or a comma-separated list
        --list-targets         print every role and what it depends on, then exit
        --data-dir=DIR         the data directory (default: $TAIDON_DATA_DIR, else ~/.local/share/taidon,
                               or /var/lib/taidon when run as root)
        --port=N               HTTP port (default 8080; 0 picks a free one)
        --role-url=ROLE=URL    where a role that does not run here is reached (repeatable)
        --control-db-url=URL   JDBC URL of an external control database (default: start one in the data directory)
        --internal-token=T     shared secret between processes of one platform (or $TAIDON_INTERNAL_TOKEN)
        --log-format=plain|json
        --verify-audit         check the audit log's hash chain (server stopped), print the first broken
                               entry if any, exit 0 when intact and 3 when broken
        --help                 print this text, then exit

      Any other --name=value is a Spring Boot property, e.g. --taidon.control-db.pool-size=5.
      """;

  public static ServerOptions parse(String... args) {
    String target = "all";
    Path dataDirectory = null;
    Integer port = null;
    Map<String, URI> roleUrls = new LinkedHashMap<>();
    boolean jsonLogs = false;
    boolean listTargets = false;
    boolean verifyAudit = false;
    boolean help = false;
    List<String> spring = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      boolean inline = arg.contains("=");
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--list-targets" -> listTargets = true;
        case "--verify-audit" -> verifyAudit = true;
        case "--target", "--data-dir", "--port", "--role-url", "--log-format", "--control-db-url", "--internal-token" -> {
          String value;
          if (inline) {
            value = arg.substring(arg.indexOf('=') + 1);
          } else if (i + 1 < args.length) {
            value = args[++i];
          } else {
            throw invalid(name + " needs a value");
          }
          switch (name) {
            case "--target" -> target = value;
            case "--data-dir" -> dataDirectory = value.isBlank() ? null : Path.of(value);
            case "--port" -> port = port(value);
            case "--role-url" -> addRoleUrl(roleUrls, value);
            case "--log-format" -> jsonLogs = logFormat(value);
            case "--control-db-url" -> spring.add("--taidon.control-db.url=" + value);
            case "--internal-token" -> spring.add("--taidon.internal-token=" + value);
            default -> throw new IllegalStateException(name);
          }
        }
        default -> {
          if (!arg.startsWith("--") || arg.length() == 2) {
            throw invalid("unexpected argument '" + arg + "'; see --help");
          }
          spring.add(arg);
        }
      }
    }
    return new ServerOptions(target, Optional.ofNullable(dataDirectory), Optional.ofNullable(port),
        Map.copyOf(roleUrls), jsonLogs, listTargets, verifyAudit, help,
        List.copyOf(spring));
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value.strip());
      if (port < 0 || port > 65535) {
        throw invalid("--port must be between 0 and 65535, not " + value);
      }
      return port;
    } catch (NumberFormatException e) {
      throw invalid("--port must be a number, not '" + value + "'");
    }
  }

  private static void addRoleUrl(Map<String, URI> roleUrls, String value) {
    int equals = value.indexOf('=');
    if (equals <= 0) {
      throw invalid("--role-url takes ROLE=URL, e.g. --role-url sql-runner=http://10.0.0.5:8080, not '" + value + "'");
    }
    String role = value.substring(0, equals).strip();
    URI url;
    try {
      url = URI.create(value.substring(equals + 1).strip());
    } catch (IllegalArgumentException e) {
      throw invalid("--role-url " + role + " has an invalid URL: " + e.getMessage());
    }
    if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
      throw invalid("--role-url " + role + " needs an http:// or https:// URL with a host, not '" + url + "'");
    }
    if (roleUrls.put(role, url) != null) {
      throw invalid("--role-url names " + role + " twice");
    }
  }

  private static boolean logFormat(String value) {
    return switch (value) {
      case "plain" -> false;
      case "json" -> true;
      default -> throw invalid("--log-format is 'plain' or 'json', not '" + value + "'");
    };
  }

  private static TaidonException invalid(String message) {
    return new TaidonException(ErrorCode.INVALID_CONFIGURATION, message);
  }
}
