package dev.taidon.idp;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What kind of account a user has. */
public enum AccountKind {
  /** Created silently on a first visit; expires after an idle time with everything it made. */
  ANONYMOUS,
  /** Signed up with an email address or an external identity provider. */
  REGISTERED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
