package dev.taidon.idp.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.idp.AuthSettings;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ES256 keys that sign access tokens, in {@code idp.signing_key}. The newest key younger than
 * the rotation period signs; a key is published for verification until every token it can have
 * signed has expired.
 */
final class SigningKeys {
  private final JdbcClient jdbc;
  private final AuthSettings settings;
  private final Clock clock;
  private volatile ECKey current;
  private volatile Instant currentUntil = Instant.MIN;

  SigningKeys(JdbcClient jdbc, AuthSettings settings, Clock clock) {
    this.jdbc = jdbc;
    this.settings = settings;
    this.clock = clock;
  }

  /** The key that signs now, created when none is young enough. */
  ECKey current() {
    Instant now = clock.instant();
    ECKey key = current;
    if (key != null && now.isBefore(currentUntil)) {
      return key;
    }
    synchronized (this) {
      List<String> young = jdbc.sql("""
              SELECT jwk FROM idp.signing_key WHERE created_at > ? ORDER BY created_at DESC LIMIT 1""")
          .param(Timestamp.from(now.minus(settings.keyRotation()))).query(String.class).list();
      key = young.isEmpty() ? create(now) : parse(young.getFirst());
      current = key;
      // Look again after a minute at most, so a rotation by another process is picked up.
      currentUntil = now.plusSeconds(60);
      return key;
    }
  }

  /** Creates a new key that signs from now on. */
  synchronized ECKey rotate() {
    ECKey key = create(clock.instant());
    current = key;
    currentUntil = clock.instant().plusSeconds(60);
    return key;
  }

  /** Every key that may have signed a token that has not expired, public parts only. */
  JWKSet publicKeys() {
    List<String> keys = jdbc.sql("SELECT jwk FROM idp.signing_key WHERE retire_after > ? ORDER BY created_at DESC")
        .param(Timestamp.from(clock.instant())).query(String.class).list();
    return new JWKSet(keys.stream().map(SigningKeys::parse).map(key -> (com.nimbusds.jose.jwk.JWK) key.toPublicJWK()).toList());
  }

  private ECKey create(Instant now) {
    try {
      ECKey key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE).generate();
      Instant retireAfter = now.plus(settings.keyRotation()).plus(settings.accessTokenLifetime()).plusSeconds(60);
      jdbc.sql("INSERT INTO idp.signing_key (kid, jwk, created_at, retire_after) VALUES (?, ?, ?, ?)")
          .params(key.getKeyID(), key.toJSONString(), Timestamp.from(now), Timestamp.from(retireAfter)).update();
      return key;
    } catch (JOSEException e) {
      throw new TaidonException(ErrorCode.INTERNAL, "cannot generate a signing key: " + e.getMessage(), e);
    }
  }

  private static ECKey parse(String jwk) {
    try {
      return ECKey.parse(jwk);
    } catch (ParseException e) {
      throw new TaidonException(ErrorCode.INTERNAL, "a stored signing key is not a valid EC JWK", e);
    }
  }
}
