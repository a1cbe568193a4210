package dev.taidon.gateway.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.web.Problems;
import dev.taidon.gateway.GatewaySettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lets API requests in at the pace the platform can work on them ({@link Admission}); a request
 * whose turn does not come within {@code taidon.gateway.admission-wait} gets 503 {@code overloaded}
 * with {@code Retry-After}. Runs after the rate limits, so a flooding client is refused before it
 * takes a place in the line, and cancelling a run never waits: it is how a learner frees what a
 * runaway statement holds.
 */
final class AdmissionFilter extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(AdmissionFilter.class);
  /** What a refused client is told to wait before trying again. */
  static final long RETRY_AFTER_SECONDS = 5;

  private final Admission admission;
  private final JsonMapper json;
  private final String refusal;
  private final ScheduledExecutorService holdKeeper;
  private final Timer waits;
  private final Counter refusals;

  AdmissionFilter(GatewaySettings settings, JsonMapper json, MeterRegistry registry) {
    this.admission = new Admission(settings.maxInFlight(), settings.admissionWait(), settings.admissionHold(),
        System::nanoTime);
    this.json = json;
    this.refusal = refusal(settings.admissionWait());
    this.holdKeeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("admission-hold")
        .daemon().factory());
    long every = Math.max(10, settings.admissionHold().toMillis() / 4);
    holdKeeper.scheduleWithFixedDelay(this::releaseOverdue, every, every, TimeUnit.MILLISECONDS);
    this.waits = Timer.builder("taidon.gateway.admission.wait").description("How long API requests waited for their turn")
        .publishPercentileHistogram().register(registry);
    this.refusals = Counter.builder("taidon.gateway.admission.refused")
        .description("API requests refused because their turn did not come in time").register(registry);
    Gauge.builder("taidon.gateway.admission.in.flight", admission, Admission::inFlight)
        .description("API requests counted against taidon.gateway.max-in-flight").register(registry);
    Gauge.builder("taidon.gateway.admission.waiting", admission, Admission::waiting)
        .description("API requests waiting for their turn").register(registry);
    FunctionCounter.builder("taidon.gateway.admission.outlasted", admission, Admission::outlasted)
        .description("API requests that stopped counting after taidon.gateway.admission-hold").register(registry);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !path.startsWith("/api/") || (path.startsWith("/api/v1/runs/") && path.endsWith("/cancel"));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long start = System.nanoTime();
    Optional<Admission.Permit> permit;
    try {
      permit = admission.enter();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServletException("interrupted while waiting for admission", e);
    }
    waits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    if (permit.isEmpty()) {
      refusals.increment();
      response.setHeader("Retry-After", Long.toString(RETRY_AFTER_SECONDS));
      FilterProblems.write(response, json, Problems.of(ErrorCode.OVERLOADED, refusal,
          Map.of("retryAfterSeconds", RETRY_AFTER_SECONDS)));
      return;
    }
    try (Admission.Permit turn = permit.get()) {
      chain.doFilter(request, response);
    }
  }

  /** Keeps the schedule alive whatever happens: a task that throws is never run again. */
  private void releaseOverdue() {
    try {
      admission.releaseOverdue();
    } catch (RuntimeException e) {
      log.warn("Could not release the turns of requests past taidon.gateway.admission-hold", e);
    }
  }

  /**
   * Called by the servlet container when it takes the filter out of service, and by the context
   * when it closes; the second call does nothing.
   */
  @Override
  public void destroy() {
    holdKeeper.shutdownNow();
  }

  /** What a request refused for want of a turn is told, with the wait it was allowed in the unit it was set in. */
  static String refusal(Duration admissionWait) {
    String waited = admissionWait.isZero()
        ? "requests do not wait for a turn here (taidon.gateway.admission-wait is 0s)"
        : "this request waited " + (admissionWait.toMillis() % 1000 == 0 ? admissionWait.toSeconds() + " s"
            : admissionWait.toMillis() + " ms") + " for its turn (taidon.gateway.admission-wait)";
    return "the platform is busier than it can serve: " + waited + "; retry in " + RETRY_AFTER_SECONDS + " s";
  }
}
