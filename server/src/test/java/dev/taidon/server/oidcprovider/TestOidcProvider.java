package dev.taidon.server.oidcprovider;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * A real OpenID Connect provider for tests: Spring Authorization Server, configured by Spring Boot
 * from properties, with two users and one client (Taidon). It lives in a package of its own so that
 * its component scan finds nothing of the platform.
 */
@SpringBootApplication(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class TestOidcProvider {
  public static final String USER = "ada";
  public static final String PASSWORD = "lovelace-1843";
  /** A second user, whom no test logs in before the one about upgrading an anonymous account. */
  public static final String SECOND_USER = "grace";
  public static final String SECOND_PASSWORD = "hopper-1906";
  public static final String CLIENT_ID = "taidon";
  public static final String CLIENT_SECRET = "taidon-secret";

  @Bean
  InMemoryUserDetailsManager users() {
    return new InMemoryUserDetailsManager(
        User.withUsername(USER).password("{noop}" + PASSWORD).roles("USER").build(),
        User.withUsername(SECOND_USER).password("{noop}" + SECOND_PASSWORD).roles("USER").build());
  }

  /**
   * Starts the provider on {@code port}, accepting Taidon's callback at {@code redirectUri}, with its
   * web server's working files in {@code workDirectory} (the test's to delete), not the system's
   * temporary directory, where nothing would ever remove them.
   */
  public static ConfigurableApplicationContext start(int port, String redirectUri, Path workDirectory) {
    String client = "spring.security.oauth2.authorizationserver.client.taidon.";
    return new SpringApplicationBuilder(TestOidcProvider.class)
        .properties(Map.ofEntries(
            Map.entry("server.port", port),
            Map.entry("server.tomcat.basedir", workDirectory.toAbsolutePath().toString()),
            // Not the platform's application.properties, which shares this class path.
            Map.entry("spring.config.name", "test-oidc-provider"),
            Map.entry("spring.main.banner-mode", "off"),
            Map.entry("management.endpoints.web.exposure.include", "health"),
            Map.entry("spring.security.oauth2.authorizationserver.issuer", "http://127.0.0.1:" + port),
            Map.entry(client + "registration.client-id", CLIENT_ID),
            Map.entry(client + "registration.client-secret", "{noop}" + CLIENT_SECRET),
            Map.entry(client + "registration.client-authentication-methods", "client_secret_basic"),
            Map.entry(client + "registration.authorization-grant-types", "authorization_code"),
            Map.entry(client + "registration.redirect-uris", redirectUri),
            Map.entry(client + "registration.scopes", "openid,email"),
            Map.entry(client + "require-proof-key", "true"),
            Map.entry(client + "require-authorization-consent", "false")))
        .run();
  }
}
