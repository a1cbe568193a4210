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
import java.time.Duration;
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
  /** Access tokens list the account's roles (such as {@code operator}) in this claim. */
  static final String ROLES_CLAIM = "roles";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final SigningKeys keys;
  private final AuthSettings settings;
  private final AuditLog auditLog;
  private final Clock clock;
  private final PasswordHasher hasher;
  private final OidcLogins oidc;

  JdbcIdentity(JdbcClient jdbc, TransactionTemplate transactions, SigningKeys keys, AuthSettings settings,
      AuditLog auditLog, Clock clock, PasswordHasher hasher, OidcLogins oidc) {
    this.hasher = hasher;
    this.oidc = oidc;
    this.decoyHash = hasher.hash("decoy password that matches no input");
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

  static final int MAX_FAILED_LOGINS = 5;
  static final Duration LOCKOUT = Duration.ofMinutes(15);
  static final int MAX_FAILURES_PER_ADDRESS = 20;
  private static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
  /** Verified when an email is unknown, so an unknown email takes as long to refuse as a wrong password. */
  private final String decoyHash;

  @Override
  public TokenGrant register(String email, String password, Optional<String> anonymousAccountId) {
    String normalized = validEmail(email);
    validPassword(password);
    String hash = hasher.hash(password);
    UUID family = UUID.randomUUID();
    record Registered(String accountId, String refreshToken) {}
    Registered registered;
    try {
      registered = transactions.execute(status -> {
        String accountId;
        if (anonymousAccountId.isPresent()) {
          accountId = anonymousAccountId.get();
          int upgraded = jdbc.sql("UPDATE idp.account SET kind = 'REGISTERED', last_seen_at = now() WHERE id = ? AND kind = 'ANONYMOUS'")
              .param(accountId).update();
          if (upgraded == 0) {
            throw new TaidonException(ErrorCode.CONFLICT, "this account is registered already: log in instead");
          }
        } else {
          accountId = "acc-" + UUID.randomUUID().toString().replace("-", "");
          jdbc.sql("INSERT INTO idp.account (id, kind) VALUES (?, 'REGISTERED')").param(accountId).update();
        }
        jdbc.sql("INSERT INTO idp.credential (account_id, email, password_hash) VALUES (?, ?, ?)")
            .params(accountId, normalized, hash).update();
        return new Registered(accountId, storeRefreshToken(family, accountId));
      });
    } catch (org.springframework.dao.DuplicateKeyException e) {
      throw new TaidonException(ErrorCode.CONFLICT, "an account with this email exists: log in instead", e);
    }
    auditLog.append(new AuditEvent("auth.registered", registered.accountId(),
        Map.of("upgradedAnonymous", Boolean.toString(anonymousAccountId.isPresent()))));
    return grant(new UserRef(registered.accountId(), AccountKind.REGISTERED), registered.refreshToken());
  }

  @Override
  public TokenGrant login(String email, String password, String clientAddress) {
    String address = clientAddress == null ? "unknown" : clientAddress;
    int recentFailures = jdbc.sql("SELECT count(*) FROM idp.login_failure WHERE address = ? AND at > now() - CAST(? AS interval)")
        .params(address, LOCKOUT.toMinutes() + " minutes").query(Integer.class).single();
    if (recentFailures >= MAX_FAILURES_PER_ADDRESS) {
      throw tooMany("too many failed logins from this address: try again later", LOCKOUT.toSeconds());
    }
    record Credential(String accountId, String hash, int failed, Instant lockedUntil) {}
    Optional<Credential> credential = jdbc.sql(
            "SELECT account_id, password_hash, failed_attempts, locked_until FROM idp.credential WHERE email = ?")
        .param(email == null ? "" : email.strip().toLowerCase(java.util.Locale.ROOT))
        .query((rs, n) -> new Credential(rs.getString(1), rs.getString(2), rs.getInt(3),
            rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()))
        .optional();
    String candidate = password == null ? "" : password.length() > 256 ? password.substring(0, 256) : password;
    if (credential.isEmpty()) {
      hasher.matches(candidate, decoyHash);
      failed(address);
      throw unauthenticated("the email or the password is wrong");
    }
    Credential found = credential.get();
    Instant now = clock.instant();
    if (found.lockedUntil() != null && found.lockedUntil().isAfter(now)) {
      throw tooMany("this account is locked after too many wrong passwords: try again later",
          Duration.between(now, found.lockedUntil()).toSeconds() + 1);
    }
    if (!hasher.matches(candidate, found.hash())) {
      failed(address);
      if (found.failed() + 1 >= MAX_FAILED_LOGINS) {
        jdbc.sql("UPDATE idp.credential SET failed_attempts = 0, locked_until = ? WHERE account_id = ?")
            .params(Timestamp.from(now.plus(LOCKOUT)), found.accountId()).update();
        auditLog.append(new AuditEvent("auth.locked", found.accountId(), Map.of("address", address)));
      } else {
        jdbc.sql("UPDATE idp.credential SET failed_attempts = failed_attempts + 1 WHERE account_id = ?")
            .param(found.accountId()).update();
      }
      throw unauthenticated("the email or the password is wrong");
    }
    String refreshToken = transactions.execute(status -> {
      jdbc.sql("UPDATE idp.credential SET failed_attempts = 0, locked_until = NULL WHERE account_id = ?")
          .param(found.accountId()).update();
      jdbc.sql("UPDATE idp.account SET last_seen_at = now() WHERE id = ?").param(found.accountId()).update();
      return storeRefreshToken(UUID.randomUUID(), found.accountId());
    });
    auditLog.append(new AuditEvent("auth.login", found.accountId(), Map.of("address", address)));
    return grant(new UserRef(found.accountId(), AccountKind.REGISTERED), refreshToken);
  }

  private void failed(String address) {
    jdbc.sql("INSERT INTO idp.login_failure (address) VALUES (?)").param(address).update();
    jdbc.sql("DELETE FROM idp.login_failure WHERE at < now() - CAST(? AS interval)").param(LOCKOUT.toMinutes() + " minutes")
        .update();
  }

  private static String validEmail(String email) {
    String normalized = email == null ? "" : email.strip().toLowerCase(java.util.Locale.ROOT);
    if (normalized.length() > 254 || !EMAIL.matcher(normalized).matches()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "email must be an address such as ada@example.org");
    }
    return normalized;
  }

  private static void validPassword(String password) {
    if (password == null || password.length() < 10 || password.length() > 256) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "password must have 10 to 256 characters");
    }
    if (password.isBlank()) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "password must not be only spaces");
    }
  }

  private static TaidonException tooMany(String message, long retryAfterSeconds) {
    return new TaidonException(ErrorCode.TOO_MANY_ATTEMPTS, message, Map.of("retryAfterSeconds", retryAfterSeconds), null);
  }

  @Override
  public String startOidcLogin(String provider, Optional<String> anonymousAccountId) {
    return oidc.start(provider, anonymousAccountId);
  }

  @Override
  public String completeOidcLogin(String state, String code) {
    OidcLogins.ExternalIdentity external = oidc.complete(state, code);
    String accountId = transactions.execute(status -> {
      Optional<String> linked = jdbc.sql("SELECT account_id FROM idp.external_identity WHERE issuer = ? AND subject = ?")
          .params(external.issuer(), external.subject()).query(String.class).optional();
      if (linked.isPresent()) {
        return linked.get();
      }
      String account = external.anonymousAccountId()
          .filter(id -> jdbc.sql("UPDATE idp.account SET kind = 'REGISTERED' WHERE id = ? AND kind = 'ANONYMOUS'")
              .param(id).update() == 1)
          .orElseGet(() -> {
            String created = "acc-" + UUID.randomUUID().toString().replace("-", "");
            jdbc.sql("INSERT INTO idp.account (id, kind) VALUES (?, 'REGISTERED')").param(created).update();
            return created;
          });
      jdbc.sql("INSERT INTO idp.external_identity (issuer, subject, account_id) VALUES (?, ?, ?)")
          .params(external.issuer(), external.subject(), account).update();
      return account;
    });
    jdbc.sql("UPDATE idp.account SET last_seen_at = now() WHERE id = ?").param(accountId).update();
    auditLog.append(new AuditEvent("auth.oidc-login", accountId, Map.of("issuer", external.issuer())));
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String loginCode = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    jdbc.sql("INSERT INTO idp.login_code (code_hash, account_id, expires_at) VALUES (?, ?, ?)")
        .params(hash(loginCode), accountId, Timestamp.from(clock.instant().plusSeconds(60))).update();
    return loginCode;
  }

  @Override
  public TokenGrant exchangeLoginCode(String code) {
    String accountId = jdbc.sql("DELETE FROM idp.login_code WHERE code_hash = ? AND expires_at > now() RETURNING account_id")
        .param(hash(code)).query(String.class).optional()
        .orElseThrow(() -> unauthenticated("the login code is unknown, used or expired: sign in again"));
    UserRef user = account(accountId).orElseThrow(() -> unauthenticated("the account no longer exists"));
    return grant(user, storeRefreshToken(UUID.randomUUID(), accountId));
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
  public java.util.List<String> expiredAnonymousAccounts(int limit) {
    return jdbc.sql("""
            SELECT id FROM idp.account WHERE kind = 'ANONYMOUS' AND last_seen_at < ? ORDER BY last_seen_at LIMIT ?""")
        .params(Timestamp.from(clock.instant().minus(settings.anonymousIdle())), Math.max(1, Math.min(limit, 1000)))
        .query(String.class).list();
  }

  @Override
  public void deleteAccount(String accountId) {
    if (jdbc.sql("DELETE FROM idp.account WHERE id = ?").param(accountId).update() > 0) {
      auditLog.append(new AuditEvent("account.deleted", accountId, Map.of()));
    }
  }

  /**
   * Removes what has expired for good: refresh tokens a day past their expiry (kept that long so a
   * reuse right after expiry is still recognised), login codes and unfinished provider logins.
   */
  void purgeExpired() {
    jdbc.sql("DELETE FROM idp.refresh_token WHERE expires_at < now() - interval '1 day'").update();
    jdbc.sql("DELETE FROM idp.login_code WHERE expires_at < now()").update();
    jdbc.sql("DELETE FROM idp.oidc_attempt WHERE expires_at < now()").update();
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
        .claim(ROLES_CLAIM, roles(user))
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

  private java.util.List<String> roles(UserRef user) {
    if (user.kind() != AccountKind.REGISTERED || settings.operators().isEmpty()) {
      return java.util.List.of();
    }
    String email = jdbc.sql("SELECT email FROM idp.credential WHERE account_id = ?").param(user.id())
        .query(String.class).optional().orElse(null);
    return settings.isOperator(email) ? java.util.List.of(AuthSettings.OPERATOR) : java.util.List.of();
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
