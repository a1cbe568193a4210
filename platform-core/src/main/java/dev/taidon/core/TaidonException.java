package dev.taidon.core;

import java.util.Map;
import java.util.Objects;

/**
 * The root of every error the platform raises on purpose. It carries an {@link ErrorCode} that
 * decides the HTTP status at the edge and a map of extra facts (such as a SQLSTATE or an exit
 * status) that become members of the RFC 9457 problem document.
 *
 * <p>Messages are written for the person who has to act: they name the input, setting or command
 * at fault and, where there is one, the fix.
 */
public class TaidonException extends RuntimeException {
  private final ErrorCode code;
  private final Map<String, Object> details;

  public TaidonException(ErrorCode code, String message) {
    this(code, message, Map.of(), null);
  }

  public TaidonException(ErrorCode code, String message, Throwable cause) {
    this(code, message, Map.of(), cause);
  }

  public TaidonException(ErrorCode code, String message, Map<String, ?> details, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
    this.details = Map.copyOf(details);
  }

  public ErrorCode code() {
    return code;
  }

  /** Extra machine-readable facts about the error; never contains secrets. */
  public Map<String, Object> details() {
    return details;
  }
}
