package dev.taidon.gateway.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The SPA's page ({@code static/index.html} of the frontend jar), each time with a new
 * Content-Security-Policy nonce in its {@code csp-nonce} meta element and in the policy's
 * {@code style-src}: the editor creates its style element with that nonce, and nothing injected
 * can know it. The page is never cached, since each copy carries its own nonce; its hashed assets
 * are.
 */
@RestController
class SpaPageController {
  static final String NONCE_PLACEHOLDER = "<meta name=\"csp-nonce\" content=\"\" />";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String page;

  SpaPageController() {
    try (InputStream in = SpaPageController.class.getClassLoader().getResourceAsStream("static/index.html")) {
      page = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (page != null && !page.contains(NONCE_PLACEHOLDER)) {
      throw new IllegalStateException("static/index.html lacks " + NONCE_PLACEHOLDER + ", where the nonce goes");
    }
  }

  @GetMapping(value = {"/", "/index.html"}, produces = MediaType.TEXT_HTML_VALUE)
  ResponseEntity<String> page() {
    if (page == null) {
      return ResponseEntity.notFound().build();
    }
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return ResponseEntity.ok()
        .cacheControl(CacheControl.noStore())
        .header("Content-Security-Policy", EdgeFilter.contentSecurityPolicy("'self' 'nonce-" + nonce + "'"))
        .header(HttpHeaders.CONTENT_TYPE, MediaType.TEXT_HTML_VALUE + ";charset=UTF-8")
        .body(page.replace(NONCE_PLACEHOLDER, "<meta name=\"csp-nonce\" content=\"" + nonce + "\" />"));
  }
}
