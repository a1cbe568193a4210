package dev.taidon.server;

import static dev.taidon.server.Learner.json;
import static dev.taidon.server.Learner.lastStatements;
import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.PlatformPerClass;
import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Share links: a snapshot of a worksheet that any signed-in account opens and copies, reaching the
 * same states by replay; tokens that cannot be guessed; bases others could not read; the cap.
 */
class ShareIT {
  private static final int MAX_SHARES = 3;
  private static final int MAX_WORKSHEETS = 4;

  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("share", "--taidon.sandbox.pool-size=0",
      "--taidon.profile.max-shares=" + MAX_SHARES, "--taidon.profile.max-worksheets=" + MAX_WORKSHEETS,
      "--taidon.gateway.account-burst=1000", "--taidon.gateway.account-rate=1000");

  private static String share(Learner learner, String worksheet) {
    return json(learner.post("/api/v1/worksheets/" + worksheet + "/shares", ""), 201).path("token").asString();
  }

  @Test
  void aShareOpensACopyThatReachesTheSameState() {
    Learner owner = Learner.anonymous(platform.server());
    String worksheet = owner.worksheet("chinook");
    json(owner.put("/api/v1/worksheets/" + worksheet, Map.of("title", "Three albums", "cells", List.of(
        Map.of("id", "picks", "sql", "CREATE TABLE picks AS SELECT title FROM album ORDER BY album_id LIMIT 3"),
        Map.of("id", "count", "sql", "SELECT count(*), string_agg(title, '|' ORDER BY title) FROM picks")))), 200);
    JsonNode original = owner.run(worksheet, "count");
    assertThat(original.path("outcome").asString()).as("run: %s", original).isEqualTo("succeeded");

    var created = owner.post("/api/v1/worksheets/" + worksheet + "/shares", "");
    JsonNode share = json(created, 201);
    String token = share.path("token").asString();
    assertThat(token).matches("[A-Za-z0-9_-]{32}");
    assertThat(created.headers().firstValue("Location")).contains("/api/v1/shares/" + token);
    assertThat(share.path("title").asString()).isEqualTo("Three albums");
    assertThat(share.path("base").path("dataset").asString()).isEqualTo("chinook");
    assertThat(share.path("cells")).hasSize(2);
    assertThat(share.path("createdAt").asString()).isNotBlank();
    assertThat(share.has("owner")).as("a share does not say who made it").isFalse();

    // The original changes afterwards; the share does not.
    owner.cells(worksheet, "gone", "SELECT 1");
    Learner reader = Learner.anonymous(platform.server());
    JsonNode read = json(reader.get("/api/v1/shares/" + token), 200);
    assertThat(read).isEqualTo(share);

    var copied = reader.post("/api/v1/shares/" + token + "/copy", "");
    JsonNode copy = json(copied, 201);
    String copyId = copy.path("id").asString();
    assertThat(copyId).matches("ws-[0-9a-f]{32}").isNotEqualTo(worksheet);
    assertThat(copied.headers().firstValue("Location")).contains("/api/v1/worksheets/" + copyId);
    assertThat(copy.path("title")).isEqualTo(share.path("title"));
    assertThat(copy.path("base")).isEqualTo(share.path("base"));
    assertThat(copy.path("cells")).isEqualTo(share.path("cells"));
    assertThat(json(reader.get("/api/v1/worksheets"), 200).valueStream().map(w -> w.path("id").asString()).toList())
        .containsExactly(copyId);

    JsonNode replayed = reader.run(copyId, "count");
    assertThat(replayed.path("outcome").asString()).as("run: %s", replayed).isEqualTo("succeeded");
    assertThat(lastStatements(replayed).get(0).path("rows")).as("the copy reaches the same state")
        .isEqualTo(lastStatements(original).get(0).path("rows"));
    assertThat(replayed.path("steps").get(1).path("stateId")).as("the same state id, too")
        .isEqualTo(original.path("steps").get(1).path("stateId"));
    assertProblem(reader.get("/api/v1/worksheets/" + worksheet), 404, "not-found");
  }

