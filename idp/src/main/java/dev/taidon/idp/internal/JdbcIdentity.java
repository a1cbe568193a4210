package dev.taidon.idp.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.taidon.auditlog.AuditEvent;
import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.idp.AccountKind;
import dev.taidon.idp.AuthSettings;
import dev.taidon.idp.Identity;
import dev.taidon.idp.TokenGrant;
import dev.taidon.idp.UserRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Accounts and tokens in the control database (schema {@code idp}). */
final class JdbcIdentity implements Identity {
  /** Access tokens say which kind of account they speak for in this claim. */
  static final String KIND_CLAIM = "kind";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final SigningKeys keys;
  private final AuthSettings settings;
  private final AuditLog auditLog;
  private final Clock clock;

  JdbcIdentity(JdbcClient jdbc, TransactionTemplate transactions, SigningKeys keys, AuthSettings settings,
      AuditLog auditLog, Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.keys = keys;
    this.settings = settings;
    this.auditLog = auditLog;
    this.clock = clock;
  }

  @Override
  public TokenGrant createAnonymous() {
    String accountId = "acc-" + UUID.randomUUID().toString().replace("-", "");
    UUID family = UUID.randomUUID();
    String refreshToken = transactions.execute(status -> {
      jdbc.sql("INSERT INTO idp.account (id, kind) VALUES (?, 'ANONYMOUS')").param(accountId).update();
      return storeRefreshToken(family, accountId);
    });
    auditLog.append(new AuditEvent("auth.anonymous-created", accountId, Map.of()));
    return grant(new UserRef(accountId, AccountKind.ANONYMOUS), refreshToken);
  }

  private enum Outcome { GRANTED, UNKNOWN, EXPIRED, REVOKED, REUSED }

  private record Refreshed(Outcome outcome, UserRef user, String refreshToken) {}

  @Override
  public TokenGrant refresh(String refreshToken) {
    String hash = hash(refreshToken);
    Refreshed result = transactions.execute(status -> {
      record Stored(UUID family, String accountId, Instant expiresAt, boolean used, boolean revoked, String kind) {}
      Optional<Stored> stored = jdbc.sql("""
              SELECT t.family, t.account_id, t.expires_at, t.used_at IS NOT NULL AS used, t.revoked_at IS NOT NULL AS revoked,
                     a.kind
                FROM idp.refresh_token t JOIN idp.account a ON a.id = t.account_id
               WHERE t.token_hash = ? FOR UPDATE OF t""")
          .param(hash)
          .query((rs, n) -> new Stored(rs.getObject(1, UUID.class), rs.getString(2), rs.getTimestamp(3).toInstant(),
              rs.getBoolean(4), rs.getBoolean(5), rs.getString(6)))
          .optional();
      if (stored.isEmpty()) {
        return new Refreshed(Outcome.UNKNOWN, null, null);
      }
      Stored token = stored.get();
      UserRef user = new UserRef(token.accountId(), AccountKind.valueOf(token.kind()));
      if (token.revoked()) {
        return new Refreshed(Outcome.REVOKED, user, null);
      }
      if (token.used()) {
        // A spent token presented again: it was stolen, or the client was. Sign the family out.
        revokeFamily(token.family());
        return new Refreshed(Outcome.REUSED, user, null);
      }
      if (token.expiresAt().isBefore(clock.instant())) {
        return new Refreshed(Outcome.EXPIRED, user, null);
      }
      jdbc.sql("UPDATE idp.refresh_token SET used_at = now() WHERE token_hash = ?").param(hash).update();
      jdbc.sql("UPDATE idp.account SET last_seen_at = now() WHERE id = ?").param(token.accountId()).update();
      return new Refreshed(Outcome.GRANTED, user, storeRefreshToken(token.family(), token.accountId()));
    });
    return switch (result.outcome()) {
      case GRANTED -> grant(result.user(), result.refreshToken());
      case UNKNOWN -> throw unauthenticated("the refresh token is not known: sign in again");
      case EXPIRED -> throw unauthenticated("the refresh token has expired: sign in again");
      case REVOKED -> throw unauthenticated("the refresh token was revoked (signed out): sign in again");
      case REUSED -> {
        auditLog.append(new AuditEvent("auth.refresh-reused", result.user().id(), Map.of()));
        throw unauthenticated("the refresh token was already used, so every session of that sign-in is now signed out: "
            + "sign in again");
      }
    };
  }

  @Override
  public void logout(String refreshToken) {
    jdbc.sql("SELECT family, account_id FROM idp.refresh_token WHERE token_hash = ?").param(hash(refreshToken))
        .query((rs, n) -> Map.entry(rs.getObject(1, UUID.class), rs.getString(2)))
        .optional()
        .ifPresent(found -> {
          revokeFamily(found.getKey());
          auditLog.append(new AuditEvent("auth.logout", found.getValue(), Map.of()));
        });
  }

  @Override
  public String jwks() {
    keys.current();
    return keys.publicKeys().toString();
  }

  @Override
  public void rotateSigningKey() {
    ECKey key = keys.rotate();
    auditLog.append(AuditEvent.system("auth.signing-key-rotated", Map.of("kid", key.getKeyID())));
  }

  @Override
  public Optional<UserRef> account(String accountId) {
    return jdbc.sql("SELECT id, kind FROM idp.account WHERE id = ?").param(accountId)
        .query((rs, n) -> new UserRef(rs.getString(1), AccountKind.valueOf(rs.getString(2)))).optional();
  }

  private void revokeFamily(UUID family) {
    jdbc.sql("UPDATE idp.refresh_token SET revoked_at = now() WHERE family = ? AND revoked_at IS NULL").param(family).update();
  }

  private String storeRefreshToken(UUID family, String accountId) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    jdbc.sql("INSERT INTO idp.refresh_token (token_hash, family, account_id, expires_at) VALUES (?, ?, ?, ?)")
        .params(hash(token), family, accountId, Timestamp.from(clock.instant().plus(settings.refreshTokenLifetime())))
        .update();
    return token;
  }

  private TokenGrant grant(UserRef user, String refreshToken) {
    Instant now = clock.instant();
    ECKey key = keys.current();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(settings.issuer())
        .audience(settings.audience())
        .subject(user.id())
        .claim(KIND_CLAIM, user.kind().wireName())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(settings.accessTokenLifetime())))
        .jwtID(UUID.randomUUID().toString())
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
        .type(new JOSEObjectType("at+jwt")).build(), claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new TaidonException(ErrorCode.INTERNAL, "cannot sign an access token: " + e.getMessage(), e);
    }
    return new TokenGrant(jwt.serialize(), refreshToken, settings.accessTokenLifetime().toSeconds(), user);
  }

  static String hash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          (token == null ? "" : token).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static TaidonException unauthenticated(String message) {
    return new TaidonException(ErrorCode.UNAUTHENTICATED, message);
  }
}
