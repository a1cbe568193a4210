package dev.taidon.gateway.internal;

import dev.taidon.core.TaidonException;
import dev.taidon.core.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every {@code /api/} request but sign-in, registration, login, token refresh, sign-out, the key
 * set and the platform status needs a valid access token in {@code Authorization: Bearer}; those
 * public ones may carry one (registration does, to upgrade an anonymous account). The caller is
 * then available to handlers as the request attribute {@link #CALLER}; a missing or bad token is
 * answered 401 with a problem document and a {@code WWW-Authenticate} challenge.
 */
final class BearerAuthentication extends OncePerRequestFilter {
  static final String CALLER = BearerAuthentication.class.getName() + ".caller";
  private static final Set<String> PUBLIC = Set.of("/api/v1/auth/anonymous", "/api/v1/auth/register",
      "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/jwks", "/api/v1/platform",
      "/api/v1/datasets");

  private final AccessTokenVerifier verifier;
  private final JsonMapper json;
  /** {@code taidon_gateway_auth_rejected_total{reason=missing|invalid}}. */
  private final io.micrometer.core.instrument.Counter missing;
  private final io.micrometer.core.instrument.Counter invalid;

  BearerAuthentication(AccessTokenVerifier verifier, JsonMapper json, io.micrometer.core.instrument.MeterRegistry registry) {
    this.missing = io.micrometer.core.instrument.Counter.builder("taidon.gateway.auth.rejected")
        .description("API requests refused for want of a valid access token").tag("reason", "missing").register(registry);
    this.invalid = io.micrometer.core.instrument.Counter.builder("taidon.gateway.auth.rejected")
        .description("API requests refused for want of a valid access token").tag("reason", "invalid").register(registry);
    this.verifier = verifier;
    this.json = json;
  }

  private static boolean isPublic(String path) {
    return PUBLIC.contains(path) || path.startsWith("/api/v1/auth/oidc/");
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !path.startsWith("/api/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (header == null && isPublic(request.getRequestURI())) {
      chain.doFilter(request, response);
      return;
    }
    try {
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new TaidonException(dev.taidon.core.ErrorCode.UNAUTHENTICATED,
            "this request needs an access token: Authorization: Bearer <token> (POST /api/v1/auth/anonymous gives one)");
      }
      request.setAttribute(CALLER, verifier.verify(header.substring(7).strip()));
    } catch (TaidonException e) {
      (header == null ? missing : invalid).increment();
      response.setHeader("WWW-Authenticate", "Bearer realm=\"taidon\"" + (header == null ? "" : ", error=\"invalid_token\""));
      FilterProblems.write(response, json, Problems.of(e));
      return;
    }
    chain.doFilter(request, response);
  }
}
