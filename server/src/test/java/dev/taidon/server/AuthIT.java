package dev.taidon.server;

import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.idp.Identity;
import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.Await;
import dev.taidon.testkit.PlatformPerClass;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Anonymous sign-in, registration and login, access tokens and their verification at the gateway,
 * refresh rotation. The address-throttling test runs last: it exhausts the failures allowed from
 * the loopback address every test uses.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class AuthIT {
  static final String TOKEN = "auth-internal-token-0123456789abcdefg";

  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("auth", "--internal-token=" + TOKEN,
      "--taidon.sandbox.pool-size=0", "--taidon.auth.anonymous-idle=6s", "--taidon.profile.upkeep-interval=300ms");

  private static JsonNode signIn() {
    HttpResponse<String> response = post("/api/v1/auth/anonymous", "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return PlatformScenario.JSON.readTree(response.body());
  }

  private static HttpResponse<String> post(String path, String body) {
    return platform.server().send(HttpRequest.newBuilder(platform.server().baseUrl().resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static HttpResponse<String> me(String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(platform.server().baseUrl().resolve("/api/v1/me")).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return platform.server().send(request.build());
  }

  private static String refreshBody(String refreshToken) {
    return "{\"refreshToken\":\"" + refreshToken + "\"}";
  }

  @Test
  void anAnonymousSignInGivesTokensThatIdentifyTheNewAccount() {
    JsonNode grant = signIn();
    assertThat(grant.path("expiresIn").asLong()).isEqualTo(900);
    assertThat(grant.at("/user/kind").asString()).isEqualTo("anonymous");
    String accountId = grant.at("/user/id").asString();
    HttpResponse<String> me = me(grant.path("accessToken").asString());
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    JsonNode account = PlatformScenario.JSON.readTree(me.body());
    assertThat(account.path("id").asString()).isEqualTo(accountId);
    assertThat(account.at("/quotas/sandboxes").asInt()).as("the anonymous sandbox quota").isEqualTo(3);
    assertThat(account.at("/quotas/hotSandboxes").asInt()).isEqualTo(1);
    assertThat(account.at("/usage/sandboxes").asInt()).isZero();
  }

  @Test
  void aRequestWithoutATokenIsChallenged() {
    HttpResponse<String> response = me(null);
    assertProblem(response, 401, "unauthenticated");
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"taidon\"");
    assertThat(response.body()).contains("POST /api/v1/auth/anonymous");
    assertThat(platform.server().get("/actuator/prometheus").body()).as("refusals are counted")
        .containsPattern("taidon_gateway_auth_rejected_total\\{[^}]*reason=\"missing\"[^}]*} [1-9]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", ""})
  void malformedTokensAreRefused(String token) {
    assertProblem(me(token), 401, "unauthenticated");
  }

  @Test
  void tamperedForgedAndConfusedTokensAreRefused() throws Exception {
    String genuine = signIn().path("accessToken").asString();
    String[] parts = genuine.split("\\.");
    JWTClaimsSet claims = SignedJWT.parse(genuine).getJWTClaimsSet();
    String kid = SignedJWT.parse(genuine).getHeader().getKeyID();

    // The payload of another account under the genuine signature.
    String otherPayload = com.nimbusds.jose.util.Base64URL.encode(new JWTClaimsSet.Builder(claims)
        .subject("acc-someone-else").build().toString()).toString();
    assertProblem(me(parts[0] + "." + otherPayload + "." + parts[2]), 401, "unauthenticated");

    // Signed by an attacker's key that claims the server's key id.
    ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    assertProblem(me(sign(attacker, claims)), 401, "unauthenticated");

    // alg=none, and HMAC keyed with the server's public key (algorithm confusion).
    assertProblem(me(new PlainJWT(claims).serialize()), 401, "unauthenticated");
    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
    hmac.sign(new MACSigner(platform.server().get("/api/v1/auth/jwks").body().repeat(2).getBytes()));
    assertProblem(me(hmac.serialize()), 401, "unauthenticated");
  }

  @Test
  void tokensSignedWithTheServersOwnKeyAreRefusedForTheWrongAudienceIssuerOrTime() throws Exception {
    String genuine = signIn().path("accessToken").asString();
    JWTClaimsSet claims = SignedJWT.parse(genuine).getJWTClaimsSet();
    ECKey serverKey = serverKey(SignedJWT.parse(genuine).getHeader().getKeyID());
    HttpResponse<String> resigned = me(sign(serverKey, claims));
    assertThat(resigned.statusCode()).as("precondition: re-signing works: %s", resigned.body()).isEqualTo(200);
    assertProblem(me(sign(serverKey, new JWTClaimsSet.Builder(claims).audience("another-api").build())), 401,
        "unauthenticated");
    assertProblem(me(sign(serverKey, new JWTClaimsSet.Builder(claims).issuer("evil").build())), 401, "unauthenticated");
    assertProblem(me(sign(serverKey, new JWTClaimsSet.Builder(claims)
        .expirationTime(Date.from(Instant.now().minusSeconds(120))).build())), 401, "unauthenticated");
  }

  @Test
  void refreshTokensRotateAndAReusedOneSignsTheWholeFamilyOut() {
    JsonNode first = signIn();
    String r1 = first.path("refreshToken").asString();
    HttpResponse<String> second = post("/api/v1/auth/refresh", refreshBody(r1));
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    String r2 = PlatformScenario.JSON.readTree(second.body()).path("refreshToken").asString();
    assertThat(r2).isNotEqualTo(r1);
    assertThat(PlatformScenario.JSON.readTree(second.body()).at("/user/id").asString())
        .isEqualTo(first.at("/user/id").asString());

    assertProblem(post("/api/v1/auth/refresh", refreshBody(r1)), 401, "unauthenticated");
    HttpResponse<String> afterReuse = post("/api/v1/auth/refresh", refreshBody(r2));
    assertProblem(afterReuse, 401, "unauthenticated");
    assertThat(afterReuse.body()).as("the newest token of the family is revoked too").contains("revoked");
  }

  @Test
  void logoutRevokesTheSignIn() {
    String refresh = signIn().path("refreshToken").asString();
    assertThat(post("/api/v1/auth/logout", refreshBody(refresh)).statusCode()).isEqualTo(204);
    assertProblem(post("/api/v1/auth/refresh", refreshBody(refresh)), 401, "unauthenticated");
  }

  @Test
  void brokenRefreshRequestsAreClearErrors() {
    assertProblem(post("/api/v1/auth/refresh", "{}"), 400, "invalid-argument");
    assertProblem(post("/api/v1/auth/refresh", "{not json"), 400, "malformed-request");
    assertProblem(post("/api/v1/auth/refresh", refreshBody("x".repeat(10_000))), 400, "invalid-argument");
    assertProblem(post("/api/v1/auth/refresh", refreshBody("unknown-token")), 401, "unauthenticated");
  }

  @Test
  void rotatingTheSigningKeySignsNobodyOut() throws Exception {
    String before = signIn().path("accessToken").asString();
    new RemoteRoleClient(PlatformScenario.JSON, TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(30))
        .proxy(Identity.class, "idp", platform.server().baseUrl()).rotateSigningKey();
    String after = signIn().path("accessToken").asString();
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isNotEqualTo(SignedJWT.parse(before).getHeader().getKeyID());
    assertThat(me(before).statusCode()).as("a token signed before the rotation").isEqualTo(200);
    assertThat(me(after).statusCode()).as("a token signed after the rotation").isEqualTo(200);
    assertThat(PlatformScenario.JSON.readTree(platform.server().get("/api/v1/auth/jwks").body()).path("keys").size())
        .isGreaterThanOrEqualTo(2);
  }

  private static String credentials(String email, String password) {
    return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
  }

  private static String uniqueEmail() {
    return "learner-" + java.util.UUID.randomUUID() + "@example.org";
  }

  @Test
  void registeringWithoutATokenCreatesARegisteredAccountThatCanLogIn() {
    String email = uniqueEmail();
    HttpResponse<String> registered = post("/api/v1/auth/register", credentials(email, "a long passphrase"));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    String accountId = PlatformScenario.JSON.readTree(registered.body()).at("/user/id").asString();
    HttpResponse<String> login = post("/api/v1/auth/login", credentials(email.toUpperCase(), "a long passphrase"));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    JsonNode grant = PlatformScenario.JSON.readTree(login.body());
    assertThat(grant.at("/user/id").asString()).isEqualTo(accountId);
    assertThat(PlatformScenario.JSON.readTree(me(grant.path("accessToken").asString()).body()).path("kind").asString())
        .isEqualTo("registered");
  }

  @Test
  void anAnonymousLearnerWhoRegistersKeepsTheirAccountAndSoEverythingTheyMade() {
    JsonNode anonymous = signIn();
    HttpResponse<String> registered = platform.server().send(HttpRequest.newBuilder(platform.server().baseUrl()
        .resolve("/api/v1/auth/register"))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + anonymous.path("accessToken").asString())
        .POST(HttpRequest.BodyPublishers.ofString(credentials(uniqueEmail(), "another long passphrase"))).build());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    JsonNode grant = PlatformScenario.JSON.readTree(registered.body());
    assertThat(grant.at("/user/id").asString()).as("the same account").isEqualTo(anonymous.at("/user/id").asString());
    assertThat(grant.at("/user/kind").asString()).isEqualTo("registered");
  }

  @Test
  void registrationRefusesTakenEmailsWeakPasswordsAndMalformedInput() {
    String email = uniqueEmail();
    assertThat(post("/api/v1/auth/register", credentials(email, "a long passphrase")).statusCode()).isEqualTo(201);
    assertProblem(post("/api/v1/auth/register", credentials(email, "a long passphrase")), 409, "conflict");
    assertProblem(post("/api/v1/auth/register", credentials(uniqueEmail(), "short")), 400, "invalid-argument");
    assertProblem(post("/api/v1/auth/register", credentials(uniqueEmail(), " ".repeat(12))), 400, "invalid-argument");
    assertProblem(post("/api/v1/auth/register", credentials(uniqueEmail(), "x".repeat(300))), 400, "invalid-argument");
    assertProblem(post("/api/v1/auth/register", credentials("not-an-email", "a long passphrase")), 400, "invalid-argument");
    assertProblem(post("/api/v1/auth/register", credentials("a@b@c.org", "a long passphrase")), 400, "invalid-argument");
    assertProblem(post("/api/v1/auth/register", "{\"email\":42}"), 400, "invalid-argument");
    assertProblem(post("/api/v1/auth/register", "[]"), 400, "malformed-request");
  }

  @Test
  void fiveWrongPasswordsLockTheAccountEvenAgainstTheRightOne() {
    String email = uniqueEmail();
    post("/api/v1/auth/register", credentials(email, "the right passphrase"));
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> wrong = post("/api/v1/auth/login", credentials(email, "a wrong passphrase " + i));
      assertProblem(wrong, 401, "unauthenticated");
      assertThat(wrong.body()).contains("the email or the password is wrong");
    }
    HttpResponse<String> locked = post("/api/v1/auth/login", credentials(email, "the right passphrase"));
    assertProblem(locked, 429, "too-many-attempts");
    assertThat(locked.headers().firstValue("Retry-After")).hasValueSatisfying(
        seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 15 * 60L + 1));
  }

  @Test
  void anUnknownEmailIsRefusedLikeAWrongPassword() {
    HttpResponse<String> unknown = post("/api/v1/auth/login", credentials(uniqueEmail(), "whatever passphrase"));
    assertProblem(unknown, 401, "unauthenticated");
    assertThat(unknown.body()).contains("the email or the password is wrong");
  }

  @Test
  @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
  void manyFailuresFromOneAddressThrottleIt() {
    HttpResponse<String> last = null;
    for (int i = 0; i < 25; i++) {
      last = post("/api/v1/auth/login", credentials(uniqueEmail(), "guess number " + i));
      if (last.statusCode() == 429) {
        break;
      }
    }
    assertProblem(last, 429, "too-many-attempts");
    assertThat(last.body()).contains("from this address");
  }

  @Test
  void anAnonymousAccountNotSeenForItsIdleTimeExpiresWithItsSandboxesWorksheetsAndShares() throws Exception {
    JsonNode grant = signIn();
    String accountId = grant.at("/user/id").asString();
    Learner learner = Learner.withToken(platform.server(), grant.path("accessToken").asString(), accountId);
    String worksheet = learner.worksheet(null);
    String share = Learner.json(learner.post("/api/v1/worksheets/" + worksheet + "/shares", ""), 201).path("token")
        .asString();
    dev.taidon.envmanager.EnvManager envManager = new RemoteRoleClient(PlatformScenario.JSON, TOKEN,
        Duration.ofSeconds(2), Duration.ofSeconds(30)).proxy(dev.taidon.envmanager.EnvManager.class, "env-manager",
        platform.server().baseUrl());
    envManager.createSandbox(accountId, dev.taidon.envmanager.OwnerKind.ANONYMOUS, envManager.rootState());
    Await.until("the idle anonymous account to expire", Duration.ofSeconds(30),
        () -> me(grant.path("accessToken").asString()).statusCode() != 200, () -> me(grant.path("accessToken").asString()).body());
    assertThat(envManager.sandboxesOf(accountId)).as("its sandboxes went with it").isEmpty();
    assertProblem(Learner.anonymous(platform.server()).get("/api/v1/shares/" + share), 404, "not-found");
    try (Connection connection = DriverManager.getConnection(
            UnixSocketJdbc.url(platform.data().resolve("run/control-db"), "taidon"), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT (SELECT count(*) FROM user_profile.share WHERE owner = '"
            + accountId + "') + (SELECT count(*) FROM user_profile.worksheet WHERE owner = '" + accountId + "')")) {
      rs.next();
      assertThat(rs.getInt(1)).as("its worksheets and shares went with it").isZero();
    }
    assertProblem(post("/api/v1/auth/refresh", refreshBody(grant.path("refreshToken").asString())), 401, "unauthenticated");
  }

  private static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
        .type(new JOSEObjectType("at+jwt")).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static ECKey serverKey(String kid) throws Exception {
    try (Connection connection = DriverManager.getConnection(
            UnixSocketJdbc.url(platform.data().resolve("run/control-db"), "taidon"), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT jwk FROM idp.signing_key WHERE kid = '" + kid + "'")) {
      rs.next();
      return ECKey.parse(rs.getString(1));
    }
  }
}
