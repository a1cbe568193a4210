package dev.taidon.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import dev.taidon.testkit.browser.Browser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The workspace when things go wrong: a quota is hit, the server goes away and comes back, the
 * session can no longer be renewed. The learner is told what happened and loses nothing typed.
 * Each test has a platform of its own on a fixed port, so that it can be stopped and started again.
 */
class WorkspaceTroubleBrowserIT {
  private Path data;
  private int port;
  private ServerProcess server;
  private WorkspacePage page;
  private String testName;

  @BeforeEach
  void start(TestInfo test) {
    testName = test.getTestMethod().orElseThrow().getName();
    data = TestDirectories.create("browser-trouble");
    port = ServerProcess.freePort();
    server = startServer();
    page = new WorkspacePage(Browser.start(WorkspaceBrowserIT.SCREENSHOTS), server.baseUrl().toString());
  }

  private ServerProcess startServer() {
    return ServerProcess.start(data.resolve("server.log"), port,
        List.of("--data-dir=" + data.resolve("data"), "--taidon.profile.max-worksheets=2",
            "--taidon.auth.access-token-lifetime=10s"));
  }

  @AfterEach
  void stop() {
    try {
      if (page != null) {
        page.browser().screenshot(testName);
        page.browser().close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
      TestDirectories.delete(data);
    }
  }

  @Test
  void aQuotaIsExplainedOnTheStartPage() {
    page.openStartPage();
    page.openDataset("chinook");
    page.openStartPage();
    page.openPlayground();
    page.openStartPage();
    page.browser().find("[data-dataset=clubdata]").click();

    WebElement banner = page.browser().find("[data-testid=start-page] [role=alert]");
    assertThat(banner.getText()).as("the third worksheet is over the account's limit of two").contains("Limit reached");
    assertThat(page.browser().all("[data-testid=worksheet-list] li")).hasSize(2);
  }

  @Test
  void textTypedWhileTheServerIsGoneIsSavedWhenItReturns() {
    page.openStartPage();
    page.openPlayground();
    page.replaceCell(0, "SELECT 'before' AS moment;");
    page.browser().await("the first text saved", driver -> page.browser().find("[data-testid=save-status]").getText().equals("Saved") ? true : null);
    String worksheetUrl = page.browser().driver().getCurrentUrl();

    server.kill();
    page.addCell("SELECT 'while the server was gone' AS moment;");
    WebElement banner = page.browser().await("the unreachable message", driver -> {
      WebElement shown = page.browser().find("[data-testid=banner]");
      return shown.getText().contains("unreachable") ? shown : null;
    });
    assertThat(banner.getText()).contains("Your text is kept in this browser");
    assertThat(page.browser().find("[data-testid=save-status]").getText()).isEqualTo("Not saved");
    page.browser().screenshot(testName + "-server-gone");

    server = startServer();
    page.browser().await("the retried save", driver -> page.browser().find("[data-testid=save-status]").getText().equals("Saved") ? true : null);
    page.browser().open("about:blank");
    page.browser().open(worksheetUrl);
    page.browser().await("both cells after a reload", driver -> page.cells().size() == 2 ? true : null);
    assertThat(page.cellText(1)).isEqualTo("SELECT 'while the server was gone' AS moment;");
    page.runCell(1);
    assertThat(page.gridRows(1)).containsExactly(List.of("while the server was gone"));
  }

  @Test
  void anExpiredSessionOffersANewOneThatKeepsTheWorksheetAsTyped() {
    page.openStartPage();
    page.openDataset("chinook");
    page.replaceCell(0, "SELECT count(*) FROM artist;");
    page.browser().await("the text saved", driver -> page.browser().find("[data-testid=save-status]").getText().equals("Saved") ? true : null);
    String before = page.worksheetId();

    // Sign out elsewhere: the refresh token's family is revoked, so the page cannot renew its
    // access token once that expires (after ten seconds here).
    page.browser().script("const s = JSON.parse(localStorage.getItem('taidon.session'));"
        + "fetch('/api/v1/auth/logout', {method: 'POST', headers: {'Content-Type': 'application/json'},"
        + " body: JSON.stringify({refreshToken: s.refreshToken})});");
    page.browser().await("the access token to expire", driver -> ((Number) ((JavascriptExecutor) driver)
        .executeAsyncScript("const done = arguments[arguments.length - 1];"
            + "const s = JSON.parse(localStorage.getItem('taidon.session'));"
            + "fetch('/api/v1/me', {headers: {Authorization: 'Bearer ' + s.accessToken}}).then(r => done(r.status), () => done(0));"))
        .intValue() == 401 ? true : null);

    page.addCell("SELECT 'typed after the session ended' AS note;");
    WebElement banner = page.browser().await("the expired-session message", driver -> {
      WebElement shown = page.browser().find("[data-testid=banner]");
      return shown.getText().contains("session has expired") ? shown : null;
    });
    page.browser().screenshot(testName + "-expired");
    banner.findElement(By.xpath(".//button[contains(., 'Start a new session')]")).click();

    page.browser().await("the copy in a new session", driver -> {
      String id = page.worksheetId();
      return id != null && !id.equals(before) && page.cells().size() == 2 ? true : null;
    });
    assertThat(page.cellText(0)).isEqualTo("SELECT count(*) FROM artist;");
    assertThat(page.cellText(1)).isEqualTo("SELECT 'typed after the session ended' AS note;");
    assertThat(page.browser().find("[data-testid=base]").getText()).contains("Chinook");
    page.runCell(0);
    assertThat(page.gridRows(0)).containsExactly(List.of("275"));
  }
}
