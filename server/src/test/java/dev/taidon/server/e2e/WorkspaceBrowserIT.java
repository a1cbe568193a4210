package dev.taidon.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import dev.taidon.testkit.browser.Browser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The learner's workspace in real headless Chromium against the packaged platform: each test is a
 * new visitor (an empty browser profile, so a new anonymous account) and leaves a screenshot in
 * {@code server/target/e2e-screenshots}.
 */
class WorkspaceBrowserIT {
  static final Path SCREENSHOTS = Path.of("target", "e2e-screenshots");
  private static Path data;
  private static ServerProcess server;
  private WorkspacePage page;
  private String testName;

  @BeforeAll
  static void startPlatform() {
    data = TestDirectories.create("browser");
    server = ServerProcess.start(data.resolve("server.log"), List.of("--data-dir=" + data.resolve("data")));
  }

  @AfterAll
  static void stopPlatform() {
    if (server != null) {
      server.close();
    }
    TestDirectories.delete(data);
  }

  @BeforeEach
  void openBrowser(TestInfo test) {
    testName = test.getTestMethod().orElseThrow().getName();
    page = new WorkspacePage(Browser.start(SCREENSHOTS), server.baseUrl().toString());
  }

  @AfterEach
  void closeBrowser() {
    if (page != null) {
      page.browser().screenshot(testName);
      page.browser().close();
    }
  }

  @Test
  void aFirstVisitorPicksADatasetRunsAQueryAndSeesTheRowsWithTheirTypes() {
    page.openStartPage();
    assertThat(page.browser().find("[data-testid=datasets]").getText())
        .as("the start page describes each dataset with its tables")
        .contains("Chinook music store", "album, artist, customer", "Country club", "bookings, facilities, members");

    page.openDataset("chinook");
    assertThat(page.cellText(0)).as("a dataset worksheet starts with a query that shows data").isEqualTo("SELECT * FROM album LIMIT 10;");
    page.replaceCell(0, "SELECT artist_id, name, NULL::text AS missing, 'NULL' AS word FROM artist WHERE artist_id <= 3 ORDER BY artist_id;");
    page.runCell(0);

    assertThat(page.gridRows(0)).containsExactly(
        List.of("1", "AC/DC", "NULL", "NULL"), List.of("2", "Accept", "NULL", "NULL"), List.of("3", "Aerosmith", "NULL", "NULL"));
    assertThat(page.columnTypes(0)).containsExactly("integer", "character varying(120)", "text", "text");
    WebElement firstRow = page.cell(0).findElement(By.cssSelector(".grid-table tbody tr"));
    assertThat(firstRow.findElements(By.cssSelector("td.null"))).as("SQL NULL is marked apart from the text 'NULL'").hasSize(1);
    assertThat(page.cell(0).findElement(By.cssSelector("[data-testid=command-tag]")).getText()).isEqualTo("SELECT 3");

    page.cell(0).findElement(By.cssSelector("[data-testid=copy-csv]")).click();
    assertThat(page.browser().find("[data-testid=banner]").getText()).as("copying the result as CSV")
        .contains("Copied as CSV");
  }

  @Test
  void theKeyboardAloneOpensADatasetRunsACellAndLeavesTheEditorInADarkTheme() {
    page.openStartPage();
    WebElement body = page.browser().find("body");
    page.browser().await("keyboard focus on the chinook card's button", driver -> {
      body.sendKeys(Keys.TAB);
      WebElement focused = driver.switchTo().activeElement();
      return "chinook".equals(focused.getAttribute("data-dataset")) ? focused : null;
    }).sendKeys(Keys.ENTER);
    page.browser().await("the editor focused on the new worksheet", driver ->
        driver.switchTo().activeElement().getAttribute("class").contains("cm-content") ? true : null);

    WebElement editor = page.browser().driver().switchTo().activeElement();
    editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE, "SELECT count(*) FROM genre;", Keys.ESCAPE,
        Keys.chord(Keys.CONTROL, Keys.ENTER));
    page.browser().await("the rows", driver -> page.gridRows(0).equals(List.of(List.of("25"))) ? true : null);

    editor.sendKeys(Keys.ESCAPE, Keys.TAB);
    assertThat(page.browser().driver().switchTo().activeElement().getAttribute("class"))
        .as("Escape then Tab leaves the editor: no keyboard trap").doesNotContain("cm-content");

