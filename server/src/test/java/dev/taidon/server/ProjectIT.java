package dev.taidon.server;

import static dev.taidon.server.Learner.json;
import static dev.taidon.server.Learner.lastStatements;
import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.PlatformPerClass;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Projects: real psql scripts (CREATE DATABASE and \c, \i and \ir, \set variables, COPY data) run
 * as written into a seeded state a worksheet starts from; tests pass and fail per script; broken
 * scripts and hostile uploads get errors that name the file and the line or the limit.
 */
class ProjectIT {
  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("projects", "--taidon.sandbox.pool-size=0",
      "--taidon.runner.prebuild-datasets=false", "--taidon.projects.max-files=20",
      "--taidon.projects.max-total-size=4MB", "--taidon.projects.max-file-size=2MB");

  static Map<String, String> shop() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("init/00_database.sql", "CREATE DATABASE shop;\n\\c shop\n\\i lib/tables.sql\n");
    files.put("lib/tables.sql", "CREATE TABLE product (id int PRIMARY KEY, name text NOT NULL, price numeric(8,2));\n");
    files.put("seed/01_products.sql", """
        \\set vat 20
        COPY product FROM stdin;
        1\tpen\t1.50
        2\tink\t4.00
        \\.
        CREATE VIEW priced AS SELECT name, price * (100 + :vat) / 100 AS gross FROM product;
        """);
    files.put("test/01_count.sql", "DO $$ BEGIN ASSERT (SELECT count(*) FROM product) = 2, 'two products'; END $$;\n");
    files.put("test/02_three.sql", "SELECT 1;\nDO $$ BEGIN IF (SELECT count(*) FROM product) <> 3 THEN\n"
        + "  RAISE EXCEPTION 'expected three products'; END IF; END $$;\n");
    files.put("test/03_deletes.sql", "DELETE FROM product;\n");
    files.put("test/04_untouched.sql", "DO $$ BEGIN ASSERT (SELECT count(*) FROM product) = 2; END $$;\n");
    files.put("README.md", "A shop.\n");
    return files;
  }

  private static Map<String, Object> upload(String name, Map<String, String> files) {
    List<Map<String, String>> list = new ArrayList<>();
    files.forEach((path, content) -> list.add(Map.of("path", path, "content", content)));
    return Map.of("name", name, "files", list);
  }

  @Test
  void aProjectsScriptsRunAsWrittenAndAWorksheetStartsInTheDatabaseTheyEndedIn() {
    Learner learner = Learner.anonymous(platform.server());
    JsonNode project = json(learner.post("/api/v1/projects", upload("shop", shop())), 201);
    String id = project.path("id").asString();
    assertThat(project.path("files").valueStream().map(JsonNode::asString).toList()).as("by path in byte order")
        .startsWith("README.md", "init/00_database.sql", "lib/tables.sql", "seed/01_products.sql");

    String worksheet = json(learner.post("/api/v1/worksheets", Map.of("base", Map.of("project", id))), 201)
        .path("id").asString();
    learner.cells(worksheet, "q", "SELECT current_database(), name, gross FROM priced ORDER BY name");
    JsonNode run = learner.run(worksheet, "q");
    assertThat(run.path("outcome").asString()).as("run: %s", run).isEqualTo("succeeded");
    assertThat(lastStatements(run).get(0).path("rows").toString())
        .isEqualTo("[[\"shop\",\"ink\",\"4.8000000000000000\"],[\"shop\",\"pen\",\"1.8000000000000000\"]]");

    JsonNode tests = json(learner.post("/api/v1/projects/" + id + "/tests", ""), 200);
    assertThat(tests.path("passed").asInt()).isEqualTo(3);
    assertThat(tests.path("failed").asInt()).isEqualTo(1);
    JsonNode scripts = tests.path("scripts");
    assertThat(scripts.valueStream().map(script -> script.path("path").asString()).toList())
        .containsExactly("test/01_count.sql", "test/02_three.sql", "test/03_deletes.sql", "test/04_untouched.sql");
    assertThat(scripts.valueStream().map(script -> script.path("passed").asBoolean()).toList())
        .as("each test runs on its own copy of the seeded state").containsExactly(true, false, true, true);
    JsonNode failure = scripts.get(1).path("failure");
    assertThat(failure.path("sqlstate").asString()).isEqualTo("P0001");
    assertThat(failure.path("message").asString()).isEqualTo("expected three products");
    assertThat(failure.path("file").asString()).isEqualTo("test/02_three.sql");
    assertThat(failure.path("line").asInt()).isEqualTo(2);
    assertThat(tests.path("seededStateId").asString()).matches("[0-9a-f]{64}");
  }

  @Test
  void aManifestOrdersTheStepsAndNamesTheTests() {
    Learner learner = Learner.anonymous(platform.server());
    Map<String, String> files = new LinkedHashMap<>();
    files.put("taidon.yaml", "name: ordered\nsteps: [b/second.sql, a/first.sql]\ntests: [checks/t.sql]\n");
    files.put("a/first.sql", "INSERT INTO log VALUES ('first');\n");
    files.put("b/second.sql", "CREATE TABLE log (entry text);\n");
    files.put("checks/t.sql", "DO $$ BEGIN ASSERT (SELECT string_agg(entry, ',') FROM log) = 'first'; END $$;\n");
    String id = json(learner.post("/api/v1/projects", upload("ordered", files)), 201).path("id").asString();
    JsonNode tests = json(learner.post("/api/v1/projects/" + id + "/tests", ""), 200);
    assertThat(tests.path("passed").asInt()).as("tests: %s", tests).isEqualTo(1);
  }

  @Test
  void aFailingScriptIsReportedWithItsFileAndLine() {
    Learner learner = Learner.anonymous(platform.server());
    Map<String, String> files = new LinkedHashMap<>();
    files.put("init/01.sql", "CREATE TABLE t (x int);\n");
    files.put("seed/01.sql", "INSERT INTO t VALUES (1);\n\\i lib/broken.sql\n");
    files.put("lib/broken.sql", "-- a comment\n\nINSERT INTO nosuch VALUES (1);\n");
    String id = json(learner.post("/api/v1/projects", upload("broken", files)), 201).path("id").asString();
    JsonNode problem = assertProblem(learner.post("/api/v1/worksheets", Map.of("base", Map.of("project", id))), 400,
        "invalid-argument");
    assertThat(problem.path("detail").asString()).contains("lib/broken.sql, line 3")
        .contains("relation \"nosuch\" does not exist");
    assertThat(problem.path("file").asString()).isEqualTo("lib/broken.sql");

    files.put("seed/01.sql", "INSERT INTO t VALUES (1);\n\\copy t from 'data.csv'\n");
    String copy = json(learner.post("/api/v1/projects", upload("copy", files)), 201).path("id").asString();
    assertThat(assertProblem(learner.post("/api/v1/worksheets", Map.of("base", Map.of("project", copy))), 400,
        "invalid-argument").path("detail").asString()).contains("seed/01.sql, line 2").contains("\\copy is not supported");

    files.put("seed/01.sql", "\\i ../../../etc/passwd\n");
    String escape = json(learner.post("/api/v1/projects", upload("escape", files)), 201).path("id").asString();
    assertThat(assertProblem(learner.post("/api/v1/worksheets", Map.of("base", Map.of("project", escape))), 400,
        "invalid-argument").path("detail").asString()).contains("seed/01.sql").contains("the project has no file");

    Map<String, String> bomb = new LinkedHashMap<>();
    bomb.put("taidon.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n");
    bomb.put("init/01.sql", "SELECT 1;\n");
    String yaml = json(learner.post("/api/v1/projects", upload("yaml", bomb)), 201).path("id").asString();
    assertProblem(learner.post("/api/v1/projects/" + yaml + "/tests", ""), 400, "invalid-argument");
  }

  @Test
  void aZipArchiveIsUnpackedWithinTheLimitsAndHostileArchivesAreRefused() throws IOException {
    Learner learner = Learner.anonymous(platform.server());
    Map<String, byte[]> entries = new LinkedHashMap<>();
    shop().forEach((path, content) -> entries.put("shop-main/" + path, content.getBytes(StandardCharsets.UTF_8)));
    JsonNode project = json(uploadZip(learner, "zipped", zip(entries)), 201);
    assertThat(project.path("files").valueStream().map(JsonNode::asString).toList())
        .as("the archive's single top directory is dropped").contains("init/00_database.sql");
    JsonNode tests = json(learner.post("/api/v1/projects/" + project.path("id").asString() + "/tests", ""), 200);
    assertThat(tests.path("passed").asInt()).isEqualTo(3);

    assertProblem(uploadZip(learner, "slip", zip(Map.of("../evil.sql", new byte[] {'x'}))), 400, "invalid-argument");
    assertProblem(uploadZip(learner, "absolute", zip(Map.of("/etc/cron.d/x", new byte[] {'x'}))), 400, "invalid-argument");
    assertProblem(uploadZip(learner, "bomb", zip(Map.of("init/big.sql", new byte[3 * 1024 * 1024]))), 413,
        "payload-too-large");
    assertProblem(uploadZip(learner, "latin1", zip(Map.of("init/a.sql", new byte[] {'S', (byte) 0xE9}))), 400,
        "invalid-argument");
    assertProblem(uploadZip(learner, "garbage", "this is not a zip".getBytes(StandardCharsets.UTF_8)), 400,
        "invalid-argument");
    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i < 21; i++) {
      many.put("init/" + i + ".sql", new byte[] {';'});
    }
    assertProblem(uploadZip(learner, "many", zip(many)), 413, "payload-too-large");
    assertThat(json(learner.get("/api/v1/projects"), 200)).as("refused uploads leave nothing").hasSize(1);
  }

  @Test
  void brokenFileListsAreRefusedNamingTheFile() {
    Learner learner = Learner.anonymous(platform.server());
    for (String path : List.of("/abs.sql", "a/../b.sql", "a//b.sql", "a\\b.sql", "", "x".repeat(300))) {
      JsonNode problem = assertProblem(learner.post("/api/v1/projects", upload("bad", Map.of(path, "SELECT 1;"))), 400,
          "invalid-argument");
      assertThat(problem.path("detail").asString()).as("for %s", path).startsWith("file '");
    }
    assertProblem(learner.post("/api/v1/projects", Map.of("name", "dup", "files", List.of(
        Map.of("path", "a.sql", "content", ""), Map.of("path", "a.sql", "content", "")))), 400, "invalid-argument");
    assertProblem(learner.post("/api/v1/projects", Map.of("name", "empty", "files", List.of())), 400, "invalid-argument");
    assertProblem(learner.post("/api/v1/projects", "{\"files\": [{\"path\": "), 400, "malformed-request");
    String noScripts = json(learner.post("/api/v1/projects", upload("no scripts", Map.of("README.md", "hi"))), 201)
        .path("id").asString();
    assertThat(assertProblem(learner.post("/api/v1/worksheets", Map.of("base", Map.of("project", noScripts))), 400,
        "invalid-argument").path("detail").asString()).contains("no .sql files in init/ or seed/");
  }

  @Test
  void anotherAccountsProjectDoesNotExistForThem() {
    Learner owner = Learner.anonymous(platform.server());
    Learner stranger = Learner.anonymous(platform.server());
    String id = json(owner.post("/api/v1/projects", upload("mine", shop())), 201).path("id").asString();
    assertProblem(stranger.get("/api/v1/projects/" + id), 404, "not-found");
    assertProblem(stranger.get("/api/v1/projects/" + id + "/files"), 404, "not-found");
    assertProblem(stranger.post("/api/v1/projects/" + id + "/tests", ""), 404, "not-found");
    assertProblem(stranger.delete("/api/v1/projects/" + id), 404, "not-found");
    assertProblem(stranger.post("/api/v1/worksheets", Map.of("base", Map.of("project", id))), 404, "not-found");
    assertThat(owner.delete("/api/v1/projects/" + id).statusCode()).isEqualTo(204);
    assertProblem(owner.get("/api/v1/projects/" + id), 404, "not-found");
  }

  private static HttpResponse<String> uploadZip(Learner learner, String name, byte[] archive) {
    return platform.server().send(HttpRequest.newBuilder(platform.server().baseUrl()
        .resolve("/api/v1/projects?name=" + name))
        .header("Authorization", "Bearer " + learner.token()).header("Content-Type", "application/zip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(archive)).build());
  }

  private static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue());
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