  @Test
  void tokensCannotBeGuessedAndMalformedOnesAreNotFound() {
    Learner owner = Learner.anonymous(platform.server());
    String token = share(owner, owner.worksheet(null));
    Learner guesser = Learner.anonymous(platform.server());
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    char flipped = token.charAt(10) == 'A' ? 'B' : 'A';
    List<String> guesses = List.of(Base64.getUrlEncoder().withoutPadding().encodeToString(random),
        token.substring(0, 10) + flipped + token.substring(11), token.toLowerCase(), token.toUpperCase(),
        token.substring(1), token + "A", "x", "A".repeat(2000), "ws-" + "0".repeat(32), "~" + token.substring(1));
    for (String guess : guesses) {
      if (guess.equals(token)) {
        continue;
      }
      assertProblem(guesser.get("/api/v1/shares/" + guess), 404, "not-found");
      assertProblem(guesser.post("/api/v1/shares/" + guess + "/copy", ""), 404, "not-found");
    }
    assertThat(json(guesser.get("/api/v1/worksheets"), 200)).as("no guess made a worksheet").isEmpty();
    assertProblem(platform.server().get("/api/v1/shares/" + token), 401, "unauthenticated");
    assertProblem(platform.server().send(HttpRequest.newBuilder(platform.server().baseUrl()
        .resolve("/api/v1/shares/" + token + "/copy"))
        .POST(HttpRequest.BodyPublishers.noBody()).build()), 401, "unauthenticated");
    assertThat(guesser.get("/api/v1/shares/" + token).statusCode()).as("the token itself works").isEqualTo(200);
  }

  @Test
  void onlyWorksheetsOthersCouldOpenCanBeShared() {
    Learner owner = Learner.anonymous(platform.server());
    JsonNode project = json(owner.post("/api/v1/projects", Map.of("name", "mine", "files",
        List.of(Map.of("path", "init/01.sql", "content", "CREATE TABLE mine (x int);\n")))), 201);
    String onProject = json(owner.post("/api/v1/worksheets", Map.of("base", Map.of("project",
        project.path("id").asString()))), 201).path("id").asString();
    JsonNode refused = assertProblem(owner.post("/api/v1/worksheets/" + onProject + "/shares", ""), 409, "conflict");
    assertThat(refused.path("detail").asString()).contains("only you may read");

    String empty = owner.worksheet(null);
    owner.cells(empty, "c", "CREATE TABLE private_to_me (x int)");
    String privateState = owner.run(empty, "c").path("steps").get(0).path("stateId").asString();
    String onState = json(owner.post("/api/v1/worksheets", Map.of("base", Map.of("stateId", privateState))), 201)
        .path("id").asString();
    assertThat(assertProblem(owner.post("/api/v1/worksheets/" + onState + "/shares", ""), 409, "conflict")
        .path("detail").asString()).contains("only you may read");

    Learner stranger = Learner.anonymous(platform.server());
    assertProblem(stranger.post("/api/v1/worksheets/" + empty + "/shares", ""), 404, "not-found");
    assertProblem(stranger.post("/api/v1/worksheets/ws-nope/shares", ""), 404, "not-found");
    assertThat(owner.post("/api/v1/worksheets/" + empty + "/shares", "").statusCode())
        .as("a worksheet on an empty database can be shared").isEqualTo(201);
  }

  @Test
  void sharesPerAccountAndTheCopiersWorksheetsAreCapped() {
    Learner owner = Learner.anonymous(platform.server());
    String worksheet = owner.worksheet(null);
    owner.cells(worksheet, "c", "SELECT 1");
    String token = share(owner, worksheet);
    for (int i = 1; i < MAX_SHARES; i++) {
      share(owner, worksheet);
    }
    JsonNode capped = assertProblem(owner.post("/api/v1/worksheets/" + worksheet + "/shares", ""), 429,
        "quota-exceeded");
    assertThat(capped.path("detail").asString()).contains("max-shares");
    assertThat(capped.path("limit").asString()).isEqualTo("max-shares");
    Learner other = Learner.anonymous(platform.server());
    assertThat(other.post("/api/v1/worksheets/" + other.worksheet(null) + "/shares", "").statusCode())
        .as("another account's cap is its own").isEqualTo(201);

    Learner copier = Learner.anonymous(platform.server());
    for (int i = 0; i < MAX_WORKSHEETS; i++) {
      json(copier.post("/api/v1/shares/" + token + "/copy", ""), 201);
    }
    assertProblem(copier.post("/api/v1/shares/" + token + "/copy", ""), 429, "quota-exceeded");
    assertThat(json(copier.get("/api/v1/worksheets"), 200)).hasSize(MAX_WORKSHEETS);
  }
}