    WebElement theme = page.browser().find("#theme-toggle");
    page.browser().await("the dark theme chosen with the theme button", driver -> {
      if ("dark".equals(page.browser().script("return document.documentElement.dataset.theme"))) {
        return true;
      }
      theme.sendKeys(Keys.ENTER);
      return null;
    });
    assertThat(page.browser().script("return getComputedStyle(document.documentElement).backgroundColor"))
        .as("the dark theme's background").isEqualTo("rgb(15, 18, 22)");
  }

  @Test
  void anErrorIsUnderlinedWhereThePostgresPositionPoints() {
    page.openStartPage();
    page.openDataset("chinook");
    page.replaceCell(0, "SELECT 1;\nSELECT nme FROM artist;");
    page.runCell(0);

    WebElement error = page.cell(0).findElement(By.cssSelector("[data-testid=sql-error]"));
    assertThat(error.getAttribute("data-sqlstate")).isEqualTo("42703");
    assertThat(error.getText()).contains("column \"nme\" does not exist", "at line 2, column 8", "Hint:");
    WebElement underline = page.browser().find("[data-cell-id] .cm-lintRange-error");
    assertThat(underline.getText()).as("the underlined token").isEqualTo("nme");
    assertThat(page.browser().script("return arguments[0].closest('.cm-line').previousElementSibling?.textContent", underline))
        .as("the underline is on the second line of the cell")
        .isEqualTo("SELECT 1;");
  }

  @Test
  void completionOffersTheColumnsOfATableAfterItsAlias() {
    page.openStartPage();
    page.openDataset("chinook");
    page.browser().find("[data-testid=schema-tree]");
    WebElement editor = page.cell(0).findElement(By.cssSelector(".cm-content"));
    page.typeInto(editor, "SELECT * FROM album al WHERE al.");
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.SPACE));

    List<String> offered = page.browser().await("completion after the alias", driver -> {
      List<String> labels = page.browser().all(".cm-tooltip-autocomplete li").stream().map(WebElement::getText).toList();
      return labels.isEmpty() ? null : labels;
    });
    assertThat(offered).containsExactlyInAnyOrder("album_id", "title", "artist_id");
  }

  @Test
  void theErDiagramShowsTheForeignKeysOfTheDataset() {
    page.openStartPage();
    page.openDataset("chinook");
    page.browser().find("[data-tab=diagram]").click();
    page.browser().find("[data-testid=er-diagram]");

    List<String> edges = page.browser().all(".er-edge").stream()
        .map(edge -> edge.getAttribute("data-from") + " -> " + edge.getAttribute("data-to")).toList();
    assertThat(edges).hasSize(11).contains("public.album -> public.artist", "public.track -> public.album",
        "public.invoice_line -> public.invoice", "public.employee -> public.employee", "public.playlist_track -> public.playlist");
    assertThat(page.browser().all(".er-table")).hasSize(11);
    assertThat(page.browser().find("[data-testid=export-svg]").isEnabled()).isTrue();
  }

  @Test
  void explainShowsThePlanAsATreeWithTheCostliestNodesMarked() {
    page.openStartPage();
    page.openDataset("chinook");
    page.replaceCell(0, "SELECT t.name, a.title FROM track t JOIN album a ON a.album_id = t.album_id;");
    page.explainCell(0);

    // Read afresh: the output is drawn again while the run ends, which makes an element found before stale.
    String plan = page.browser().await("the plan of the Explain button", driver -> page.cell(0)
        .findElements(By.cssSelector("[data-testid=plan]")).stream().findFirst().map(WebElement::getText).orElse(null));
    assertThat(plan).contains("Plan with actual times", "Hash Join", "on track t");
    assertThat(page.cell(0).findElements(By.cssSelector("[data-testid=plan] .plan-node.expensive")))
        .as("the costliest nodes are highlighted").isNotEmpty();

    page.addCell("EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM invoice_line;");
    page.runCell(1);
    assertThat(page.cell(1).findElement(By.cssSelector("[data-testid=plan]")).getText())
        .as("a cell that runs EXPLAIN (FORMAT JSON) itself shows the tree too")
        .contains("Aggregate", "on invoice_line");
  }

  @Test
  void editingAnEarlierCellAndRerunningALaterOneShowsTheEdit() {
    page.openStartPage();
    page.openPlayground();
    page.replaceCell(0, "CREATE TABLE t (n int);\nINSERT INTO t VALUES (1);");
    page.addCell("SELECT n FROM t;");
    page.runCell(1);
    assertThat(page.gridRows(1)).containsExactly(List.of("1"));

    page.replaceCell(0, "CREATE TABLE t (n int);\nINSERT INTO t VALUES (42);");
    page.runCell(1);
    assertThat(page.gridRows(1)).as("the later cell sees the edited earlier cell").containsExactly(List.of("42"));
    assertThat(page.cell(0).findElement(By.cssSelector("[data-testid=badges]")).getText())
        .as("the earlier cell says how it was brought into place")
        .containsAnyOf("replayed", "restored from cache");
  }

  @Test
  void timeTravelShowsAnEarlierStateReadOnlyAndContinuingFromItCanBeUndone() {
    page.openStartPage();
    page.openPlayground();
    page.replaceCell(0, "CREATE TABLE t (n int);");
    page.addCell("INSERT INTO t VALUES (1), (2);");
    page.addCell("ALTER TABLE t ADD COLUMN m int;");
    page.runAll();

    page.browser().find("[data-tab=timeline]").click();
    page.browser().find("[data-testid=timeline] [data-at='" + page.cellId(0) + "']").click();
    WebElement detail = page.browser().find("[data-testid=timeline-detail] [data-testid=schema-tree]");
    page.expandAll(detail);
    assertThat(detail.getText()).as("the schema after cell 1").contains("n").doesNotContain("m integer");

    page.typeInto(page.browser().find("[data-testid=timeline-detail] .cm-content"), "SELECT count(*) FROM t;");
    page.runTimelineQuery();
    assertThat(page.detailGridRows()).as("the state after cell 1 has no rows yet").containsExactly(List.of("0"));

    page.typeInto(page.browser().find("[data-testid=timeline-detail] .cm-content"), "INSERT INTO t VALUES (9);");
    page.runTimelineQuery();
    WebElement refused = page.browser().find("[data-testid=timeline-detail] [data-testid=sql-error]");
    assertThat(refused.getAttribute("data-sqlstate")).as("an earlier state is read-only").isEqualTo("25006");

    page.browser().find("[data-testid=timeline] [data-at='" + page.cellId(2) + "']").click();
    WebElement latest = page.browser().await("the schema after cell 3", driver -> {
      WebElement tree = page.browser().find("[data-testid=timeline-detail] [data-testid=schema-tree]");
      page.expandAll(tree);
      return tree.getText().contains("m") && tree.getText().contains("integer") ? tree : null;
    });
    assertThat(latest.getText()).contains("n", "m");

    page.browser().find("[data-testid=timeline] [data-at='" + page.cellId(0) + "']").click();
    page.browser().find("[data-testid=continue-here]").click();
    page.browser().driver().switchTo().alert().accept();
    page.browser().await("the later cells removed", driver -> page.cells().size() == 1 ? true : null);
    page.browser().find("[data-testid=undo]").click();
    page.browser().await("the cells back", driver -> page.cells().size() == 3 ? true : null);
    assertThat(page.cellText(2)).isEqualTo("ALTER TABLE t ADD COLUMN m int;");
  }

  @Test
  void aShareLinkOpensAnIdenticalCopyInAnotherBrowser() {
    page.openStartPage();
    page.openDataset("chinook");
    page.replaceCell(0, "CREATE TABLE favourite AS SELECT artist_id FROM artist WHERE name LIKE 'A%';");
    page.addCell("SELECT count(*) FROM favourite;");
    page.runCell(1);
    List<List<String>> original = page.gridRows(1);
    page.browser().find("[data-testid=share]").click();
    String link = page.browser().find("[data-testid=share-link]").getAttribute("value");
    assertThat(link).matches(".*#/share/[A-Za-z0-9_-]{20,}");

    WorkspacePage other = new WorkspacePage(Browser.start(SCREENSHOTS), server.baseUrl().toString());
    try {
      other.browser().open(link);
      other.browser().find("[data-testid=workspace]");
      other.browser().await("both cells copied", driver -> other.cells().size() == 2 ? true : null);
      assertThat(List.of(other.cellText(0), other.cellText(1))).containsExactly(page.cellText(0), page.cellText(1));
      assertThat(other.browser().driver().getCurrentUrl()).as("the copy is the other visitor's own worksheet")
          .doesNotContain(page.worksheetId()).contains("#/w/ws-");
      other.runCell(1);
      assertThat(other.gridRows(1)).as("replaying the copy reaches the same state").isEqualTo(original);
    } finally {
      other.browser().screenshot(testName + "-second-browser");
      other.browser().close();
    }
  }
}
