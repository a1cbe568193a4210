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
import java.util.concurrent.locks.ReentrantLock;
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
  /** Who looks the current key up in the database: one caller at a time. */
  private final ReentrantLock lookup = new ReentrantLock();
  private volatile ECKey current;
  /** When to look in the database again: a minute after the last look, or when the key ages out. */
  private volatile Instant currentUntil = Instant.MIN;
  /** When the current key stops signing: its creation plus the rotation period. */
  private volatile Instant signsUntil = Instant.MIN;

  SigningKeys(JdbcClient jdbc, AuthSettings settings, Clock clock) {
    this.jdbc = jdbc;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * The key that signs now, created when none is young enough.
   *
   * <p>Once a minute the database is asked again (another process may have rotated). One caller
   * asks; while it waits for an answer, the others keep signing with the key in hand, as long as
   * that key is still young enough to sign. Every sign-in and token refresh comes through here, and
   * under load a lookup can wait seconds for a pooled connection: callers queued behind it, each
   * asking again in turn, would wait for the whole queue's lookups.
   */
  ECKey current() {
    Instant now = clock.instant();
    ECKey key = current;
    if (key != null && now.isBefore(currentUntil)) {
      return key;
    }
    boolean inHandStillSigns = key != null && now.isBefore(signsUntil);
    if (inHandStillSigns) {
      if (!lookup.tryLock()) {
        return key;
      }
    } else {
      lookup.lock();
    }
    try {
      key = current;
      if (key != null && now.isBefore(currentUntil)) {
        return key;
      }
      record Stored(String jwk, Instant createdAt) {}
      List<Stored> young = jdbc.sql("""
              SELECT jwk, created_at FROM idp.signing_key WHERE created_at > ? ORDER BY created_at DESC LIMIT 1""")
          .param(Timestamp.from(now.minus(settings.keyRotation())))
          .query((rs, n) -> new Stored(rs.getString(1), rs.getTimestamp(2).toInstant())).list();
      if (young.isEmpty()) {
        use(create(now), now, now);
      } else {
        use(parse(young.getFirst().jwk()), young.getFirst().createdAt(), now);
      }
      return current;
    } finally {
      lookup.unlock();
    }
  }

  /** Creates a new key that signs from now on. */
  ECKey rotate() {
    lookup.lock();
    try {
      Instant now = clock.instant();
      use(create(now), now, now);
      return current;
    } finally {
      lookup.unlock();
    }
  }

  private void use(ECKey key, Instant createdAt, Instant now) {
    Instant until = createdAt.plus(settings.keyRotation());
    signsUntil = until;
    current = key;
    Instant lookAgain = now.plusSeconds(60);
    currentUntil = lookAgain.isBefore(until) ? lookAgain : until;
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
