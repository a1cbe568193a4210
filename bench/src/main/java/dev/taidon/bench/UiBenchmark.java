package dev.taidon.bench;

import dev.taidon.testkit.browser.Browser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The SPA in the machine's headless Chromium against a platform in this process: navigation to an
 * interactive editor on a dataset worksheet (against navigating to a static file of the same
 * server), pressing Run on {@code SELECT 1} until the rows are painted (against the page fetching
 * the same run from the API itself), and the initial bundle's size gzipped.
 */
final class UiBenchmark implements Bench.Benchmark {
  private static final int RUNS = 30;
  private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+\\.(?:js|css))\"");

  /** Resolves with milliseconds from navigation start until the editor takes input. */
  private static final String AWAIT_EDITOR = """
      const done = arguments[arguments.length - 1];
      const check = () => {
        const editor = document.querySelector('[data-testid=cell] .cm-content[contenteditable=true]');
        if (editor !== null) done(performance.now()); else requestAnimationFrame(check);
      };
      check();
      """;

  /** Presses Run on the first cell and resolves with milliseconds until its new grid is painted. */
  private static final String RUN_TO_PAINT = """
      const done = arguments[arguments.length - 1];
      const cell = document.querySelector('[data-testid=cell]');
      const output = cell.querySelector('.cell-output');
      output.replaceChildren();
      const started = performance.now();
      const observer = new MutationObserver(() => {
        if (output.querySelector('[data-testid=grid] tbody tr') !== null) {
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => done(performance.now() - started)));
        }
      });
      observer.observe(output, { childList: true, subtree: true });
      cell.querySelector('[data-testid=run-cell]').click();
      """;

  /** The same run straight from the page with fetch, read to the end: the API without the UI. */
  private static final String FETCH_RUN = """
      const done = arguments[arguments.length - 1];
      const [worksheet, cell] = [arguments[0], arguments[1]];
      const session = JSON.parse(localStorage.getItem('taidon.session'));
      const started = performance.now();
      fetch('/api/v1/worksheets/' + worksheet + '/run', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson', Authorization: 'Bearer ' + session.accessToken },
        body: JSON.stringify({ through: cell }),
      }).then((r) => r.text()).then(() => done(performance.now() - started), (e) => done(-1));
      """;

  @Override
  public String description() {
    return "SPA in Chromium: navigation to an interactive editor, Run to rows painted, bundle size gzipped";
  }

  @Override
  public void run(String[] args) throws Exception {
    List<String> report = new ArrayList<>();
    try (BenchPlatform platform = BenchPlatform.start("bench-ui", 4096, BenchPlatform.UNLIMITED_RATES);
        Browser browser = Browser.start(platform.scratch().resolve("screenshots"))) {
      URI baseUrl = URI.create(platform.baseUrl() + "/");
      report.add("ui: Chromium " + ((org.openqa.selenium.HasCapabilities) browser.driver()).getCapabilities().getBrowserVersion()
          + " headless, "
          + Runtime.getRuntime().availableProcessors() + " processors, store " + platform.storeDescription()
          + ", platform in this process on loopback");
      bundle(baseUrl, report);

      browser.open(baseUrl.toString());
      browser.find("[data-dataset=chinook]").click();
      browser.find("[data-testid=workspace]");
      String worksheetUrl = browser.driver().getCurrentUrl();
      String worksheetId = browser.find("[data-testid=workspace]").getAttribute("data-worksheet");
      interactive(browser, baseUrl, worksheetUrl, report);
      runToPaint(browser, worksheetId, report);
    }
    report.forEach(System.out::println);
  }

  /** The scripts and styles index.html loads, each gzipped as a server would send it. */
  private static void bundle(URI baseUrl, List<String> report) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    String index = http.send(HttpRequest.newBuilder(baseUrl).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher assets = ASSET.matcher(index);
    long raw = index.length();
    long gzipped = gzip(index.getBytes());
    int files = 1;
    while (assets.find()) {
      byte[] body = http.send(HttpRequest.newBuilder(baseUrl.resolve(assets.group(1))).build(),
          HttpResponse.BodyHandlers.ofByteArray()).body();
      raw += body.length;
      gzipped += gzip(body);
      files++;
    }
    report.add(String.format("  %-44s %d files, %.1f kB, %.1f kB gzipped (goal: at most 400 kB gzipped)",
        "initial bundle (index.html, scripts, styles)", files, raw / 1000.0, gzipped / 1000.0));
  }

  private static long gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    }
    return out.size();
  }

  private static void interactive(Browser browser, URI baseUrl, String worksheetUrl, List<String> report) {
    Samples staticFile = new Samples("navigate to a static file (favicon.svg)");
    Samples editor = new Samples("navigate to a dataset worksheet, editor ready");
    for (int i = 0; i < RUNS; i++) {
      browser.open("about:blank");
      browser.open(baseUrl.resolve("/favicon.svg").toString());
      staticFile.add(millisToNanos((Number) browser.script(
          "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd || performance.now();")));
      browser.open("about:blank");
      browser.open(worksheetUrl);
      editor.add(millisToNanos((Number) ((JavascriptExecutor) browser.driver()).executeAsyncScript(AWAIT_EDITOR)));
    }
    report.add(staticFile.line(null));
    report.add(editor.line(staticFile) + "   (goal: at most 1000 ms)");
  }

  private static void runToPaint(Browser browser, String worksheetId, List<String> report) {
    WebElement cell = browser.find("[data-testid=cell]");
    WebElement content = cell.findElement(By.cssSelector(".cm-content"));
    content.click();
    content.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE, "SELECT 1");
    String cellId = cell.getAttribute("data-cell-id");
    JavascriptExecutor js = (JavascriptExecutor) browser.driver();
    // The first run saves the cell and positions the sandbox; it is not measured.
    js.executeAsyncScript(RUN_TO_PAINT);
    Samples api = new Samples("fetch the same run from the page (API alone)");
    Samples paint = new Samples("press Run on SELECT 1 until rows are painted");
    for (int i = 0; i < RUNS; i++) {
      double fetched = ((Number) js.executeAsyncScript(FETCH_RUN, worksheetId, cellId)).doubleValue();
      if (fetched < 0) {
        throw new IllegalStateException("the page could not fetch the run from the API");
      }
      api.add(millisToNanos(fetched));
      paint.add(millisToNanos((Number) js.executeAsyncScript(RUN_TO_PAINT)));
    }
    report.add(api.line(null));
    report.add(paint.line(api) + "   (goal: at most 100 ms)");
  }

  private static long millisToNanos(Number millis) {
    return Math.round(millis.doubleValue() * 1_000_000);
  }
}
