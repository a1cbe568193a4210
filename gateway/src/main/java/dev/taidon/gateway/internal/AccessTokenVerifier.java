package dev.taidon.gateway.internal;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.idp.AccountKind;
import dev.taidon.idp.AuthSettings;
import dev.taidon.idp.Identity;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies access tokens locally, against the idp's published keys: ES256 only, the expected issuer
 * and audience, not expired. The key set is fetched once and again when a token names a key it does
 * not hold (a rotation), but not more often than every {@link #REFRESH_INTERVAL}, so a flood of
 * forged key ids cannot turn into a flood of key fetches.
 */
final class AccessTokenVerifier {
  /**
   * How far past its expiry a token is still accepted. Tokens are issued by this platform's own
   * idp, on clocks kept in step; the library's default of a minute would let a revoked sign-in
   * keep its access that much longer.
   */
  static final int MAX_CLOCK_SKEW_SECONDS = 5;

  static final Duration REFRESH_INTERVAL = Duration.ofMillis(200);

  /** Who a verified token speaks for, and whether it may use operator endpoints. */
  record Caller(String accountId, AccountKind kind, boolean operator) {}

  private final Identity identity;
  private final AuthSettings settings;
  private final Clock clock;
  private volatile JWKSet keys;
  private volatile Instant fetchedAt = Instant.MIN;

  AccessTokenVerifier(Identity identity, AuthSettings settings, Clock clock) {
    this.identity = identity;
    this.settings = settings;
    this.clock = clock;
  }

  Caller verify(String token) {
    if (token == null || token.isBlank() || token.length() > 4096) {
      throw invalid("missing or oversized access token");
    }
    String keyId;
    try {
      keyId = com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID();
    } catch (ParseException | ClassCastException e) {
      throw invalid("the access token is not a signed JWT");
    }
    JWKSet current = keys(keyId);
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(current)));
    DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier = new DefaultJWTClaimsVerifier<>(settings.audience(),
        new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("sub", "exp", "iat", "kind"));
    claimsVerifier.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
    processor.setJWTClaimsSetVerifier(claimsVerifier);
    try {
      JWTClaimsSet claims = processor.process(token, null);
      // The claims verifier requires "kind"; an unknown value is IllegalArgumentException.
      AccountKind kind = AccountKind.valueOf(claims.getStringClaim("kind").toUpperCase(Locale.ROOT));
      java.util.List<String> roles = claims.getStringListClaim("roles");
      return new Caller(claims.getSubject(), kind, roles != null && roles.contains(AuthSettings.OPERATOR));
    } catch (ParseException | com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException
        | IllegalArgumentException e) {
      throw invalid("the access token is invalid or expired: " + e.getMessage());
    }
  }

  private JWKSet keys(String keyId) {
    JWKSet held = keys;
    boolean known = held != null && keyId != null && held.getKeyByKeyId(keyId) != null;
    if (known || (held != null && clock.instant().isBefore(fetchedAt.plus(REFRESH_INTERVAL)))) {
      return held;
    }
    synchronized (this) {
      if (keys == held) {
        try {
          keys = JWKSet.parse(identity.jwks());
        } catch (ParseException e) {
          throw new TaidonException(ErrorCode.INTERNAL, "the idp published a key set that does not parse", e);
        }
        fetchedAt = clock.instant();
      }
      return keys;
    }
  }

  private static TaidonException invalid(String message) {
    return new TaidonException(ErrorCode.UNAUTHENTICATED, message);
  }
}
