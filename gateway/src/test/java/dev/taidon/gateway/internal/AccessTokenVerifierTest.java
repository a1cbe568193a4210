package dev.taidon.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.taidon.core.TaidonException;
import dev.taidon.idp.AccountKind;
import dev.taidon.idp.AuthSettings;
import dev.taidon.testkit.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AccessTokenVerifierTest {
  private static final AuthSettings SETTINGS = new AuthSettings("taidon", "taidon-api", Duration.ofMinutes(15),
      Duration.ofDays(30), Duration.ofDays(30), List.of(), Duration.ofDays(30), Map.of());
  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  private final ECKey signingKey = newKey("key-1");
  private final AtomicReference<String> published = new AtomicReference<>(new JWKSet(signingKey.toPublicJWK()).toString());
  private final MovableClock clock = new MovableClock(NOW);
  private final AccessTokenVerifier verifier = new AccessTokenVerifier(published::get, SETTINGS, clock, 4);

  @Test
  void aVerifiedTokenIsRememberedAndStillSpeaksForTheSameAccount() {
    String token = token(signingKey, "acct-1", NOW.plusSeconds(900));

    AccessTokenVerifier.Caller first = verifier.verify(token);
    AccessTokenVerifier.Caller again = verifier.verify(token);

    assertThat(first).isEqualTo(new AccessTokenVerifier.Caller("acct-1", AccountKind.ANONYMOUS, false));
    assertThat(again).as("the remembered answer for the same token").isEqualTo(first);
    assertThat(verifier.rememberedTokens()).isEqualTo(1);
  }

  @Test
  void aRememberedTokenIsRefusedOnceItExpires() {
    String token = token(signingKey, "acct-1", NOW.plusSeconds(60));
    verifier.verify(token);

    clock.set(NOW.plusSeconds(60 + AccessTokenVerifier.MAX_CLOCK_SKEW_SECONDS + 1));

    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(TaidonException.class)
        .hasMessageContaining("invalid or expired");
  }

  @Test
  void aTokenAlteredByOneCharacterAfterItsOriginalWasRememberedIsStillRefused() {
    String token = token(signingKey, "acct-1", NOW.plusSeconds(900));
    verifier.verify(token);
    String[] parts = token.split("\\.");
    String forgedClaims = Base64Claims.replaceSubject(parts[1], "acct-1", "acct-2");

    assertThatThrownBy(() -> verifier.verify(parts[0] + "." + forgedClaims + "." + parts[2]))
        .isInstanceOf(TaidonException.class).hasMessageContaining("invalid or expired");
  }

  @Test
  void aRememberedTokenIsRefusedOnceItsKeyLeavesTheKeySet() {
    String token = token(signingKey, "acct-1", NOW.plusSeconds(900));
    verifier.verify(token);
    ECKey other = newKey("key-2");
    published.set(new JWKSet(other.toPublicJWK()).toString());
    clock.set(NOW.plus(AccessTokenVerifier.REFRESH_INTERVAL).plusSeconds(1));
    // A token naming a key the verifier does not hold makes it fetch the key set again.
    verifier.verify(token(other, "acct-9", NOW.plusSeconds(900)));

    assertThatThrownBy(() -> verifier.verify(token)).as("a token signed by a key no longer published")
        .isInstanceOf(TaidonException.class);
  }

  @Test
  void noMoreTokensAreRememberedThanTheLimit() {
    for (int i = 0; i < 10; i++) {
      verifier.verify(token(signingKey, "acct-" + i, NOW.plusSeconds(900)));
    }

    assertThat(verifier.rememberedTokens()).as("tokens remembered with a limit of 4").isBetween(1, 4);
  }

  @Test
  void expiredTokensAreForgottenFirstWhenTheLimitIsReached() {
    for (int i = 0; i < 3; i++) {
      verifier.verify(token(signingKey, "short-" + i, NOW.plusSeconds(30)));
    }
    String lasting = token(signingKey, "lasting", NOW.plusSeconds(900));
    verifier.verify(lasting);
    clock.set(NOW.plusSeconds(60));

    verifier.verify(token(signingKey, "late", NOW.plusSeconds(900)));

    assertThat(verifier.rememberedTokens()).as("the three expired tokens gave way to the new one").isEqualTo(2);
  }

  private static ECKey newKey(String id) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(id).generate();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String token(ECKey key, String subject, Instant expires) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
          .type(new JOSEObjectType("at+jwt")).build(),
          new JWTClaimsSet.Builder().issuer("taidon").audience("taidon-api").subject(subject)
              .issueTime(Date.from(NOW)).expirationTime(Date.from(expires)).claim("kind", "anonymous").build());
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rewrites the subject inside a token's base64url claims part, keeping everything else. */
  private static final class Base64Claims {
    static String replaceSubject(String encoded, String from, String to) {
      String json = new String(java.util.Base64.getUrlDecoder().decode(encoded), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(json).contains("\"" + from + "\"");
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
          json.replace("\"" + from + "\"", "\"" + to + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
