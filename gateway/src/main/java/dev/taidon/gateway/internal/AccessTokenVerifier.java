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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Verifies access tokens locally, against the idp's published keys: ES256 only, the expected issuer
 * and audience, not expired. The key set is fetched once and again when a token names a key it does
 * not hold (a rotation), but not more often than every {@link #REFRESH_INTERVAL}, so a flood of
 * forged key ids cannot turn into a flood of key fetches.
 *
 * <p>A verified token is remembered, by its exact text, until it expires: checking an ES256
 * signature is the costliest thing the gateway does per request, and a learner sends the same token
 * for its whole lifetime. A remembered token is still refused once it expires or once its signing
 * key is no longer in the key set held. At most {@link #REMEMBERED_TOKENS} are kept.
 */
final class AccessTokenVerifier {
  /**
   * How far past its expiry a token is still accepted. Tokens are issued by this platform's own
   * idp, on clocks kept in step; the library's default of a minute would let a revoked sign-in
   * keep its access that much longer.
   */
  static final int MAX_CLOCK_SKEW_SECONDS = 5;

  static final Duration REFRESH_INTERVAL = Duration.ofMillis(200);

  /** How many verified tokens are remembered; beyond that the expired ones go, then the rest. */
  static final int REMEMBERED_TOKENS = 20_000;

  /** Who a verified token speaks for, and whether it may use operator endpoints. */
  record Caller(String accountId, AccountKind kind, boolean operator) {}

  /** A token verified earlier: whom it speaks for, until when, signed by which key. */
  private record Verified(Caller caller, Instant acceptedUntil, String keyId) {}

  private final Supplier<String> keySetDocument;
  private final AuthSettings settings;
  private final Clock clock;
  private final int rememberedTokens;
  private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
  private volatile JWKSet keys;
  private volatile Instant fetchedAt = Instant.MIN;

  AccessTokenVerifier(Identity identity, AuthSettings settings, Clock clock) {
    this(identity::jwks, settings, clock, REMEMBERED_TOKENS);
  }

  /**
   * @param keySetDocument fetches the idp's key set as a JSON Web Key Set document
   * @param rememberedTokens how many verified tokens to remember
   */
  AccessTokenVerifier(Supplier<String> keySetDocument, AuthSettings settings, Clock clock, int rememberedTokens) {
    this.keySetDocument = keySetDocument;
    this.settings = settings;
    this.clock = clock;
    this.rememberedTokens = rememberedTokens;
  }

  Caller verify(String token) {
    if (token == null || token.isBlank() || token.length() > 4096) {
      throw invalid("missing or oversized access token");
    }
    Verified known = verified.get(token);
    if (known != null) {
      JWKSet held = keys;
      if (clock.instant().isBefore(known.acceptedUntil()) && held != null
          && held.getKeyByKeyId(known.keyId()) != null) {
        return known.caller();
      }
      verified.remove(token, known);
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
        new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("sub", "exp", "iat", "kind")) {
      @Override
      protected java.util.Date currentTime() {
        // The same clock as the remembered tokens' expiry, so both agree on when a token is expired.
        return java.util.Date.from(clock.instant());
      }
    };
    claimsVerifier.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
    processor.setJWTClaimsSetVerifier(claimsVerifier);
    try {
      JWTClaimsSet claims = processor.process(token, null);
      // The claims verifier requires "kind"; an unknown value is IllegalArgumentException.
      AccountKind kind = AccountKind.valueOf(claims.getStringClaim("kind").toUpperCase(Locale.ROOT));
      java.util.List<String> roles = claims.getStringListClaim("roles");
      Caller caller = new Caller(claims.getSubject(), kind, roles != null && roles.contains(AuthSettings.OPERATOR));
      remember(token, new Verified(caller, claims.getExpirationTime().toInstant().plusSeconds(MAX_CLOCK_SKEW_SECONDS),
          keyId));
      return caller;
    } catch (ParseException | com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException
        | IllegalArgumentException e) {
      throw invalid("the access token is invalid or expired: " + e.getMessage());
    }
  }

  private void remember(String token, Verified entry) {
    if (verified.size() >= rememberedTokens) {
      Instant now = clock.instant();
      verified.values().removeIf(old -> !now.isBefore(old.acceptedUntil()));
      if (verified.size() >= rememberedTokens) {
        // All still valid: forgetting them only costs a signature check each when they come back.
        verified.clear();
      }
    }
    verified.put(token, entry);
  }

  /** How many verified tokens are remembered now. */
  int rememberedTokens() {
    return verified.size();
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
          keys = JWKSet.parse(keySetDocument.get());
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
