package dev.taidon.core;

import java.util.Locale;

/**
 * Every error the platform reports, with the HTTP status it maps to at the edge.
 *
 * <p>The {@link #slug()} is stable: it forms the {@code type} URI of RFC 9457 problem documents and
 * clients may switch on it. Renaming a constant is a breaking API change.
 */
public enum ErrorCode {
  INVALID_ARGUMENT(400, "Invalid argument"),
  MALFORMED_REQUEST(400, "Malformed request"),
  UNAUTHENTICATED(401, "Authentication required"),
  FORBIDDEN(403, "Forbidden"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  NOT_ACCEPTABLE(406, "Not acceptable"),
  CONFLICT(409, "Conflict"),
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  QUOTA_EXCEEDED(429, "Quota exceeded"),
  TOO_MANY_ATTEMPTS(429, "Too many attempts"),
  SANDBOX_FAILED(500, "Sandbox failed"),
  INVALID_CONFIGURATION(500, "Invalid configuration"),
  DATA_DIRECTORY_IN_USE(500, "Data directory in use"),
  DATA_DIRECTORY_UNUSABLE(500, "Data directory unusable"),
  COMMAND_FAILED(500, "External command failed"),
  SYSTEM_CALL_FAILED(500, "System call failed"),
  POSTGRES_FAILED(500, "PostgreSQL failed"),
  INTERNAL(500, "Internal error"),
  STORE_FULL(507, "State store full"),
  ROLE_UNAVAILABLE(503, "Role unavailable"),
  OVERLOADED(503, "Platform overloaded"),
  CONTROL_DATABASE_UNAVAILABLE(503, "Control database unavailable");

  private final int httpStatus;
  private final String title;

  ErrorCode(int httpStatus, String title) {
    this.httpStatus = httpStatus;
    this.title = title;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** A short human title, the same for every occurrence of the code (RFC 9457 {@code title}). */
  public String title() {
    return title;
  }

  /** The stable lower-case, dash-separated name of the code, e.g. {@code role-unavailable}. */
  public String slug() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The code whose {@link #slug()} is the given one, or {@link #INTERNAL} when none is. */
  public static ErrorCode fromSlug(String slug) {
    for (ErrorCode code : values()) {
      if (code.slug().equals(slug)) {
        return code;
      }
    }
    return INTERNAL;
  }
}
