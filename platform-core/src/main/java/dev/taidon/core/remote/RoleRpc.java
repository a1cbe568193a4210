package dev.taidon.core.remote;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;

/**
 * The wire contract between roles in different processes. A call of {@code api.method(args)} on
 * role {@code r} is {@code POST /internal/v1/roles/r/<api simple name>/<method>} with the arguments
 * as a JSON array; the answer is the JSON of the return value (204 for {@code void}) or an RFC 9457
 * problem document whose {@code code} member names the {@link dev.taidon.core.ErrorCode}. A method
 * returning a {@link java.util.stream.Stream} answers with its elements as NDJSON ({@link #NDJSON}),
 * read lazily by the caller; closing the caller's stream ends the call. Every
 * internal request carries the shared secret in {@link #TOKEN_HEADER}.
 */
public final class RoleRpc {
  public static final String TOKEN_HEADER = "Taidon-Internal-Token";
  public static final String ROLES_PATH = "/internal/v1/roles";
  public static final String NDJSON = dev.taidon.core.web.Ndjson.MEDIA_TYPE;
  /** Arguments larger than this are refused: role calls carry commands, not bulk data. */
  public static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

  private RoleRpc() {}

  public static String path(String role, Class<?> api, String method) {
    return ROLES_PATH + "/" + role + "/" + api.getSimpleName() + "/" + method;
  }

  /**
   * Checks that an interface can be served over HTTP: an interface whose abstract methods have
   * unique names, so that a method is found by name alone.
   */
  public static void requireRemotable(Class<?> api) {
    if (!api.isInterface()) {
      throw new IllegalArgumentException(api.getName() + " is not an interface and cannot be a role API");
    }
    Set<String> names = new HashSet<>();
    for (Method method : api.getMethods()) {
      if (Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
        continue;
      }
      if (!names.add(method.getName())) {
        throw new IllegalArgumentException(
            "role API " + api.getName() + " overloads " + method.getName() + "; role API methods need unique names");
      }
    }
  }
}
