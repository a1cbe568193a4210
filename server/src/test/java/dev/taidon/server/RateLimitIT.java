package dev.taidon.server;

import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rate limits hold across gateway replicas: a full platform and a second process that runs only the
 * gateway, sharing the control database, share one bucket per account.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitIT {
  static final String TOKEN = "rate-limit-token-0123456789abcdefghij";
  static final List<String> LIMITS = List.of("--taidon.gateway.account-rate=0.5", "--taidon.gateway.account-burst=5",
      "--taidon.gateway.sign-up-rate=0.01", "--taidon.gateway.sign-up-burst=3");
  private static Path base;
  private static ServerProcess full;
  private static ServerProcess gatewayOnly;

  @BeforeAll
  static void start() {
    base = TestDirectories.create("rate-limit");
    List<String> fullArguments = new ArrayList<>(List.of("--data-dir=" + base.resolve("full"), "--internal-token=" + TOKEN,
        "--taidon.sandbox.pool-size=0"));
    fullArguments.addAll(LIMITS);
    full = ServerProcess.start(base.resolve("full.log"), fullArguments);
    String url = full.baseUrl().toString();
    List<String> gatewayArguments = new ArrayList<>(List.of("--target=gateway", "--data-dir=" + base.resolve("gateway"),
        "--internal-token=" + TOKEN, "--taidon.control-db.username=postgres",
        "--control-db-url=" + UnixSocketJdbc.url(base.resolve("full/run/control-db"), "taidon")));
    for (String role : List.of("audit-log", "idp", "user-profile", "vcs-sync", "env-manager", "sql-runner")) {
      gatewayArguments.add("--role-url=" + role + "=" + url);
    }
    gatewayArguments.addAll(LIMITS);
    gatewayOnly = ServerProcess.start(base.resolve("gateway.log"), gatewayArguments);
  }

  @AfterAll
  static void stop() {
    if (gatewayOnly != null) {
      gatewayOnly.close();
    }
    if (full != null) {
      full.close();
    }
    TestDirectories.delete(base);
  }

  @Test
  @Order(1)
  void oneAccountsRequestsThroughTwoGatewaysDrawOnOneBucket() {
    HttpResponse<String> signIn = gatewayOnly.send(HttpRequest.newBuilder(gatewayOnly.baseUrl()
        .resolve("/api/v1/auth/anonymous")).POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(signIn.statusCode()).as("sign-in through the gateway-only process: %s", signIn.body()).isEqualTo(201);
    String accessToken = PlatformScenario.JSON.readTree(signIn.body()).path("accessToken").asString();

    int allowed = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 12; i++) {
      ServerProcess gateway = i % 2 == 0 ? full : gatewayOnly;
      HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.baseUrl().resolve("/api/v1/me"))
          .header("Authorization", "Bearer " + accessToken).GET().build());
      if (response.statusCode() == 200) {
        allowed++;
      } else {
        refused = response;
      }
    }
    assertThat(allowed).as("requests allowed from a burst of 5 refilling at 0.5/s, over both gateways").isBetween(5, 6);
    assertProblem(refused, 429, "too-many-attempts");
    assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
        seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 2L));
    assertThat(refused.body()).contains("taidon.gateway.account-rate");
    assertThat(full.get("/actuator/prometheus").body() + gatewayOnly.get("/actuator/prometheus").body())
        .as("refusals are counted").containsPattern("taidon_gateway_rate_limited_total\\{[^}]*scope=\"account\"[^}]*} [1-9]");
  }

  @Test
  @Order(2)
  void newAccountsFromOneAddressThroughTwoGatewaysDrawOnOneSignUpBucket() {
    int created = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 6 && refused == null; i++) {
      ServerProcess gateway = i % 2 == 0 ? full : gatewayOnly;
      HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.baseUrl()
          .resolve("/api/v1/auth/anonymous")).POST(HttpRequest.BodyPublishers.noBody()).build());
      if (response.statusCode() == 201) {
        created++;
      } else {
        refused = response;
      }
    }
    assertThat(created).as("anonymous accounts made from one address with a sign-up burst of 3, after the"
        + " first test's one").isEqualTo(2);
    assertProblem(refused, 429, "too-many-attempts");
    assertThat(refused.body()).contains("new accounts from this client address").contains("taidon.gateway.sign-up-rate");
    assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
        seconds -> assertThat(Long.parseLong(seconds)).as("a refill at one account per 100 s").isBetween(50L, 100L));

    HttpResponse<String> registration = gatewayOnly.send(HttpRequest.newBuilder(gatewayOnly.baseUrl()
            .resolve("/api/v1/auth/register")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"flood@example.org\",\"password\":\"a long passphrase\"}"))
        .build());
    assertProblem(registration, 429, "too-many-attempts");
    assertThat(full.get("/api/v1/platform").statusCode()).as("the address's other requests still pass").isEqualTo(200);
    assertThat(full.get("/actuator/prometheus").body() + gatewayOnly.get("/actuator/prometheus").body())
        .as("sign-up refusals are counted apart").containsPattern(
            "taidon_gateway_rate_limited_total\\{[^}]*scope=\"sign-up\"[^}]*} [1-9]");
  }
}
