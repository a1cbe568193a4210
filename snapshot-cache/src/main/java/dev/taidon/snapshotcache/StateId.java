package dev.taidon.snapshotcache;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.FieldDigest;
import dev.taidon.core.TaidonException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The identity of an immutable database state: {@code H(parentStateId, stepDigest, settingsDigest)}
 * as a {@link FieldDigest}, rooted in the engine fingerprint. Two chains that apply the same steps
 * with the same settings to the same parent reach the same state id, whoever runs them.
 *
 * @param hex 64 lower-case hexadecimal digits
 */
public record StateId(String hex) implements Comparable<StateId> {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  @JsonCreator
  public StateId {
    if (hex == null || !HEX.matcher(hex).matches()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "a state id is 64 lower-case hex digits, not '"
          + (hex == null ? "null" : hex.length() > 80 ? hex.substring(0, 80) + "…" : hex) + "'");
    }
  }

  /** The root of every state tree: the fingerprint of the engine that builds the states. */
  public static StateId root(String engineFingerprint) {
    return new StateId(engineFingerprint);
  }

  /** The state reached by applying a step (by its digest) with settings (by their digest) to this one. */
  public StateId child(String stepDigest, String settingsDigest) {
    return new StateId(FieldDigest.sha256(List.of(hex, stepDigest, settingsDigest)));
  }

  @JsonValue
  @Override
  public String hex() {
    return hex;
  }

  /** The first 12 digits, for logs and names. */
  public String shortForm() {
    return hex.substring(0, 12);
  }

  @Override
  public int compareTo(StateId other) {
    return hex.compareTo(other.hex);
  }

  @Override
  public String toString() {
    return hex;
  }
}
