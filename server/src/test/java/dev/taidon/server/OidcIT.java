package dev.taidon.server;

import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.server.oidcprovider.TestOidcProvider;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Login with an external OpenID Connect provider, end to end: a real Spring Authorization Server
 * started in this JVM, the platform as a process, and a browser played by an HTTP client with a
 * cookie jar that follows the redirects one by one.
 */
class OidcIT {
  private static Path base;
  private static ConfigurableApplicationContext provider;
  private static ServerProcess server;

  @BeforeAll
  static void start() {
    base = TestDirectories.create("oidc");
    int providerPort = ServerProcess.freePort();
    int serverPort = ServerProcess.freePort();
    String callback = "http://127.0.0.1:" + serverPort + "/api/v1/auth/oidc/callback";
    provider = TestOidcProvider.start(providerPort, callback, base.resolve("oidc-provider"));
    String settings = "--taidon.auth.oidc.test.";
    server = ServerProcess.start(base.resolve("server.log"), serverPort, List.of("--data-dir=" + base.resolve("data"),
        "--taidon.sandbox.pool-size=0",
        settings + "issuer=http://127.0.0.1:" + providerPort,
        settings + "client-id=" + TestOidcProvider.CLIENT_ID,
        settings + "client-secret=" + TestOidcProvider.CLIENT_SECRET,
        settings + "redirect-uri=" + callback));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (provider != null) {
      provider.close();
    }
    TestDirectories.delete(base);
  }

  /** A browser: its own cookies, redirects followed by hand. */
  private static final class Browser {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).build();

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
      return send(HttpRequest.newBuilder(uri).header("Accept", "text/html,application/xhtml+xml").GET().build());
    }

    /** Follows redirects from {@code uri} until one leaves the provider; returns that location. */
    URI loginAtProvider(URI authorization, String user, String password) throws Exception {
      HttpResponse<String> response = get(authorization);
      URI location = response.uri().resolve(response.headers().firstValue("Location").orElseThrow(
          () -> new AssertionError("the provider answered " + response.statusCode() + " " + response.headers().map()
              + " " + response.body())));
      assertThat(location.getPath()).as("the provider asks who we are").isEqualTo("/login");
      HttpResponse<String> loginPage = get(location);
      Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"")
          .matcher(loginPage.body());
      assertThat(csrf.find()).as("a CSRF token on the login page").isTrue();
      String token = csrf.group(1) != null ? csrf.group(1) : csrf.group(2);
      HttpResponse<String> loggedIn = send(HttpRequest.newBuilder(location)
          .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
          .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password="
              + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf="
              + URLEncoder.encode(token, StandardCharsets.UTF_8)))
          .build());
      URI next = location.resolve(loggedIn.headers().firstValue("Location").orElseThrow());
      for (int hop = 0; hop < 5 && next.getPort() == authorization.getPort(); hop++) {
        HttpResponse<String> step = get(next);
        next = next.resolve(step.headers().firstValue("Location").orElseThrow(
            () -> new AssertionError("the provider stopped redirecting: " + step.statusCode() + " " + step.body())));
      }
      return next;
    }
  }

  private static JsonNode loginWithProvider(Browser browser, String bearer) throws Exception {
    return loginWithProvider(browser, bearer, TestOidcProvider.USER, TestOidcProvider.PASSWORD);
  }

  private static JsonNode loginWithProvider(Browser browser, String bearer, String user, String password)
      throws Exception {
    HttpRequest.Builder start = HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/auth/oidc/test/start"))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (bearer != null) {
      start.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> started = browser.send(start.build());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    URI authorization = URI.create(PlatformScenario.JSON.readTree(started.body()).path("authorizationUrl").asString());
    assertThat(authorization.getQuery()).contains("code_challenge_method=S256").contains("nonce=").contains("state=");

    URI callback = browser.loginAtProvider(authorization, user, password);
    assertThat(callback.getPath()).isEqualTo("/api/v1/auth/oidc/callback");
    HttpResponse<String> landed = browser.get(callback);
    assertThat(landed.statusCode()).as(landed.body()).isEqualTo(302);
    String app = landed.headers().firstValue("Location").orElseThrow();
    assertThat(app).startsWith("/#login=");
    String code = app.substring("/#login=".length());

    HttpResponse<String> exchanged = browser.send(HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/auth/oidc/exchange"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\"}"))
        .build());
    assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
    HttpResponse<String> replayed = browser.get(callback);
    assertProblem(replayed, 401, "unauthenticated");
    return PlatformScenario.JSON.readTree(exchanged.body());
  }

  @Test
  void aLoginAtTheProviderCreatesARegisteredAccountAndTheNextOneFindsItAgain() throws Exception {
    JsonNode first = loginWithProvider(new Browser(), null);
    assertThat(first.at("/user/kind").asString()).isEqualTo("registered");
    JsonNode second = loginWithProvider(new Browser(), null);
    assertThat(second.at("/user/id").asString()).as("linked by issuer and subject").isEqualTo(first.at("/user/id").asString());
  }

  @Test
  void anAnonymousLearnerWhoLogsInWithAProviderKeepsTheirAccountAndWork() throws Exception {
    Learner anonymous = Learner.anonymous(server);
    String worksheet = anonymous.worksheet(null);
    anonymous.cells(worksheet, "kept", "SELECT 'mine'");
    JsonNode grant = loginWithProvider(new Browser(), anonymous.token(), TestOidcProvider.SECOND_USER,
        TestOidcProvider.SECOND_PASSWORD);
    assertThat(grant.at("/user/id").asString()).as("the anonymous account became the registered one")
        .isEqualTo(anonymous.accountId);
    assertThat(grant.at("/user/kind").asString()).isEqualTo("registered");
    Learner registered = Learner.withToken(server, grant.path("accessToken").asString(), anonymous.accountId);
    JsonNode kept = Learner.json(registered.get("/api/v1/worksheets/" + worksheet), 200);
    assertThat(kept.at("/cells/0/sql").asString()).isEqualTo("SELECT 'mine'");
    JsonNode again = loginWithProvider(new Browser(), null, TestOidcProvider.SECOND_USER,
        TestOidcProvider.SECOND_PASSWORD);
    assertThat(again.at("/user/id").asString()).as("the next login finds the same account")
        .isEqualTo(anonymous.accountId);
  }

  @Test
  void loginCodesAreSingleUseAndUnknownProvidersAreNotFound() {
    assertProblem(server.send(HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/auth/oidc/exchange"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"made-up\"}"))
        .build()), 401, "unauthenticated");
    assertProblem(server.send(HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/auth/oidc/nowhere/start"))
        .POST(HttpRequest.BodyPublishers.noBody()).build()), 404, "not-found");
    assertProblem(server.get("/api/v1/auth/oidc/callback?state=forged&code=forged"), 401, "unauthenticated");
  }
}
