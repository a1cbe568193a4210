package dev.taidon.gateway.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.web.Problems;
import dev.taidon.gateway.GatewaySettings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rate limits on the API, per client address (before authentication, so floods of bad tokens are
 * limited too) and per account (after it). A refused request gets 429, {@code Retry-After} and a
 * problem document naming the limit.
 */
final class RateLimitFilter extends OncePerRequestFilter {
  private static final String SIGN_UP_ANONYMOUS = "/api/v1/auth/anonymous";
  private static final String SIGN_UP_REGISTER = "/api/v1/auth/register";

  private final RateLimiter limiter;
  private final GatewaySettings settings;
  private final JsonMapper json;
  private final boolean perAccount;
  /** {@code taidon_gateway_rate_limited_total{scope}}: {@code account} or {@code address}. */
  private final io.micrometer.core.instrument.Counter rejections;
  /** {@code taidon_gateway_rate_limited_total{scope="sign-up"}}, counted by the address instance. */
  private final io.micrometer.core.instrument.Counter signUpRejections;

  /**
   * @param perAccount whether this instance limits accounts (runs after authentication) or client
   *     addresses (runs before it)
   */
  RateLimitFilter(RateLimiter limiter, GatewaySettings settings, JsonMapper json, boolean perAccount,
      io.micrometer.core.instrument.MeterRegistry registry) {
    this.rejections = io.micrometer.core.instrument.Counter.builder("taidon.gateway.rate.limited")
        .description("API requests refused by a rate limit").tag("scope", perAccount ? "account" : "address")
        .register(registry);
    this.signUpRejections = io.micrometer.core.instrument.Counter.builder("taidon.gateway.rate.limited")
        .description("API requests refused by a rate limit").tag("scope", "sign-up").register(registry);
    this.limiter = limiter;
    this.settings = settings;
    this.json = json;
    this.perAccount = perAccount;
  }

  /** The requests that make a new account: an anonymous sign-in, a registration. */
  static boolean isSignUp(HttpServletRequest request) {
    String path = request.getRequestURI();
    return request.getMethod().equals("POST") && (path.equals(SIGN_UP_ANONYMOUS) || path.equals(SIGN_UP_REGISTER));
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    RateLimiter.Decision decision;
    String what;
    boolean signUp = false;
    if (perAccount) {
      Object caller = request.getAttribute(BearerAuthentication.CALLER);
      if (!(caller instanceof AccessTokenVerifier.Caller account)) {
        chain.doFilter(request, response);
        return;
      }
      what = "requests from this account (taidon.gateway.account-rate)";
      decision = limiter.take("account:" + account.accountId(), settings.accountRate(), settings.accountBurst());
    } else {
      what = "requests from this client address (taidon.gateway.address-rate)";
      decision = limiter.take("address:" + request.getRemoteAddr(), settings.addressRate(), settings.addressBurst());
      if (decision.allowed() && isSignUp(request)) {
        signUp = true;
        what = "new accounts from this client address (taidon.gateway.sign-up-rate)";
        decision = limiter.take("sign-up:" + request.getRemoteAddr(), settings.signUpRate(), settings.signUpBurst());
      }
    }
    if (decision.allowed()) {
      chain.doFilter(request, response);
      return;
    }
    (signUp ? signUpRejections : rejections).increment();
    response.setHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
    FilterProblems.write(response, json, Problems.of(ErrorCode.TOO_MANY_ATTEMPTS,
        "too many " + what + ": retry in " + decision.retryAfterSeconds() + " s",
        Map.of("retryAfterSeconds", decision.retryAfterSeconds())));
  }
}
