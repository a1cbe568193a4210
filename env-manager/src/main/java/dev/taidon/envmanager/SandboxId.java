package dev.taidon.envmanager;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A sandbox's identity: {@code sb-} and 32 hex digits. It names the sandbox's files, so its shape is
 * checked wherever one comes in.
 *
 * @param value the id
 */
public record SandboxId(String value) {
  private static final Pattern SHAPE = Pattern.compile("sb-[0-9a-f]{32}");

  @JsonCreator
  public SandboxId {
    if (value == null || !SHAPE.matcher(value).matches()) {
      String shown = value == null ? "null" : value.length() > 60 ? value.substring(0, 60) + "…" : value;
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "a sandbox id is sb- and 32 hex digits, not '" + shown + "'");
    }
  }

  public static SandboxId random() {
    return new SandboxId("sb-" + UUID.randomUUID().toString().replace("-", ""));
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
