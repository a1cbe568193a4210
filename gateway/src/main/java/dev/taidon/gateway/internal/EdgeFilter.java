package dev.taidon.gateway.internal;

import dev.taidon.core.ErrorCode;
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
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every response of the public edge carries and every request must respect: security headers
 * (a Content-Security-Policy the SPA passes: no inline script or style, nothing from other origins),
 * and a bound on request bodies, enforced on the declared length and again on the bytes read, so a
 * chunked upload cannot exceed it either.
 */
final class EdgeFilter extends OncePerRequestFilter {
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
      + "frame-ancestors 'none'; form-action 'self'";

  private final long maxRequestBytes;
  private final JsonMapper json;

  EdgeFilter(GatewaySettings settings, JsonMapper json) {
    this.maxRequestBytes = settings.maxRequestSize().toBytes();
    this.json = json;
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
    if (request.getContentLengthLong() > maxRequestBytes) {
      tooLarge(response);
      return;
    }
    chain.doFilter(new BoundedRequest(request, maxRequestBytes), response);
  }

  private void tooLarge(HttpServletResponse response) throws IOException {
    response.setStatus(ErrorCode.PAYLOAD_TOO_LARGE.httpStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getOutputStream().write(json.writeValueAsBytes(Problems.of(ErrorCode.PAYLOAD_TOO_LARGE,
        "request bodies are limited to " + maxRequestBytes + " bytes (taidon.gateway.max-request-size)",
        Map.of("limit", maxRequestBytes))));
  }

  /** A request whose body stream fails once more than the limit has been read. */
  private static final class BoundedRequest extends HttpServletRequestWrapper {
    private final long limit;

    BoundedRequest(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
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
                "request bodies are limited to " + limit + " bytes (taidon.gateway.max-request-size)");
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
