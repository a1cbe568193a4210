package dev.taidon.idp;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Token settings ({@code taidon.auth.*}).
 *
 * @param issuer the {@code iss} of every access token
 * @param audience the {@code aud} every access token must carry
 * @param accessTokenLifetime how long an access token is valid
 * @param refreshTokenLifetime how long a sign-in lasts without use
 * @param keyRotation how often a new signing key takes over; old keys stay published long enough
 *     for the tokens they signed to expire, so rotation signs nobody out
 * @param operators emails of registered accounts whose tokens carry the {@code operator} role
 * @param anonymousIdle an anonymous account not seen for this long expires, with its sandboxes
 * @param oidc external OpenID Connect providers by name
 */
@ConfigurationProperties("taidon.auth")
public record AuthSettings(
    @DefaultValue("taidon") String issuer,
    @DefaultValue("taidon-api") String audience,
    @DefaultValue("15m") Duration accessTokenLifetime,
    @DefaultValue("30d") Duration refreshTokenLifetime,
    @DefaultValue("30d") Duration keyRotation,
    @DefaultValue java.util.List<String> operators,
    @DefaultValue("30d") Duration anonymousIdle,
    @DefaultValue java.util.Map<String, OidcProvider> oidc) {

  /** The role claim value that grants operator endpoints. */
  public static final String OPERATOR = "operator";

  public AuthSettings {
    oidc = java.util.Map.copyOf(oidc);
    operators = operators.stream().map(email -> email.strip().toLowerCase(java.util.Locale.ROOT)).toList();
    if (accessTokenLifetime.compareTo(Duration.ofSeconds(10)) < 0 || accessTokenLifetime.compareTo(Duration.ofHours(1)) > 0) {
      throw invalid("taidon.auth.access-token-lifetime must be between 10s and 1h, not " + accessTokenLifetime);
    }
    if (refreshTokenLifetime.compareTo(accessTokenLifetime) <= 0) {
      throw invalid("taidon.auth.refresh-token-lifetime must be longer than the access token lifetime");
    }
    if (anonymousIdle.isNegative() || anonymousIdle.isZero()) {
      throw invalid("taidon.auth.anonymous-idle must be positive, not " + anonymousIdle);
    }
    if (keyRotation.compareTo(accessTokenLifetime) <= 0) {
      throw invalid("taidon.auth.key-rotation must be longer than the access token lifetime");
    }
  }

  public boolean isOperator(String email) {
    return email != null && operators.contains(email.toLowerCase(java.util.Locale.ROOT));
  }

  private static TaidonException invalid(String message) {
    return new TaidonException(ErrorCode.INVALID_CONFIGURATION, message);
  }
}
