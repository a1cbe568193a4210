package dev.taidon.server.e2e;

import dev.taidon.testkit.browser.Browser;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** What a learner does in the workspace, in the browser, through the page's own controls. */
final class WorkspacePage {
  private final Browser browser;
  private final String baseUrl;

  WorkspacePage(Browser browser, String baseUrl) {
    this.browser = browser;
    this.baseUrl = baseUrl;
  }

  Browser browser() {
    return browser;
  }

  void openStartPage() {
    browser.open(baseUrl);
    browser.find("[data-testid=start-page]");
  }

  void openDataset(String dataset) {
    browser.find("[data-dataset=" + dataset + "]").click();
    browser.find("[data-testid=workspace]");
    browser.find("[data-testid=cell] .cm-content");
  }

  void openPlayground() {
    browser.find("[data-testid=blank-playground]").click();
    browser.find("[data-testid=workspace]");
    browser.find("[data-testid=cell] .cm-content");
  }

  String worksheetId() {
    return browser.find("[data-testid=workspace]").getAttribute("data-worksheet");
  }

  List<WebElement> cells() {
    return browser.all("[data-testid=cell]");
  }

  WebElement cell(int index) {
    return browser.await("cell " + (index + 1), driver -> {
      List<WebElement> cells = cells();
      return cells.size() > index ? cells.get(index) : null;
    });
  }

  String cellId(int index) {
    return cell(index).getAttribute("data-cell-id");
  }

  /** The cell's text as the editor holds it, lines joined with line breaks. */
  String cellText(int index) {
    return String.join("\n", cell(index).findElements(By.cssSelector(".cm-line")).stream()
        .map(line -> (String) browser.script("return arguments[0].textContent", line)).toList());
  }

  /** Selects everything in an editor and types text over it, as a learner would. */
  void typeInto(WebElement editorContent, String text) {
    editorContent.click();
    editorContent.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        // Escape first: an open completion list would take the Enter.
        editorContent.sendKeys(Keys.ESCAPE, Keys.ENTER);
      }
      editorContent.sendKeys(lines[i]);
    }
    browser.await("the editor to hold what was typed", driver -> browser.script(
        "return arguments[0].innerText.replace(/\\xa0/g, ' ').trim()", editorContent).equals(text.trim()) ? true : null);
  }

  void replaceCell(int index, String sql) {
    typeInto(cell(index).findElement(By.cssSelector(".cm-content")), sql);
    // Completion popups would eat the next Enter.
    cell(index).findElement(By.cssSelector(".cm-content")).sendKeys(Keys.ESCAPE);
  }

  void addCell(String sql) {
    int before = cells().size();
    browser.find("[data-testid=add-cell]").click();
    replaceCell(before, sql);
  }

  /** Runs the cell with its Run button and waits until its results are complete. */
  void runCell(int index) {
    cell(index).findElement(By.cssSelector("[data-testid=run-cell]")).click();
    awaitRunEnd();
  }

  /** Presses a cell's Explain button and waits until the run it starts has ended. */
  void explainCell(int index) {
    cell(index).findElement(By.cssSelector("[data-testid=explain]")).click();
    awaitRunEnd();
  }

  /** Runs the read-only query of the timeline's detail and waits until it has ended. */
  void runTimelineQuery() {
    browser.find("[data-testid=run-query]").click();
    awaitRunEnd();
  }

  void runAll() {
    browser.find("[data-testid=run-all]").click();
    awaitRunEnd();
  }

  private void awaitRunEnd() {
    browser.await("the run to end", driver -> {
      WebElement workspace = browser.find("[data-testid=workspace]");
      boolean running = workspace.getAttribute("class").contains("is-running");
      return !running && browser.all(".cell-output .running").isEmpty() ? true : null;
    });
  }

  /** The rows of the first result grid of a cell, without the row numbers; NULL reads as NULL. */
  List<List<String>> gridRows(int index) {
    return rows(browser.await("a result grid in cell " + (index + 1),
        driver -> cell(index).findElements(By.cssSelector("[data-testid=grid]")).stream().findFirst().orElse(null)));
  }

  List<List<String>> detailGridRows() {
    return rows(browser.find("[data-testid=timeline-detail] [data-testid=grid]"));
  }

  private List<List<String>> rows(WebElement grid) {
    return grid.findElements(By.cssSelector("tbody tr:not([aria-hidden])")).stream()
        .map(row -> row.findElements(By.cssSelector("td:not(.rownum)")).stream()
            .map(td -> ((String) browser.script("return arguments[0].firstChild?.textContent ?? ''", td)))
            .toList())
        .toList();
  }

  List<String> columnTypes(int index) {
    return cell(index).findElements(By.cssSelector("[data-testid=grid] thead .col-type")).stream()
        .map(WebElement::getText).toList();
  }

  /** Opens every collapsed part of a schema tree. */
  void expandAll(WebElement tree) {
    browser.script("arguments[0].querySelectorAll('details').forEach(d => d.open = true)", tree);
  }
}
