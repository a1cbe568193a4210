package dev.taidon.idp.internal;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.idp.OidcProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Logins at external OpenID Connect providers: the authorization code flow with PKCE (S256), a
 * state that binds the callback to the attempt and a nonce that binds the ID token to it. The
 * provider's endpoints come from its discovery document and its keys from its JWKS, both fetched
 * on first use.
 */
final class OidcLogins {
  static final Duration ATTEMPT_LIFETIME = Duration.ofMinutes(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, OidcProvider> providers;
  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Discovered> discovered = new ConcurrentHashMap<>();

  /** What the provider's discovery document says, and its key source. */
  private record Discovered(String issuer, URI authorizationEndpoint, URI tokenEndpoint, JWKSource<SecurityContext> keys) {}

  /** The identity a provider vouched for, and the anonymous account that started the login, if any. */
  record ExternalIdentity(String issuer, String subject, Optional<String> anonymousAccountId) {}

  OidcLogins(Map<String, OidcProvider> providers, JdbcClient jdbc, JsonMapper json, Clock clock) {
    this.providers = providers;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  String start(String providerName, Optional<String> anonymousAccountId) {
    OidcProvider provider = provider(providerName);
    Discovered endpoints = discover(providerName, provider);
    String state = random();
    String nonce = random();
    String verifier = random();
    jdbc.sql("""
            INSERT INTO idp.oidc_attempt (state, provider, nonce, code_verifier, anonymous_account_id, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)""")
        .params(state, providerName, nonce, verifier, anonymousAccountId.orElse(null),
            Timestamp.from(clock.instant().plus(ATTEMPT_LIFETIME)))
        .update();
    jdbc.sql("DELETE FROM idp.oidc_attempt WHERE expires_at < now()").update();
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", provider.clientId());
    query.put("redirect_uri", provider.redirectUri().toString());
    query.put("scope", String.join(" ", provider.scopes()));
    query.put("state", state);
    query.put("nonce", nonce);
    query.put("code_challenge", challenge(verifier));
    query.put("code_challenge_method", "S256");
    return endpoints.authorizationEndpoint() + "?" + form(query);
  }

  ExternalIdentity complete(String state, String code) {
    if (state == null || code == null || state.length() > 100 || code.length() > 2000) {
      throw new TaidonException(ErrorCode.INVALID_ARGUMENT, "the login callback needs state and code");
    }
    record Attempt(String provider, String nonce, String verifier, String anonymous) {}
    Attempt attempt = jdbc.sql("""
            DELETE FROM idp.oidc_attempt WHERE state = ? AND expires_at > now()
            RETURNING provider, nonce, code_verifier, anonymous_account_id""")
        .param(state)
        .query((rs, n) -> new Attempt(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
        .optional()
        .orElseThrow(() -> new TaidonException(ErrorCode.UNAUTHENTICATED,
            "this login is unknown, used or expired: start the login again"));
    OidcProvider provider = provider(attempt.provider());
    Discovered endpoints = discover(attempt.provider(), provider);
    String idToken = redeem(provider, endpoints, code, attempt.verifier());
    JWTClaimsSet claims = verify(provider, endpoints, idToken, attempt.nonce());
    return new ExternalIdentity(endpoints.issuer(), claims.getSubject(), Optional.ofNullable(attempt.anonymous()));
  }

  private String redeem(OidcProvider provider, Discovered endpoints, String code, String verifier) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", provider.redirectUri().toString());
    form.put("code_verifier", verifier);
    String basic = Base64.getEncoder().encodeToString((URLEncoder.encode(provider.clientId(), StandardCharsets.UTF_8) + ":"
        + URLEncoder.encode(provider.clientSecret(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(endpoints.tokenEndpoint()).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
        .POST(HttpRequest.BodyPublishers.ofString(form(form))).build();
    JsonNode answer = json.readTree(send(request, "the token endpoint of " + endpoints.issuer()));
    String idToken = answer.path("id_token").asString("");
    if (idToken.isEmpty()) {
      throw new TaidonException(ErrorCode.UNAUTHENTICATED, "the provider " + endpoints.issuer() + " returned no ID token");
    }
    return idToken;
  }

  private JWTClaimsSet verify(OidcProvider provider, Discovered endpoints, String idToken, String nonce) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
        Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256), endpoints.keys()));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(provider.clientId(),
        new JWTClaimsSet.Builder().issuer(endpoints.issuer()).claim("nonce", nonce).build(), Set.of("sub", "exp", "iat")));
    try {
      return processor.process(idToken, null);
    } catch (java.text.ParseException | com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException e) {
      throw new TaidonException(ErrorCode.UNAUTHENTICATED, "the ID token from " + endpoints.issuer() + " is not valid: "
          + e.getMessage(), e);
    }
  }

  private Discovered discover(String name, OidcProvider provider) {
    return discovered.computeIfAbsent(name, key -> {
      URI document = URI.create(provider.issuer().toString().replaceAll("/$", "") + "/.well-known/openid-configuration");
      JsonNode configuration = json.readTree(send(HttpRequest.newBuilder(document).timeout(Duration.ofSeconds(10)).GET()
          .build(), "the discovery document of " + provider.issuer()));
      try {
        return new Discovered(configuration.path("issuer").asString(),
            URI.create(configuration.path("authorization_endpoint").asString()),
            URI.create(configuration.path("token_endpoint").asString()),
            JWKSourceBuilder.create(URI.create(configuration.path("jwks_uri").asString()).toURL()).build());
      } catch (IOException | IllegalArgumentException e) {
        throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE, "the discovery document of " + provider.issuer()
            + " is incomplete: " + e.getMessage(), e);
      }
    });
  }

  private String send(HttpRequest request, String what) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new TaidonException(ErrorCode.UNAUTHENTICATED, what + " answered HTTP " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE, what + " is unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaidonException(ErrorCode.ROLE_UNAVAILABLE, "interrupted while calling " + what, e);
    }
  }

  private OidcProvider provider(String name) {
    OidcProvider provider = providers.get(name);
    if (provider == null) {
      throw new TaidonException(ErrorCode.NOT_FOUND, "no OpenID Connect provider named '" + name + "' is configured");
    }
    return provider;
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String challenge(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
