package dev.taidon.gateway.internal;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.web.ProblemResponses;
import dev.taidon.core.web.Problems;
import dev.taidon.gateway.GatewaySettings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every response of the public edge carries and every request must respect: security headers
 * (a Content-Security-Policy the SPA passes: no inline script, nothing from other origins),
 * and a bound on request bodies, enforced on the declared length and again on the bytes read, so a
 * chunked upload cannot exceed it either.
 */
final class EdgeFilter extends OncePerRequestFilter {
  /**
   * No inline script anywhere. Style elements only from this origin, or, on the SPA's page, with
   * that response's nonce ({@link SpaPageController}); CodeMirror builds its styles at run time in
   * one such element. Style attributes are allowed ({@code style-src-attr}): the editor sets
   * sizes and positions through them, and an attribute can neither run script nor select other
   * elements to leak their content.
   */
  static final String CONTENT_SECURITY_POLICY = contentSecurityPolicy("'self'");

  static String contentSecurityPolicy(String styleElementSources) {
    return "default-src 'self'; script-src 'self'; style-src " + styleElementSources + "; "
        + "style-src-attr 'unsafe-inline'; "
        + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        + "frame-ancestors 'none'; form-action 'self'";
  }

  /** Where projects are uploaded: the one route with its own, larger body limit. */
  static final String UPLOADS = "/api/v1/projects";

  private final long maxRequestBytes;
  private final long maxUploadBytes;
  private final JsonMapper json;
  private final ProblemResponses problems;

  EdgeFilter(GatewaySettings settings, JsonMapper json, ProblemResponses problems) {
    this.maxRequestBytes = settings.maxRequestSize().toBytes();
    this.maxUploadBytes = settings.maxUploadSize().toBytes();
    this.json = json;
    this.problems = problems;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    // Role-to-role calls have their own limit and no browser on the other end.
    return request.getRequestURI().startsWith("/internal/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    boolean upload = request.getMethod().equals("POST") && request.getRequestURI().equals(UPLOADS);
    long limit = upload ? maxUploadBytes : maxRequestBytes;
    String setting = upload ? "taidon.gateway.max-upload-size" : "taidon.gateway.max-request-size";
    if (request.getContentLengthLong() > limit) {
      tooLarge(response, limit, setting);
      return;
    }
    if (holdsNul(request.getQueryString())) {
      FilterProblems.write(response, json, Problems.of(ErrorCode.INVALID_ARGUMENT, "the query string contains a NUL"
          + " character (%00), which no parameter may hold", Map.of()));
      return;
    }
    try {
      chain.doFilter(new BoundedRequest(request, limit, setting), response);
    } catch (ServletException | RuntimeException e) {
      // An inner filter (rate limits, sign-in) met an overloaded control database: answered here,
      // as a handler's would be, rather than logged as an incident by the servlet container.
      if (!ProblemResponses.isControlDatabaseUnavailable(e) || response.isCommitted()) {
        throw e;
      }
      ResponseEntity<ProblemDetail> answer = problems.controlDatabaseUnavailable(e);
      answer.getHeaders().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
      FilterProblems.write(response, json, answer.getBody());
    }
  }

  /** Whether a raw query string decodes to a NUL character anywhere (PostgreSQL's text cannot hold one). */
  static boolean holdsNul(String query) {
    if (query == null) {
      return false;
    }
    for (int at = query.indexOf('%'); at >= 0 && at + 2 < query.length(); at = query.indexOf('%', at + 1)) {
      if (query.charAt(at + 1) == '0' && query.charAt(at + 2) == '0') {
        return true;
      }
    }
    return query.indexOf('\0') >= 0;
  }

  private void tooLarge(HttpServletResponse response, long limit, String setting) throws IOException {
    FilterProblems.write(response, json, Problems.of(ErrorCode.PAYLOAD_TOO_LARGE,
        "request bodies are limited to " + limit + " bytes (" + setting + ")", Map.of("limit", limit)));
  }

  /** A request whose body stream fails once more than the limit has been read. */
  private static final class BoundedRequest extends HttpServletRequestWrapper {
    private final long limit;
    private final String setting;

    BoundedRequest(HttpServletRequest request, long limit, String setting) {
      super(request);
      this.limit = limit;
      this.setting = setting;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      ServletInputStream in = super.getInputStream();
      return new ServletInputStream() {
        private long read;

        @Override
        public int read() throws IOException {
          int b = in.read();
          if (b >= 0) {
            count(1);
          }
          return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int n = in.read(buffer, offset, length);
          if (n > 0) {
            count(n);
          }
          return n;
        }

        private void count(int n) {
          read += n;
          if (read > limit) {
            throw new dev.taidon.core.TaidonException(ErrorCode.PAYLOAD_TOO_LARGE,
                "request bodies are limited to " + limit + " bytes (" + setting + ")");
          }
        }

        @Override
        public boolean isFinished() {
          return in.isFinished();
        }

        @Override
        public boolean isReady() {
          return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
          in.setReadListener(listener);
        }
      };
    }
  }
}
