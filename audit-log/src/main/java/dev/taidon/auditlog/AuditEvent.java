package dev.taidon.auditlog;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Something worth recording.
 *
 * @param type a dotted lower-case name such as {@code platform.started} or {@code run.finished}
 * @param actor who did it: an account id, or {@code system}
 * @param attributes small facts about the event; keys and values are plain strings
 */
public record AuditEvent(String type, String actor, Map<String, String> attributes) {
  public static final String SYSTEM = "system";
  static final int MAX_ATTRIBUTE_CHARS = 4096;
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+");

  public AuditEvent {
    if (type == null || type.length() > 100 || !TYPE.matcher(type).matches()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "audit event type '" + type
          + "' is not a dotted lower-case name such as platform.started");
    }
    if (actor == null || actor.isBlank() || actor.length() > 200) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "an audit event needs an actor of 1 to 200 characters");
    }
    attributes = Map.copyOf(new TreeMap<>(attributes == null ? Map.of() : attributes));
    if (attributes.entrySet().stream().anyMatch(e -> e.getKey().indexOf('\0') >= 0 || e.getValue().indexOf('\0') >= 0)) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "audit event attributes must not contain NUL characters");
    }
    int size = attributes.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
    if (size > MAX_ATTRIBUTE_CHARS) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT,
          "audit event attributes hold " + size + " characters; the limit is " + MAX_ATTRIBUTE_CHARS);
    }
  }

  public static AuditEvent system(String type, Map<String, String> attributes) {
    return new AuditEvent(type, SYSTEM, attributes);
  }
}
